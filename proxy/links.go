package proxy

import (
	"bytes"
	"strings"
)

// rewriteLinks points an absolute link to the upstream (a page's next
// link, a redirect's Location, an image URL) at the proxy instead, so a
// client that follows it stays behind the proxy. Only the upstream's base
// followed by "/" (or nothing) is replaced.
func rewriteLinks(s, upstreamBase, self string) string {
	if s == upstreamBase {
		return self
	}
	return strings.ReplaceAll(s, upstreamBase+"/", self+"/")
}

// rewriteLinkBytes is rewriteLinks over a JSON body's bytes: links are
// string values, so replacing the base as text changes nothing else, and
// keeps the upstream's layout and key order. Python's json writes "/"
// unescaped, and so does the fake.
func rewriteLinkBytes(b []byte, upstreamBase, self string) []byte {
	if !bytes.Contains(b, []byte(upstreamBase)) {
		return b
	}
	return bytes.ReplaceAll(b, []byte(upstreamBase+"/"), []byte(self+"/"))
}
