package serve

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testServer is a Server on loopback whose /slow requests block until
// release is closed (or their connection goes).
type testServer struct {
	*Server
	addr    string
	logs    *syncBuffer
	release chan struct{}
	done    chan error // Serve's result
}

func startServer(t *testing.T, l Limits, grace time.Duration) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{logs: &syncBuffer{}, release: make(chan struct{}), done: make(chan error, 1)}
	mux := http.NewServeMux()
	mux.HandleFunc("/_fake/health", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status": "ok"}`)
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-ts.release:
			_, _ = io.WriteString(w, "done")
		case <-r.Context().Done():
		}
	})
	ts.Server = New(ln, mux, l, slog.New(slog.NewTextHandler(ts.logs, nil)))
	ts.ln.grace = grace
	ts.addr = ts.Addr().String()
	go func() { ts.done <- ts.Serve() }()
	t.Cleanup(func() {
		select {
		case <-ts.release:
		default:
			close(ts.release)
		}
		_ = ts.http.Close()
	})
	return ts
}

// waitFor polls cond for up to 5 s.
func (ts *testServer) waitFor(t *testing.T, what string, cond func(Stats) bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond(ts.ln.Stats()) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s: stats %+v", what, ts.ln.Stats())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// client is one raw keep-alive connection.
type client struct {
	net.Conn
	br *bufio.Reader
}

func dial(t *testing.T, addr string) *client {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return &client{Conn: c, br: bufio.NewReader(c)}
}

// send writes a GET for path.
func (c *client) send(path string) error {
	_, err := fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: fake\r\n\r\n", path)
	return err
}

// read reads one answer, waiting at most 2 s.
func (c *client) read() (int, string, error) {
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

func (c *client) get(path string) (int, string, error) {
	if err := c.send(path); err != nil {
		return 0, "", err
	}
	return c.read()
}

// limits are the defaults with the connection limit at max.
func limits(max int) Limits {
	l := DefaultLimits()
	l.MaxConnections = max
	return l
}

// TestIdleConnectionsMakeRoom: with the limit held by idle keep-alive
// connections, a new one is served, and the connection idle longest is the
// one closed for it.
func TestIdleConnectionsMakeRoom(t *testing.T) {
	const max = 4
	ts := startServer(t, limits(max), time.Hour)
	idle := make([]*client, max)
	for i := range idle {
		idle[i] = dial(t, ts.addr)
		if code, _, err := idle[i].get("/_fake/health"); err != nil || code != 200 {
			t.Fatalf("keep-alive connection %d: got %d, %v; want 200", i, code, err)
		}
		// Each idle before the next, so that 0 has been idle longest.
		ts.waitFor(t, fmt.Sprintf("connection %d idle", i), func(s Stats) bool { return s.Idle == i+1 })
	}
	code, body, err := dial(t, ts.addr).get("/_fake/health")
	if err != nil || code != 200 || !strings.Contains(body, "ok") {
		t.Fatalf("health with %d idle connections at the limit: got %d %q, %v; want 200", max, code, body, err)
	}
	if got := ts.ln.Stats().Evicted; got != 1 {
		t.Errorf("got %d evictions, want 1", got)
	}
	// The one idle longest was closed: the server's end is gone.
	_ = idle[0].SetReadDeadline(time.Now().Add(2 * time.Second))
	if n, err := idle[0].br.ReadByte(); !errors.Is(err, io.EOF) && !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("oldest idle connection: got %v, %v; want it closed", n, err)
	}
	// The others still serve.
	for i := 1; i < max; i++ {
		if code, _, err := idle[i].get("/_fake/health"); err != nil || code != 200 {
			t.Errorf("idle connection %d after the eviction: got %d, %v; want 200", i, code, err)
		}
	}
}

// TestBusyConnectionsRefuse: with every connection mid-request, a new one
// is refused at once (a 503, or the connection closed) rather than left
// hanging, and the fake answers again once the requests finish.
func TestBusyConnectionsRefuse(t *testing.T) {
	const max = 3
	ts := startServer(t, limits(max), time.Hour)
	busy := make([]*client, max)
	for i := range busy {
		busy[i] = dial(t, ts.addr)
		if err := busy[i].send("/slow"); err != nil {
			t.Fatal(err)
		}
	}
	ts.waitFor(t, "every connection busy", func(s Stats) bool { return s.Active == max })
	for i := 0; i < 20; i++ {
		start := time.Now()
		code, body, err := dial(t, ts.addr).get("/_fake/health")
		if elapsed := time.Since(start); elapsed > time.Second {
			t.Fatalf("refusal %d took %v, want it at once", i, elapsed)
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("refusal %d: the connection hung (%v), want it refused", i, err)
		}
		if err == nil && code != http.StatusServiceUnavailable {
			t.Fatalf("refusal %d: got %d %q, want 503 or a closed connection", i, code, body)
		}
		if i == 0 {
			t.Logf("refused in %v: %d %q, %v", time.Since(start), code, body, err)
		}
	}
	if got := ts.ln.Stats().Refused; got != 20 {
		t.Errorf("got %d refused, want 20", got)
	}
	if !strings.Contains(ts.logs.String(), "connection limit reached") || strings.Count(ts.logs.String(), "connection limit reached") != 1 {
		t.Errorf("want one warning about the limit (later ones are spaced out), got log:\n%s", ts.logs.String())
	}
	close(ts.release)
	for i, c := range busy {
		if code, body, err := c.read(); err != nil || code != 200 || body != "done" {
			t.Fatalf("held request %d: got %d %q, %v; want 200 done", i, code, body, err)
		}
	}
	if code, _, err := dial(t, ts.addr).get("/_fake/health"); err != nil || code != 200 {
		t.Fatalf("health once the requests finished: got %d, %v; want 200", code, err)
	}
}

// TestSilentConnectionsMakeRoom: connections that never send a request
// count as idle once the grace period has passed, so a flood of them
// cannot keep the fake unreachable.
func TestSilentConnectionsMakeRoom(t *testing.T) {
	const max, grace = 3, 500 * time.Millisecond
	ts := startServer(t, limits(max), grace)
	start := time.Now()
	for i := 0; i < max; i++ {
		dial(t, ts.addr)
	}
	ts.waitFor(t, "the silent connections admitted", func(s Stats) bool { return s.Open == max })
	code, _, err := dial(t, ts.addr).get("/_fake/health")
	switch {
	case time.Since(start) >= grace:
		t.Logf("the machine took %v to get here, past the grace period: not checking the refusal", time.Since(start))
	case err == nil && code != http.StatusServiceUnavailable:
		t.Fatalf("within the grace period: got %d, want the connection refused", code)
	}
	time.Sleep(grace)
	if code, _, err := dial(t, ts.addr).get("/_fake/health"); err != nil || code != 200 {
		t.Fatalf("after the grace period: got %d, %v; want 200", code, err)
	}
}

// stubListener hands out the results queued in it until it is closed,
// then net.ErrClosed, as a real listener does.
type stubListener struct {
	mu      sync.Mutex
	results []any // net.Conn or error
	closed  chan struct{}
	once    sync.Once
}

func newStub(results ...any) *stubListener {
	return &stubListener{results: results, closed: make(chan struct{})}
}

func (s *stubListener) Accept() (net.Conn, error) {
	select {
	case <-s.closed:
		return nil, net.ErrClosed
	default:
	}
	s.mu.Lock()
	if len(s.results) > 0 {
		r := s.results[0]
		s.results = s.results[1:]
		s.mu.Unlock()
		if c, ok := r.(net.Conn); ok {
			return c, nil
		}
		return nil, r.(error)
	}
	s.mu.Unlock()
	<-s.closed
	return nil, net.ErrClosed
}

func (s *stubListener) Close() error   { s.once.Do(func() { close(s.closed) }); return nil }
func (s *stubListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }

// emfile is accept4's error when the process is out of descriptors.
var emfile = &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", syscall.EMFILE)}

// TestAcceptOutOfDescriptors: EMFILE from accept is not the server's end.
// With an idle connection to give back, it is closed and accept retried
// at once; without one, accept backs off and retries, and a Close during
// the back-off ends it promptly.
func TestAcceptOutOfDescriptors(t *testing.T) {
	t.Run("BacksOff", func(t *testing.T) {
		want, _ := net.Pipe()
		var logs syncBuffer
		l := NewListener(newStub(emfile, emfile, emfile, want), 10, slog.New(slog.NewTextHandler(&logs, nil)))
		start := time.Now()
		got, err := l.Accept()
		if err != nil || got != want {
			t.Fatalf("got %v, %v; want the connection after the errors", got, err)
		}
		// 5 + 10 + 20 ms of back-off.
		if elapsed := time.Since(start); elapsed < 35*time.Millisecond {
			t.Errorf("got the connection after %v, want a back-off of at least 35ms", elapsed)
		}
		if n := strings.Count(logs.String(), "out of file descriptors"); n != 1 {
			t.Errorf("got %d warnings, want one (they are spaced out):\n%s", n, logs.String())
		}
	})
	t.Run("EvictsIdle", func(t *testing.T) {
		idle, peer := net.Pipe()
		want, _ := net.Pipe()
		var logs syncBuffer
		l := NewListener(newStub(idle, emfile, want), 10, slog.New(slog.NewTextHandler(&logs, nil)))
		if c, err := l.Accept(); err != nil || c != idle {
			t.Fatalf("got %v, %v; want the first connection", c, err)
		}
		l.ConnState(idle, http.StateNew)
		l.ConnState(idle, http.StateActive)
		l.ConnState(idle, http.StateIdle)
		if got, err := l.Accept(); err != nil || got != want {
			t.Fatalf("got %v, %v; want the connection after the error", got, err)
		}
		_ = peer.SetReadDeadline(time.Now().Add(2 * time.Second))
		if _, err := peer.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
			t.Errorf("idle connection: got %v, want it closed to free a descriptor", err)
		}
		if s := l.Stats(); s.Evicted != 1 || s.Open != 1 {
			t.Errorf("got %+v, want 1 evicted and 1 open", s)
		}
		if strings.Contains(logs.String(), "out of file descriptors") {
			t.Errorf("backed off although an idle connection could be closed:\n%s", logs.String())
		}
	})
	t.Run("CloseEndsBackOff", func(t *testing.T) {
		errs := make([]any, 100)
		for i := range errs {
			errs[i] = emfile
		}
		l := NewListener(newStub(errs...), 10, nil)
		done := make(chan error, 1)
		go func() { _, err := l.Accept(); done <- err }()
		// 5 ms doubling reaches the 1 s step after 1.275 s: Close in it.
		time.Sleep(1400 * time.Millisecond)
		_ = l.Close()
		select {
		case err := <-done:
			if !errors.Is(err, net.ErrClosed) {
				t.Errorf("got %v, want net.ErrClosed", err)
			}
		case <-time.After(200 * time.Millisecond):
			t.Fatal("Accept still backing off 200ms after Close")
		}
	})
}

func TestDefaultMaxConnections(t *testing.T) {
	for _, tc := range []struct {
		nofile uint64
		want   int
	}{
		{0, MaxDefaultConnections}, // unknown
		{100, MinDefaultConnections},
		{MinDefaultConnections + FileReserve, MinDefaultConnections},
		{MinDefaultConnections + FileReserve + 1, MinDefaultConnections + 1},
		{1024, 1024 - FileReserve},
		{20000, MaxDefaultConnections},
		{1 << 20, MaxDefaultConnections},
	} {
		if got := defaultMaxConnections(tc.nofile); got != tc.want {
			t.Errorf("RLIMIT_NOFILE %d: got %d, want %d", tc.nofile, got, tc.want)
		}
	}
}
