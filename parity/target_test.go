package parity_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/iblfake/iblfake/cassette"
	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/paritytest"
	"github.com/iblfake/iblfake/parity"
)

// canary is a listener that must receive nothing: every connection to it
// is counted, and what arrived kept for the failure message.
type canary struct {
	addr  string
	conns atomic.Int64
	mu    sync.Mutex
	got   []string
}

func newCanary(t testing.TB) *canary {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &canary{addr: ln.Addr().String()}
	var wg sync.WaitGroup
	t.Cleanup(func() { _ = ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			c.conns.Add(1)
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer conn.Close()
				b := make([]byte, 4096)
				n, _ := conn.Read(b)
				_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n{\"stolen\":true}\n")
				c.mu.Lock()
				c.got = append(c.got, string(b[:n]))
				c.mu.Unlock()
			}()
		}
	}()
	return c
}

func (c *canary) check(t testing.TB) {
	t.Helper()
	if n := c.conns.Load(); n != 0 {
		c.mu.Lock()
		defer c.mu.Unlock()
		t.Errorf("the canary at %s got %d connections, want none: %q", c.addr, n, c.got)
	}
}

// watchedFake is a fake under test whose every request is seen: how many,
// and any to its admin surface or with a header a cassette could steer by.
type watchedFake struct {
	URL                 string
	requests, admin     atomic.Int64
	fivexx              atomic.Int64
	mu                  sync.Mutex
	steered             []string
	org, issuerEntityID string
	srv                 *fake.Server
}

func newWatchedFake(t testing.TB) *watchedFake {
	t.Helper()
	srv, err := fake.New()
	if err != nil {
		t.Fatal(err)
	}
	w := &watchedFake{srv: srv, org: "victim"}
	hs := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.requests.Add(1)
		if strings.HasPrefix(strings.ToLower(r.URL.Path), "/_fake") || strings.HasPrefix(strings.ToLower(r.URL.RawPath), "/%5ffake") {
			w.admin.Add(1)
		}
		for _, h := range []string{"X-Forwarded-For", "X-Forwarded-Host", "Prefer", "X-Fake-Scenario", "Cookie", "X-Evil"} {
			if v := r.Header.Get(h); v != "" {
				w.mu.Lock()
				w.steered = append(w.steered, h+": "+v)
				w.mu.Unlock()
			}
		}
		srv.Handler().ServeHTTP(fivexxRecorder{rw, &w.fivexx}, r)
	}))
	t.Cleanup(func() { hs.Close(); _ = srv.Close() })
	w.URL = hs.URL
	c := paritytest.NewClient(t, hs.URL)
	a := c.Must(200, "POST", "/api/credentials/orgs/"+w.org+"/users/admin/issuers/", map[string]any{"name": "Kept"})
	w.issuerEntityID = paritytest.At(a.JSON(), "result", "entityId")
	w.requests.Store(0)
	return w
}

// check fails unless the fake got no admin request and no steering
// header, and still holds what it held.
func (w *watchedFake) check(t testing.TB) {
	t.Helper()
	if n := w.admin.Load(); n != 0 {
		t.Errorf("the fake under test got %d requests to /_fake, want none", n)
	}
	w.mu.Lock()
	if len(w.steered) > 0 {
		t.Errorf("the fake under test got headers from the cassette: %q", w.steered)
	}
	w.mu.Unlock()
	req, _ := http.NewRequest("GET", w.URL+"/api/credentials/orgs/"+w.org+"/users/admin/issuers/"+w.issuerEntityID, nil)
	req.Header.Set("Authorization", "Api-Token k")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	w.requests.Add(-1)
	if resp.StatusCode != 200 {
		t.Errorf("got %d for the issuer the fake held, want 200: the fake's state was changed", resp.StatusCode)
	}
}

