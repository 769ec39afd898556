package serve

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestShutdown: Shutdown lets a request finish within the drain time; one
// that runs past it has its connection closed, is counted and logged, and
// Shutdown returns within the bound either way.
func TestShutdown(t *testing.T) {
	for _, tc := range []struct {
		name       string
		drain      time.Duration
		finishes   bool // the held request is released during the drain
		wantCutOff int
	}{
		{"Drained", 2 * time.Second, true, 0},
		{"CutOff", 200 * time.Millisecond, false, 1},
		{"NoDrain", 0, false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := DefaultLimits()
			l.ShutdownTimeout = tc.drain
			ts := startServer(t, l, time.Hour)
			held := dial(t, ts.addr)
			if err := held.send("/slow"); err != nil {
				t.Fatal(err)
			}
			ts.waitFor(t, "the request in flight", func(s Stats) bool { return s.Active == 1 })
			if tc.finishes {
				time.AfterFunc(50*time.Millisecond, func() { close(ts.release) })
			}
			start := time.Now()
			got := ts.Shutdown()
			if elapsed := time.Since(start); elapsed > tc.drain+time.Second {
				t.Errorf("Shutdown took %v, want at most the drain time %v (and a little)", elapsed, tc.drain)
			}
			if got != tc.wantCutOff {
				t.Errorf("got %d requests cut off, want %d", got, tc.wantCutOff)
			}
			code, body, err := held.read()
			if tc.finishes && (err != nil || code != 200 || body != "done") {
				t.Errorf("the drained request: got %d %q, %v; want 200 done", code, body, err)
			}
			var ne net.Error
			if !tc.finishes && (err == nil || errors.As(err, &ne) && ne.Timeout()) {
				t.Errorf("the cut-off request: got %d %q, %v; want its connection closed by the server", code, body, err)
			}
			logged := strings.Contains(ts.logs.String(), "cut_off=1")
			if logged != (tc.wantCutOff == 1) {
				t.Errorf("got log (cut_off=1 logged: %v, want %v):\n%s", logged, tc.wantCutOff == 1, ts.logs.String())
			}
			select {
			case err := <-ts.done:
				if err != nil {
					t.Errorf("Serve returned %v after Shutdown, want nil", err)
				}
			case <-time.After(time.Second):
				t.Error("Serve still running after Shutdown")
			}
		})
	}
}

func TestHealthURL(t *testing.T) {
	for addr, want := range map[string]string{
		":8080":      "http://127.0.0.1:8080",
		"0.0.0.0:1":  "http://127.0.0.1:1",
		"[::]:2":     "http://[::1]:2",
		"10.0.0.5:3": "http://10.0.0.5:3",
		"fake:4":     "http://fake:4",
	} {
		if got, err := HealthURL(addr); err != nil || got != want {
			t.Errorf("HealthURL(%q): got %q, %v; want %q", addr, got, err, want)
		}
	}
	if _, err := HealthURL("8080"); err == nil {
		t.Error(`HealthURL("8080"): got no error, want one (no port)`)
	}
}

func TestCheckHealth(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		ok     bool
	}{
		{"Healthy", 200, `{"status": "ok", "version": "0.1.0"}`, true},
		{"NotOK", 200, `{"status": "starting"}`, false},
		{"NotJSON", 200, `ok`, false},
		{"Unavailable", 503, `{"status": "ok"}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/_fake/health" {
					http.NotFound(w, r)
					return
				}
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			}))
			defer hs.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := CheckHealth(ctx, hs.URL); (err == nil) != tc.ok {
				t.Errorf("got %v, want healthy %v", err, tc.ok)
			}
		})
	}
}
