package proxy

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// hopByHop are the headers of one connection, never passed on (RFC 9110
// 7.6.1), and Accept-Encoding: the proxy lets its transport negotiate
// compression, so it reads and checks the answer decompressed.
var hopByHop = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Proxy-Authenticate": true, "Proxy-Authorization": true,
	"Te": true, "Trailer": true, "Transfer-Encoding": true, "Upgrade": true, "Proxy-Connection": true,
	"Accept-Encoding": true,
}

// recordedRequestHeaders and recordedResponseHeaders are the only headers
// a cassette holds: what a replay needs (the request's Content-Type, with
// a multipart boundary) and what says something about the answer. A
// list of what to keep, not of what to drop, so a secret in a header
// nobody thought of never reaches the file.
var (
	recordedRequestHeaders  = []string{"Content-Type"}
	recordedResponseHeaders = []string{"Content-Type", "Location", "Allow", "Retry-After", "WWW-Authenticate"}
)

// copyRequestHeader copies the caller's headers for the upstream: all but
// the connection's own and the fake's steering headers (X-Fake-*), which
// mean nothing to the real service. Host is the upstream's.
func copyRequestHeader(dst, src http.Header) {
	for k, vs := range src {
		ck := http.CanonicalHeaderKey(k)
		if hopByHop[ck] || strings.HasPrefix(ck, "X-Fake-") || ck == "Host" {
			continue
		}
		dst[ck] = append([]string(nil), vs...)
	}
	// Connection may name further headers of this hop.
	for _, v := range src.Values("Connection") {
		for _, name := range strings.Split(v, ",") {
			dst.Del(strings.TrimSpace(name))
		}
	}
}

func keptHeaders(h http.Header, names []string) map[string]string {
	var out map[string]string
	for _, n := range names {
		if v := h.Get(n); v != "" {
			if out == nil {
				out = map[string]string{}
			}
			out[n] = v
		}
	}
	return out
}

// secretHeader reports whether a request header's value is a credential
// whose value must not appear anywhere in a cassette.
func secretHeader(name string) bool {
	n := strings.ToLower(name)
	for _, word := range []string{"auth", "token", "key", "cookie", "secret", "session", "password"} {
		if strings.Contains(n, word) {
			return true
		}
	}
	return false
}

// headerValue renders violation lines as a JSON array for
// ViolationsHeader: non-ASCII escaped, at most MaxHeaderViolations lines
// and about 8 KiB, the rest counted in a last line.
func headerValue(lines []string) string {
	const budget = 8 << 10
	var kept []string
	size := 2
	for i, l := range lines {
		b, _ := json.Marshal(l)
		if i == MaxHeaderViolations || size+len(b)+1 > budget {
			kept = append(kept, fmt.Sprintf("... and %d more, see /_fake/requests", len(lines)-i))
			break
		}
		kept = append(kept, l)
		size += len(b) + 1
	}
	b, _ := json.Marshal(kept)
	return asciiJSON(string(b))
}

// asciiJSON escapes every non-ASCII character of a JSON text as \uXXXX.
func asciiJSON(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x80:
			b.WriteRune(r)
		case r > 0xFFFF:
			r -= 0x10000
			fmt.Fprintf(&b, `\u%04x\u%04x`, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}
