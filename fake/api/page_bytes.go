package api

import (
	"net/http"
	"strconv"
	"sync"

	"github.com/labstack/echo/v4"
)

// WrappedPage writes, with 200, the wrapped page envelope around items
// already encoded as JSON: the bytes Wrapped(c, description, p.Body(c,
// views)) writes when each view encodes to the item at its index. The
// credential list answers with it from each credential's JSON rendered
// once (credentials/rendered.go): a page costs appending bytes instead of
// encoding ten credentials through reflection. page_bytes_test.go holds it
// to Wrapped's output, byte for byte.
func WrappedPage(c echo.Context, description string, p Page, items [][]byte) error {
	bp := pageBuffers.Get().(*[]byte)
	b := append((*bp)[:0], `{"status":{"success":true,"description":`...)
	b = AppendString(b, description)
	b = append(b, `},"result":`...)
	b = p.appendEnvelope(b, c)
	b = append(b, '[')
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, it...)
	}
	b = append(b, "]}}"...)
	// JSONBytes writes the bytes out before returning, so the buffer is
	// free again afterwards.
	err := JSONBytes(c, http.StatusOK, b)
	if cap(b) <= 1<<20 { // a rare huge page is not kept
		*bp = b
		pageBuffers.Put(bp)
	}
	return err
}

// pageBuffers recycle WrappedPage's buffers (a page of credentials is
// about 7 KB, grown from nothing otherwise).
var pageBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// appendEnvelope appends PageNumberBody's fields up to data's value:
// `{"next":…,"previous":…,"count":…,"num_pages":…,"page_number":…,"max_page_size":…,"data":`.
func (p Page) appendEnvelope(b []byte, c echo.Context) []byte {
	b = append(b, `{"next":`...)
	b = p.appendLink(b, c, p.Number+1, p.Number < p.NumPages)
	b = append(b, `,"previous":`...)
	b = p.appendLink(b, c, p.Number-1, p.Number > 1)
	b = append(b, `,"count":`...)
	b = AppendInt(b, p.Count)
	b = append(b, `,"num_pages":`...)
	b = AppendInt(b, p.NumPages)
	b = append(b, `,"page_number":`...)
	b = AppendInt(b, p.Number)
	b = append(b, `,"max_page_size":`...)
	b = AppendInt(b, p.MaxSize)
	return append(b, `,"data":`...)
}

// appendLink appends the link to page n as a JSON string (as Links builds
// it), or null when there is none. A request made of the characters that
// neither URL escaping nor JSON escaping changes (the usual one) is written
// straight from its parts; any other is built by Links' own code.
func (p Page) appendLink(b []byte, c echo.Context, n int, exists bool) []byte {
	if !exists {
		return append(b, "null"...)
	}
	if out, ok := appendPlainLink(b, c, n); ok {
		return out
	}
	next, prev := p.Links(c)
	if n > p.Number {
		return AppendNullableString(b, next)
	}
	return AppendNullableString(b, prev)
}

// queryPair is one key=value of a plain query string.
type queryPair struct{ k, v string }

// maxPlainPairs bounds the query a plain link is written from; a longer
// one goes the general way.
const maxPlainPairs = 16

// appendPlainLink appends the link to page n when every part of the
// request is plain (see appendLink) and reports whether it did. It writes
// what Links writes: url.URL{Scheme, Host, Path, RawQuery:
// q.Encode()}.String() with page set to n (dropped for page 1), quoted,
// where q is the request's query parsed again (so a repeated parameter
// keeps all its values), and Encode sorts by key.
func appendPlainLink(b []byte, c echo.Context, n int) ([]byte, bool) {
	req := c.Request()
	scheme, host, path, raw := c.Scheme(), req.Host, req.URL.Path, req.URL.RawQuery
	if req.URL.RawPath != "" || !plain(scheme, lower) || !plain(host, hostChar) ||
		len(path) == 0 || path[0] != '/' || !plain(path, pathChar) {
		return b, false
	}
	var pairs [maxPlainPairs + 1]queryPair
	np := 0
	for rest := raw; rest != ""; {
		var part string
		part, rest = cut(rest, '&')
		if part == "" {
			continue // url.ParseQuery skips empty parts
		}
		k, v := cut(part, '=')
		if !plain(k, unreserved) || !plain(v, unreserved) || np == maxPlainPairs {
			return b, false
		}
		if k == "page" {
			continue // replaced, or dropped for page 1
		}
		pairs[np] = queryPair{k, v}
		np++
	}
	var num [20]byte
	if n > 1 {
		pairs[np] = queryPair{"page", string(strconv.AppendInt(num[:0], int64(n), 10))}
		np++
	}
	// Encode's order: by key, each key's values in the order sent. An
	// insertion sort is stable and allocates nothing.
	ps := pairs[:np]
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].k < ps[j-1].k; j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
	b = append(b, '"')
	b = append(b, scheme...)
	b = append(b, "://"...)
	b = append(b, host...)
	b = append(b, path...)
	for i, q := range ps {
		if i == 0 {
			b = append(b, '?')
		} else {
			b = append(b, '&')
		}
		b = append(b, q.k...)
		b = append(b, '=')
		b = append(b, q.v...)
	}
	return append(b, '"'), true
}

// cut is strings.Cut on one byte, returning "" for after when sep is absent.
func cut(s string, sep byte) (before, after string) {
	for i := 0; i < len(s); i++ {
		if s[i] == sep {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

// The character classes of plain links: in each, URL escaping (query,
// path or host) and JSON escaping leave the character as it is.
const (
	lower = 1 << iota
	unreserved
	pathChar
	hostChar
)

var charClass = func() (t [256]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] |= lower
	}
	for c := 0; c < 256; c++ {
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			t[c] |= unreserved | pathChar | hostChar
		}
	}
	t['/'] |= pathChar
	t[':'] |= hostChar
	return t
}()

// plain reports whether every byte of s is in class, and s is not empty
// unless it is a query key or value (class unreserved).
func plain(s string, class uint8) bool {
	for i := 0; i < len(s); i++ {
		if charClass[s[i]]&class == 0 {
			return false
		}
	}
	return class == unreserved || len(s) > 0
}
