package fake_test

import (
	"bytes"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/faketest"
	"github.com/iblfake/iblfake/spec"
)

// walkJSON calls f with every value inside v (v itself first), its JSON
// pointer and the key it is under ("" for an array's item or the root).
func walkJSON(v any, at, key string, f func(at, key string, v any)) {
	f(at, key, v)
	switch x := v.(type) {
	case map[string]any:
		for k, w := range x {
			walkJSON(w, at+"/"+k, k, f)
		}
	case []any:
		for i, w := range x {
			walkJSON(w, fmt.Sprintf("%s/%d", at, i), "", f)
		}
	}
}

// TestAnswersStayOnTheFake reads every long-tail GET of the document as a
// client would and checks what a UI does with the answers: every absolute
// URL is on the fake's own host, and the fake serves it without a key
// (an image as a PNG, a download as an attachment, a page; each with
// nosniff); every page counts what it holds, and a link to another page is
// null or the fake's own.
func TestAnswersStayOnTheFake(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithSeed(5))
	idx, err := spec.LongTailIndex()
	if err != nil {
		t.Fatal(err)
	}
	fetched := map[string]bool{} // one file of each kind and extension
	urls, pages, bad := 0, 0, 0
	fail := func(format string, args ...any) {
		if bad++; bad <= 15 {
			t.Errorf(format, args...)
		}
	}
	for _, e := range idx {
		if e.Method != http.MethodGet || e.OK != "200" {
			continue
		}
		path, _ := tailRequest(t, e, "acme")
		r := c.Do(t, "GET", path, nil)
		if r.Status != 200 || r.Body == nil {
			continue
		}
		walkJSON(r.Body, "", "", func(at, key string, v any) {
			switch x := v.(type) {
			case string:
				if !strings.HasPrefix(x, "http://") && !strings.HasPrefix(x, "https://") || strings.Contains(key, "scope") {
					return
				}
				urls++
				if !strings.HasPrefix(x, c.Srv.URL+"/") {
					fail("GET %s (%s): %s = %q is not on the fake", path, e.ID, at, x)
					return
				}
				kind := strings.Split(strings.TrimPrefix(x, c.Srv.URL+"/media/iblfake/"), "/")[0]
				ext := x[strings.LastIndexByte(x, '/'):]
				if i := strings.LastIndexByte(ext, '.'); i >= 0 {
					kind += ext[i:]
				}
				if !fetched[kind] && strings.HasPrefix(x, c.Srv.URL+"/media/iblfake/") {
					fetched[kind] = true
					checkMadeFile(t, c, x)
				}
			case map[string]any:
				results, ok := x["results"].([]any)
				count, counted := x["count"].(float64)
				if !ok || !counted {
					return
				}
				pages++
				if int(count) < len(results) {
					fail("GET %s (%s): %s: count %v for %d results", path, e.ID, at, count, len(results))
				}
				for _, l := range []string{"next", "previous"} {
					if s, ok := x[l].(string); ok && s != "" && !strings.HasPrefix(s, c.Srv.URL+"/") {
						fail("GET %s (%s): %s/%s = %q", path, e.ID, at, l, s)
					}
				}
				if int(count) == len(results) && (x["next"] != nil && x["next"] != "") {
					fail("GET %s (%s): %s: the whole list on one page links to a next one: %v", path, e.ID, at, x["next"])
				}
			}
		})
	}
	for _, kind := range []string{"image.png", "page", "file.txt", "audio.wav"} {
		if !fetched[kind] {
			t.Errorf("no answer had a %s URL", kind)
		}
	}
	if bad > 0 {
		t.Errorf("%d values leave the fake or disagree with their page", bad)
	}
	t.Logf("%d URLs on the fake (%d kinds fetched), %d pages", urls, len(fetched), pages)
}

// checkMadeFile fetches a made-up file's URL without a key: 200, nosniff,
// and what its extension says.
func checkMadeFile(t *testing.T, c *faketest.Client, u string) {
	t.Helper()
	resp, err := c.HTTP.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	ct := resp.Header.Get("Content-Type")
	if resp.StatusCode != 200 || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("GET %s: %d %v", u, resp.StatusCode, resp.Header)
	}
	switch {
	case strings.HasSuffix(u, ".png"):
		if _, err := png.DecodeConfig(bytes.NewReader(data)); err != nil || ct != "image/png" {
			t.Errorf("GET %s: %s, not a PNG: %v", u, ct, err)
		}
	case strings.HasSuffix(u, ".wav"):
		if ct != "audio/wav" || !bytes.HasPrefix(data, []byte("RIFF")) {
			t.Errorf("GET %s: %s %.8q", u, ct, data)
		}
	case strings.HasSuffix(u, ".csv"), strings.HasSuffix(u, ".txt"):
		if !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") || len(data) == 0 {
			t.Errorf("GET %s: %s, %q, not a download", u, ct, resp.Header.Get("Content-Disposition"))
		}
	default:
		if !strings.HasPrefix(ct, "text/html") || !bytes.Contains(data, []byte("iblfake")) {
			t.Errorf("GET %s: %s %.80q", u, ct, data)
		}
	}
}
