package journal

import (
	"net/http"
	"strings"
)

// secretHeaders are masked in a captured exchange: whoever reads the live
// log holds the admin token, not the callers' API keys.
var secretHeaders = map[string]bool{"Authorization": true, "Cookie": true, "Set-Cookie": true,
	"X-Api-Key": true, "Api-Key": true, "Proxy-Authorization": true}

// MaskHeader copies h with the values of secretHeaders replaced by
// "[secret]" (an Authorization header keeps its scheme).
func MaskHeader(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		vs = append([]string(nil), vs...)
		if secretHeaders[http.CanonicalHeaderKey(k)] {
			for i, v := range vs {
				if scheme, _, ok := strings.Cut(strings.TrimSpace(v), " "); ok && k == "Authorization" {
					vs[i] = scheme + " [secret]"
				} else {
					vs[i] = "[secret]"
				}
			}
		}
		out[k] = vs
	}
	return out
}
