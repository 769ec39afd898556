package fake_test

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/iblfake/iblfake/fake"
)

// BenchmarkCredentialListWatched is BenchmarkCredentialList with a
// dashboard's live log open over loopback (its stream read as a browser
// reads it): what an open page costs the vendor API, each request's
// headers and bodies captured and rendered as a row.
func BenchmarkCredentialListWatched(b *testing.B) {
	s, err := fake.New()
	if err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	b.Cleanup(hs.Close)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	base := hs.URL + "/api/credentials/orgs/bench/users/admin"
	post := func(path, body string) string {
		req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Api-Token k")
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil || resp.StatusCode != 200 {
			b.Fatalf("POST %s: %v", path, err)
		}
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Scan()
		line := sc.Text()
		i := strings.Index(line, `"entityId":"`)
		return line[i+12 : i+12+22]
	}
	issuer := post("/issuers/", `{"name": "Bench U"}`)
	for i := 0; i < 50; i++ {
		post("/", `{"name": "Credential", "issuer": "`+issuer+`", "courses": ["course-v1:bench+C1+2024"]}`)
	}
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, hs.URL+"/_fake/ui/events", nil)
	resp, err := client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
		}
	}()
	run(b, client, func(int64) *http.Request {
		req, _ := http.NewRequest(http.MethodGet, base+"/?page=2&page_size=10", nil)
		req.Header.Set("Authorization", "Api-Token k")
		return req
	})
}
