package proxy_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iblfake/iblfake/cassette"
	"github.com/iblfake/iblfake/proxy"
)

// rawUpstream is an upstream that writes whatever serve writes on the
// connection, for answers net/http's server would never give (a 101 to a
// plain GET, a stream of 103s). Connections are closed when the test
// ends; serve is handed a context done then, and must return by then.
func rawUpstream(t testing.TB, serve func(ctx context.Context, c net.Conn, r *http.Request)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() {
		cancel()
		_ = ln.Close()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				stop := context.AfterFunc(ctx, func() { _ = c.Close() })
				defer stop()
				br := bufio.NewReader(c)
				for {
					r, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					_, _ = io.Copy(io.Discard, r.Body)
					serve(ctx, c, r)
					if ctx.Err() != nil || r.Close {
						return
					}
				}
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// hold waits until the test ends or d passes.
func hold(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// TestAnUpgradeAnswerIsA502WithinTheTimeout (hostile test v2, M1): an
// upstream that answers a plain request with 101 Switching Protocols and
// then holds the connection. The proxy used to wait for the upstream to
// hang up, past its timeout, and then pass the 101 on, leaving the caller
// on a switched connection. A 1xx as the final answer to a request that
// asked for no upgrade is a DRF-shaped 502, within the timeout, recorded
// as an upstream failure; a stream of interim 103s with no final answer
// is a 502 or 504 within the timeout too, and interim answers before a
// final one are passed over.
func TestAnUpgradeAnswerIsA502WithinTheTimeout(t *testing.T) {
	up := rawUpstream(t, func(ctx context.Context, c net.Conn, r *http.Request) {
		switch r.URL.Path {
		case "/api/switch/":
			_, _ = io.WriteString(c, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
			hold(ctx, 6*time.Second)
			_ = c.Close() // the switched connection is over
		case "/api/early-hints/":
			for ctx.Err() == nil {
				if _, err := io.WriteString(c, "HTTP/1.1 103 Early Hints\r\nLink: </x.css>; rel=preload\r\n\r\n"); err != nil {
					return
				}
				hold(ctx, 50*time.Millisecond)
			}
		case "/api/continue/":
			_, _ = io.WriteString(c, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\n\r\n"+
				"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
		}
	})
	tape := filepath.Join(t.TempDir(), "c.jsonl")
	p, base := start(t, proxy.Options{Upstream: up, Timeout: 300 * time.Millisecond, Record: tape, Sync: cassette.SyncOnClose})
	hc := &http.Client{Timeout: 5 * time.Second}
	for _, tc := range []struct {
		path   string
		status []int
		detail string
	}{
		{"/api/switch/", []int{502}, "The upstream answered 101 Switching Protocols to a request that asked for no protocol upgrade."},
		{"/api/early-hints/", []int{502, 504}, "The upstream"},
		{"/api/continue/", []int{200}, ""},
	} {
		t.Run(tc.path, func(t *testing.T) {
			began := time.Now()
			resp, err := hc.Get(base + tc.path)
			if err != nil {
				t.Fatalf("no answer after %v: %v", time.Since(began).Round(time.Millisecond), err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if d := time.Since(began); d > 3*time.Second {
				t.Errorf("took %v, want the 300ms timeout to bound it", d.Round(time.Millisecond))
			}
			ok := false
			for _, s := range tc.status {
				ok = ok || resp.StatusCode == s
			}
			var drf struct{ Detail string }
			if !ok || (tc.detail != "" && (json.Unmarshal(b, &drf) != nil || !strings.HasPrefix(drf.Detail, tc.detail))) {
				t.Errorf("got %d %s, want %v {\"detail\": %q...}", resp.StatusCode, b, tc.status, tc.detail)
			}
		})
	}
	_ = p.Close()
	recs, _, err := cassette.ReadFile(tape)
	if err != nil || len(recs) != 3 {
		t.Fatalf("got %d records, %v; want 3", len(recs), err)
	}
	for _, r := range recs {
		if (r.Path == "/api/continue/") != (r.Error == "") {
			t.Errorf("got %s %d error %q, want an upstream failure recorded for a 1xx answer only", r.Path, r.Status, r.Error)
		}
	}
}

// TestRedactionReachesKeysURLsAndTheProxysOwnCredentials (hostile test
// v2, M3): an upstream that echoes what it was sent as JSON keys, in a
// DRF next link (percent-encoded), and the Basic credentials the proxy
// made from the upstream URL's user info. None of the caller's key, the
// redacted email or the proxy's password may reach the cassette, in any
// encoding.
func TestRedactionReachesKeysURLsAndTheProxysOwnCredentials(t *testing.T) {
	upstream := rawEcho(t)
	u, _ := url.Parse(upstream)
	u.User = url.UserPassword("upuser", "UPSTREAMPASS42")
	tape := filepath.Join(t.TempDir(), "c.jsonl")
	p, base := start(t, proxy.Options{Upstream: u.String(), Record: tape, Redact: []string{"email", "username"}})
	const clientKey = "CLIENTKEY+/abc="
	send := func(path, auth string) {
		req, _ := http.NewRequest("GET", base+path, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	send("/api/catalog/invitations/platform/paged?platform_key=acme&email=carol.smith%40corp.test", "Token k-12345")
	send("/api/catalog/invitations/platform/paged?platform_key=acme&email=Dave+Jones%2Bx%40corp.test", "Token k-12345")
	send("/api/evil/echo", "Token "+clientKey)
	send("/api/evil/echo", "")
	_ = p.Close()
	raw, err := os.ReadFile(tape)
	if err != nil {
		t.Fatal(err)
	}
	basic := base64.StdEncoding.EncodeToString([]byte("upuser:UPSTREAMPASS42"))
	for _, s := range append(encodings(clientKey), append(encodings("carol.smith@corp.test"), append(encodings("Dave Jones+x@corp.test"),
		"UPSTREAMPASS42", basic, "k-12345")...)...) {
		if i := strings.Index(strings.ToLower(string(raw)), strings.ToLower(s)); i >= 0 {
			t.Errorf("got %q in the cassette (…%s…), want it never recorded", s, raw[max(0, i-60):min(len(raw), i+len(s)+60)])
		}
	}
	if !strings.Contains(string(raw), "%40example.com") {
		t.Errorf("got\n%s\nwant the email's placeholder, encoded, in the next link", raw)
	}
}

// encodings are the forms a value takes in a URL.
func encodings(s string) []string {
	return []string{s, url.QueryEscape(s), url.PathEscape(s), strings.ReplaceAll(url.QueryEscape(s), "+", "%20")}
}

// rawEcho answers what it was sent: a DRF page whose next link repeats
// the query (as DRF's does), and an echo of the Authorization header as a
// JSON key, a value and a Location.
func rawEcho(t testing.TB) string {
	t.Helper()
	hs := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/paged") {
			next := "http://" + r.Host + r.URL.Path + "?" + r.URL.RawQuery + "&page=2"
			fmt.Fprintf(w, `{"count":2,"next":%q,"previous":null,"results":[]}`, next)
			return
		}
		w.Header().Set("Location", "http://"+r.Host+"/api/evil/echo?auth="+url.QueryEscape(auth))
		b, _ := json.Marshal(map[string]any{"by_key": map[string]int{auth: 1}, "seen": map[string]string{"authorization": auth},
			"escaped": url.QueryEscape(auth), "path": "/x/" + url.PathEscape(auth)})
		_, _ = w.Write(b)
	}))
	return hs
}

func newServer(t testing.TB, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String()
}
