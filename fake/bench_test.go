package fake_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/iblfake/iblfake/fake"
	"github.com/labstack/echo/v4"
)

// benchServer starts a fake over loopback with one issuer and n credentials
// in org "bench", and returns its base URL, a client and the first
// credential's entityId.
func benchServer(b *testing.B, n int) (string, *http.Client, string) {
	return benchServerWith(b, n)
}

func benchServerWith(b *testing.B, n int, opts ...fake.Option) (string, *http.Client, string) {
	b.Helper()
	s, err := fake.New(opts...)
	if err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	b.Cleanup(hs.Close)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	base := hs.URL + "/api/credentials/orgs/bench/users/admin"
	post := func(path string, body any) map[string]any {
		raw, _ := json.Marshal(body)
		req, _ := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(raw))
		req.Header.Set("Authorization", "Api-Token k")
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
			b.Fatalf("POST %s: %d %v", path, resp.StatusCode, err)
		}
		return out
	}
	issuer := post("/issuers/", map[string]any{"name": "Bench U"})["result"].(map[string]any)["entityId"]
	var first string
	for i := 0; i < n; i++ {
		r := post("/", map[string]any{"name": fmt.Sprintf("Credential %d", i), "issuer": issuer,
			"courses": []string{"course-v1:bench+C1+2024"}})
		if i == 0 {
			first = r["result"].(map[string]any)["entityId"].(string)
		}
	}
	return base, client, first
}

func run(b *testing.B, client *http.Client, newReq func(i int64) *http.Request) {
	var seq atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := client.Do(newReq(seq.Add(1)))
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkCredentialList measures GET of a page of 10 out of 50 credentials
// over loopback HTTP, with validation and the journal on.
func BenchmarkCredentialList(b *testing.B) {
	base, client, _ := benchServer(b, 50)
	run(b, client, func(int64) *http.Request {
		req, _ := http.NewRequest(http.MethodGet, base+"/?page=2&page_size=10", nil)
		req.Header.Set("Authorization", "Api-Token k")
		return req
	})
}

// BenchmarkAssertionIssue measures POST of one assertion over loopback HTTP.
func BenchmarkAssertionIssue(b *testing.B) {
	base, client, cred := benchServer(b, 1)
	run(b, client, func(i int64) *http.Request {
		body := fmt.Sprintf(`{"recipient":{"identity":"user%d"},"course":"course-v1:bench+C1+2024"}`, i)
		req, _ := http.NewRequest(http.MethodPost, base+"/"+cred+"/assertions/", bytes.NewReader([]byte(body)))
		req.Header.Set("Authorization", "Api-Token k")
		req.Header.Set("Content-Type", "application/json")
		return req
	})
}

// BenchmarkCredentialListNoScenarios is BenchmarkCredentialList with the
// default-on scenario turned off: the difference is the idle engine's cost.
func BenchmarkCredentialListNoScenarios(b *testing.B) {
	base, client, _ := benchServerWith(b, 50, fake.WithoutScenario("public-revoked-assertion"))
	run(b, client, func(int64) *http.Request {
		req, _ := http.NewRequest(http.MethodGet, base+"/?page=2&page_size=10", nil)
		req.Header.Set("Authorization", "Api-Token k")
		return req
	})
}

// BenchmarkSynthesizedGet measures a synthesized long-tail GET (a page of
// a resource's list, each item made from its schema) over loopback HTTP,
// beside BenchmarkCredentialList in the same run.
func BenchmarkSynthesizedGet(b *testing.B) {
	base, client, _ := benchServer(b, 1)
	root := base[:strings.Index(base, "/api/")]
	run(b, client, func(int64) *http.Request {
		req, _ := http.NewRequest(http.MethodGet, root+"/api/ai-account/connected-services/orgs/bench/users/admin/", nil)
		req.Header.Set("Authorization", "Api-Token k")
		return req
	})
}

// BenchmarkSameBytesFloor is the floor under BenchmarkCredentialList: a
// bare Echo server over the same loopback, driven by the same client,
// answering a constant body of a credential page's size (7 KB). Its
// allocations per request are the client's and net/http's; what
// BenchmarkCredentialList allocates beyond them is the fake's.
func BenchmarkSameBytesFloor(b *testing.B) {
	body := bytes.Repeat([]byte("x"), 7276)
	e := echo.New()
	e.GET("/api/credentials/orgs/:org/users/:user_id/", func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, body)
	})
	hs := httptest.NewServer(e)
	b.Cleanup(hs.Close)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	run(b, client, func(int64) *http.Request {
		req, _ := http.NewRequest(http.MethodGet, hs.URL+"/api/credentials/orgs/bench/users/admin/?page=2&page_size=10", nil)
		req.Header.Set("Authorization", "Api-Token k")
		return req
	})
}

// BenchmarkAssertionIssueHandler is BenchmarkAssertionIssue without the
// socket (and without the client's allocations): each request goes straight to the server's handler, one at a
// time, so its time and allocations are the fake's own (validation, the
// store's write, the answer) and vary far less on a busy machine than a
// loopback run's.
func BenchmarkAssertionIssueHandler(b *testing.B) {
	// The log at error, as the harness runs the binary (--log-level error).
	quiet := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelError}))
	s, err := fake.New(fake.WithLogger(quiet))
	if err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	const base = "/api/credentials/orgs/bench/users/admin"
	do := func(path, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Api-Token k")
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("POST %s: %d %s", path, rec.Code, rec.Body)
		}
		return rec
	}
	var out struct {
		Result struct {
			EntityID string `json:"entityId"`
		} `json:"result"`
	}
	_ = json.Unmarshal(do("/issuers/", `{"name":"Bench U"}`).Body.Bytes(), &out)
	_ = json.Unmarshal(do("/", `{"name":"Credential 0","issuer":"`+out.Result.EntityID+`","courses":["course-v1:bench+C1+2024"]}`).Body.Bytes(), &out)
	path := "/" + out.Result.EntityID + "/assertions/"
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		do(path, `{"recipient":{"identity":"user`+strconv.Itoa(i)+`"},"course":"course-v1:bench+C1+2024"}`)
	}
}