func writeTape(t testing.TB, lines ...string) string {
	t.Helper()
	tape := filepath.Join(t.TempDir(), "c.jsonl")
	if err := os.WriteFile(tape, []byte(strings.Join(lines, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	return tape
}

// TestVerifySendsNowhereButTheFake (hostile test v2, H3): verify built
// each URL as base + path, so a path beginning with "@" carried the
// request and the API key to any host, and /_fake/reset emptied the fake
// under test (TestRecordings replays every cassette in the repository, so
// a pull request could do this from CI). A record whose path is not an
// absolute path outside /_fake is refused, naming its line, before
// anything is sent; the cassette's headers (but Content-Type) are never
// sent.
func TestVerifySendsNowhereButTheFake(t *testing.T) {
	can := newCanary(t)
	target := newWatchedFake(t)
	ok := rec("GET", "/api/credentials/orgs/acme/users/admin/NOPE", 404, "", `{"detail":"Not found."}`) + "\n"
	for _, tc := range []struct {
		name, line string
	}{
		{"an @host path", `{"v":1,"seq":1,"time":"2026-12-07T10:00:00Z","method":"POST","path":"@` + can.addr +
			`/latest/meta-data/iam","request":{"header":{"Content-Type":"application/json","X-Forwarded-For":"1.2.3.4"},"json":{"exfil":"yes"}},"status":200,"response":{"json":{"stolen":false}}}`},
		{"the admin surface", `{"v":1,"seq":1,"time":"2026-12-07T10:00:00Z","method":"POST","path":"/_fake/reset","request":{},"status":200,"response":{"json":{"reset":true}}}`},
		{"an escaped admin path", `{"v":1,"seq":1,"method":"POST","path":"/%5Ffake/reset","request":{},"status":200,"response":{}}`},
		{"a network-path reference", `{"v":1,"seq":1,"method":"GET","path":"//` + can.addr + `/x","request":{},"status":200,"response":{}}`},
		{"an absolute URL", `{"v":1,"seq":1,"method":"GET","path":"http://` + can.addr + `/x","request":{},"status":200,"response":{}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tape := writeTape(t, ok, tc.line+"\n")
			rep, err := parity.VerifyFile(context.Background(), tape, parity.Options{Against: target.URL, APIKey: "CI-SECRET-KEY-123"})
			if err == nil || !strings.Contains(err.Error(), "cassette line 2") {
				t.Errorf("got %v (report %+v), want line 2 refused", err, rep)
			}
		})
	}
	can.check(t)
	target.check(t)
	if n := target.requests.Load(); n != 5 {
		t.Errorf("got %d requests at the fake, want the 5 of line 1 only", n)
	}
	t.Run("headers", func(t *testing.T) {
		line := `{"v":1,"seq":1,"method":"GET","path":"/api/credentials/orgs/acme/users/admin/NOPE","request":{"header":{"Content-Type":"application/json",` +
			`"Host":"` + can.addr + `","X-Forwarded-For":"1.2.3.4","X-Forwarded-Host":"evil","Prefer":"code=500","X-Fake-Scenario":"x","Cookie":"a=b"}},"status":404,"response":{"json":{"detail":"Not found."}}}`
		rep, err := parity.VerifyFile(context.Background(), writeTape(t, line+"\n"), parity.Options{Against: target.URL})
		if err != nil || !rep.OK() {
			t.Errorf("got %v, %+v; want the exchange replayed and matching", err, rep)
		}
		can.check(t)
		target.check(t)
	})
}

// TestAnEmptyCassetteIsAnError (hostile test v2, L4): verify of an empty
// cassette, or one holding only a torn line, exited 0, "everything
// matched", having compared nothing; a cassette cut to nothing passed CI.
// It is an error saying so (exit 2), as is a cassette of the proxy's own
// 502s and 504s only.
func TestAnEmptyCassetteIsAnError(t *testing.T) {
	skipped := `{"v":1,"seq":1,"method":"GET","path":"/api/credentials/orgs/acme/users/admin/issuers/","request":{},"status":504,"response":{"json":{"detail":"x"}},"error":"timeout after 30s"}` + "\n"
	for _, tc := range []struct {
		name, text, want string
	}{
		{"empty", "", "the cassette holds no exchange: it is empty"},
		{"blank lines", "\n  \n\n", "the cassette holds no exchange: it is empty"},
		{"a torn line only", `{"v":1,"seq":1,"method":"GE`, "the cassette holds no exchange: its only line (1, 27 bytes) is torn"},
		{"upstream failures only", skipped + skipped, "the cassette holds no exchange the upstream answered: every record (2) is the proxy's own 502 or 504"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := parity.VerifyFile(context.Background(), writeTape(t, tc.text), parity.Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v (report %+v), want %q", err, rep, tc.want)
			}
		})
	}
}

// TestVerifyRefusesAnOverlongLine (hostile test v2, notes): verify read a
// line whole however long. A line over Options.MaxLineBytes
// (cassette.MaxLineBytes by default, above any line the proxy writes) is
// an error naming it.
func TestVerifyRefusesAnOverlongLine(t *testing.T) {
	ok := rec("GET", "/api/credentials/orgs/acme/users/admin/NOPE", 404, "", `{"detail":"Not found."}`) + "\n"
	long := rec("POST", "/api/credentials/orgs/acme/users/admin/issuers/", 200, `{"name":"`+strings.Repeat("n", 70_000)+`"}`, `{}`) + "\n"
	_, err := parity.VerifyFile(context.Background(), writeTape(t, ok, long), parity.Options{MaxLineBytes: 64 << 10})
	if err == nil || !strings.Contains(err.Error(), "cassette line 2 is longer than 65536 bytes") {
		t.Errorf("got %v, want line 2 refused", err)
	}
	if _, err := parity.VerifyFile(context.Background(), writeTape(t, ok, long), parity.Options{}); err != nil {
		t.Errorf("got %v, want a 70 kB line read at the default limit", err)
	}
	if cassette.MaxLineBytes < 256<<20 {
		t.Errorf("MaxLineBytes is %d, want at least 256 MiB", cassette.MaxLineBytes)
	}
}

// fivexxRecorder counts the 5xx answers it writes.
type fivexxRecorder struct {
	http.ResponseWriter
	n *atomic.Int64
}

func (w fivexxRecorder) WriteHeader(code int) {
	if code >= 500 {
		w.n.Add(1)
	}
	w.ResponseWriter.WriteHeader(code)
}
