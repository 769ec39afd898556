package fake_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake"
)

// scaleItems is how many items BenchmarkLongTailListAtScale's collection
// holds.
const scaleItems = 10_000

// BenchmarkLongTailListAtScale measures a list of an inferred long-tail
// resource holding 10,000 items (an org user's disclaimers), filtered by
// two fields, ordered by one descending and paged, over loopback HTTP with
// validation and the journal on: one request at a time, so the p50 and p99
// it reports are a request's latency. The collection is written through
// the API before the timer starts.
func BenchmarkLongTailListAtScale(b *testing.B) {
	s, err := fake.New(fake.WithSeed(1))
	if err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	b.Cleanup(hs.Close)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	coll := hs.URL + "/api/ai-mentor/orgs/bench/users/admin/disclaimers/"
	do := func(req *http.Request, want int) []byte {
		req.Header.Set("Authorization", "Api-Token k")
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			b.Fatalf("%s %s: %d %s", req.Method, req.URL, resp.StatusCode, body)
		}
		return body
	}
	scopes := []string{"platform", "mentor", "platform"}
	for i := range scaleItems {
		body := fmt.Sprintf(`{"title":"Disclaimer %05d","content":"Terms %d","scope":%q,"active":%t}`, i, i, scopes[i%3], i%2 == 0)
		req, _ := http.NewRequest(http.MethodPost, coll, bytes.NewReader([]byte(body)))
		req.Header.Set("Content-Type", "application/json")
		do(req, http.StatusCreated)
	}
	page := coll + "?scope=platform&active=true&ordering=-title&page=3&page_size=20"
	req, _ := http.NewRequest(http.MethodGet, page, nil)
	if got := do(req, http.StatusOK); !bytes.Contains(got, []byte(`"count":3334`)) {
		b.Fatalf("the filtered list does not count 3,334 items: %.200s", got)
	}
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		req, _ := http.NewRequest(http.MethodGet, page, nil)
		do(req, http.StatusOK)
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
