package api

import (
	"bytes"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

func pick(rng *rand.Rand, xs []string) string { return xs[rng.IntN(len(xs))] }

// randomPageRequest is a list request with a random scheme header, host,
// path and query, plain (the direct path) or not (escapes, semicolons,
// repeated keys, non-ASCII, a raw path: the general one).
func randomPageRequest(rng *rand.Rand) *http.Request {
	// Half the requests are drawn from plain characters only.
	plain := rng.IntN(2) == 0
	segs := []string{"api", "credentials", "orgs", "a-b", "x.y", "~u", "_", "%2F", "é", "a b", ":", "@", ""}
	keys := []string{"page", "page", "page_size", "search", "course", "x", "z", "A", "", "a+b", "%41", "é", "a;b", "k=v", "a%zz"}
	vals := []string{"", "1", "2", "10", "last", "a b", "%zz", "+", "~._-", "é", `"`, "=", "%41", "a%2Bb"}
	hosts := []string{"example.com", "127.0.0.1:8080", "localhost:8080", "[::1]:80", "h%41", "a b", "ü.de", ""}
	schemes := []string{"", "", "https", "HTTP", "ftp", `a"b`, "a b"}
	if plain {
		segs, keys, vals = segs[:7], keys[:8], vals[:5]
		hosts, schemes = hosts[:3], schemes[:3]
	}
	var path strings.Builder
	for range 1 + rng.IntN(5) {
		path.WriteString("/" + pick(rng, segs))
	}
	if rng.IntN(2) == 0 {
		path.WriteString("/")
	}
	var q []string
	for range rng.IntN(6) {
		switch rng.IntN(8) {
		case 0:
			q = append(q, "") // an empty part
		case 1:
			q = append(q, pick(rng, keys)) // a key without =
		default:
			q = append(q, pick(rng, keys)+"="+pick(rng, vals))
		}
	}
	u := &url.URL{Path: path.String(), RawQuery: strings.Join(q, "&")}
	if !plain && rng.IntN(6) == 0 {
		u.RawPath = strings.ReplaceAll(u.Path, "a", "%61")
	}
	req := &http.Request{Method: http.MethodGet, URL: u, Header: http.Header{},
		Host: pick(rng, hosts)}
	if s := pick(rng, schemes); s != "" {
		req.Header.Set(echo.HeaderXForwardedProto, s)
	}
	return req
}

// TestWrappedPageIsWrapped holds WrappedPage to what Wrapped writes for the
// same page of views, byte for byte, over random requests and pages
// (seeded): its links, written directly for plain requests, included.
func TestWrappedPageIsWrapped(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 2))
	e := echo.New()
	plainLinks := 0
	for i := range 5000 {
		req := randomPageRequest(rng)
		size := 1 + rng.IntN(20)
		count := rng.IntN(60)
		p := Page{Size: size, MaxSize: 100, Count: count, NumPages: max(1, (count+size-1)/size)}
		p.Number = 1 + rng.IntN(p.NumPages)
		views := []any{}
		var items [][]byte
		for range rng.IntN(4) {
			var v any
			switch rng.IntN(3) {
			case 0:
				v = randomString(rng)
			case 1:
				v = rng.IntN(1000)
			default:
				v = map[string]any{randomString(rng): randomString(rng), "n": nil, "list": []any{1, "x"}}
			}
			raw, err := Encode(v)
			if err != nil {
				t.Fatal(err)
			}
			views, items = append(views, v), append(items, raw)
		}
		desc := pick(rng, []string{"Ok", "Créé", randomString(rng)})

		want := httptest.NewRecorder()
		if err := Wrapped(e.NewContext(req, want), desc, p.Body(e.NewContext(req, want), views)); err != nil {
			t.Fatal(err)
		}
		got := httptest.NewRecorder()
		if err := WrappedPage(e.NewContext(req, got), desc, p, items); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Body.Bytes(), want.Body.Bytes()) || got.Code != want.Code ||
			got.Header().Get("Content-Length") != want.Header().Get("Content-Length") ||
			got.Header().Get("Content-Type") != want.Header().Get("Content-Type") {
			t.Fatalf("request %d (%s %q, query %q):\nWrappedPage: %d %s\nWrapped:     %d %s",
				i, req.Host, req.URL.Path, req.URL.RawQuery, got.Code, got.Body, want.Code, want.Body)
		}
		if _, ok := appendPlainLink(nil, e.NewContext(req, got), 2); ok {
			plainLinks++
		}
	}
	// Both ways were exercised.
	if plainLinks < 200 || plainLinks > 4800 {
		t.Fatalf("%d of 5000 requests had plain links: the test draws too few of one kind", plainLinks)
	}
}
