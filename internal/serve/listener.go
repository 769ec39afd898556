package serve

import (
	"container/list"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// newConnGrace is how long an accepted connection may go without sending
// a whole request before it counts as idle, so that a flood of connections
// that send nothing (or dribble a header) cannot keep the fake full. Five
// seconds is what net/http's own Shutdown allows such a connection.
const newConnGrace = 5 * time.Second

// refusal is written to a connection refused at the limit. A fresh socket's
// send buffer always has room for it, so the write does not hold up the
// accept loop.
var refusal = func() string {
	const body = "iblfake: too many connections\n"
	return "HTTP/1.1 503 Service Unavailable\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"Connection: close\r\n" +
		"Retry-After: 1\r\n" +
		"Content-Length: " + strconv.Itoa(len(body)) + "\r\n" +
		"\r\n" + body
}()

// warnEvery spaces the warnings about refused connections and exhausted
// file descriptors, which can otherwise come thousands a second.
const warnEvery = 10 * time.Second

// Stats counts a Listener's connections.
type Stats struct {
	Open    int // admitted and not yet closed or hijacked
	Active  int // serving a request
	Idle    int // keep-alive, waiting for the next request
	Refused uint64
	Evicted uint64 // idle (or silent) connections closed to make room
}

// Listener is a net.Listener that keeps at most max connections open. At
// the limit it makes room by closing the connection idle longest (a
// keep-alive connection between requests, or one accepted over
// newConnGrace ago that has not sent a whole request); when every one is
// busy it accepts the new one and closes it at once with a 503, so the
// accept loop never blocks on the limit. An accept that fails for lack of file
// descriptors (EMFILE, ENFILE) frees one by closing an idle connection, or
// else backs off briefly and retries, instead of failing the server.
//
// The Listener learns a connection's state from net/http: its ConnState
// method must be the http.Server's ConnState hook (New wires both). It
// does not wrap the connections it returns, so handlers that hijack one
// still get the *net.TCPConn (the connection-reset scenario fault sets
// SO_LINGER on it); a hijacked connection leaves the count, as it leaves
// net/http's.
type Listener struct {
	net.Listener
	max   int
	log   *slog.Logger
	grace time.Duration // newConnGrace; shorter in tests

	mu       sync.Mutex
	conns    map[net.Conn]*tracked
	idle     list.List // *tracked in http.StateIdle, idle longest first
	fresh    list.List // *tracked in http.StateNew, in the order accepted
	refused  uint64
	evicted  uint64
	unwarned uint64    // refusals since the last warning
	warned   time.Time // when the last refusal warning was logged
	fdWarned time.Time

	done      chan struct{}
	closeOnce sync.Once
}

// tracked is one admitted connection.
type tracked struct {
	conn  net.Conn
	state http.ConnState
	since time.Time     // accepted, or last became idle
	elem  *list.Element // in idle or fresh, or nil
	owner *list.List    // the list elem is in
}

// NewListener limits inner to max open connections (max < 1 means
// DefaultMaxConnections) and logs refusals to logger (nil: none).
func NewListener(inner net.Listener, max int, logger *slog.Logger) *Listener {
	if max < 1 {
		max = DefaultMaxConnections()
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Listener{
		Listener: inner, max: max, log: logger, grace: newConnGrace,
		conns: map[net.Conn]*tracked{}, done: make(chan struct{}),
	}
}

// Max returns the connection limit.
func (l *Listener) Max() int { return l.max }

// Accept waits for and returns the next connection it admits.
func (l *Listener) Accept() (net.Conn, error) {
	var backoff time.Duration
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			if !errors.Is(err, syscall.EMFILE) && !errors.Is(err, syscall.ENFILE) {
				return nil, err
			}
			// Out of descriptors (files the handlers opened, or a limit
			// set above what the process may open): an idle connection
			// gives one back at once; otherwise wait for one to close.
			if l.evictOne() {
				continue
			}
			// The same doubling from 5 ms to 1 s as net/http's Serve uses for
			// temporary accept errors, so a full table never spins a core.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			l.warnFD(err, backoff)
			select {
			case <-time.After(backoff):
			case <-l.done: // the next Accept reports the closed listener
			}
			continue
		}
		backoff = 0
		if l.admit(c) {
			return c, nil
		}
		l.refuse(c)
	}
}

// Close closes the inner listener and ends any back-off in Accept.
func (l *Listener) Close() error {
	l.closeOnce.Do(func() { close(l.done) })
	return l.Listener.Close()
}

// admit counts c in if there is room, making room by evicting an idle
// connection if need be, and reports whether it did.
func (l *Listener) admit(c net.Conn) bool {
	for {
		now := time.Now()
		l.mu.Lock()
		if len(l.conns) < l.max {
			t := &tracked{conn: c, state: http.StateNew, since: now}
			t.moveTo(&l.fresh)
			l.conns[c] = t
			l.mu.Unlock()
			return true
		}
		victim := l.victimLocked(now)
		l.mu.Unlock()
		if victim == nil {
			return false
		}
		// Closing it outside the lock: the server's goroutine for it then
		// fails its read and reports StateClosed, which finds it gone.
		_ = victim.Close()
	}
}

// evictOne closes the connection idle longest, if there is one.
func (l *Listener) evictOne() bool {
	l.mu.Lock()
	victim := l.victimLocked(time.Now())
	l.mu.Unlock()
	if victim == nil {
		return false
	}
	_ = victim.Close()
	return true
}

// victimLocked removes and returns the connection to close to make room:
// the keep-alive connection idle longest, else the oldest one that has not
// sent a whole request within the grace period, else nil.
func (l *Listener) victimLocked(now time.Time) net.Conn {
	var t *tracked
	if e := l.idle.Front(); e != nil {
		t = e.Value.(*tracked)
	} else if e := l.fresh.Front(); e != nil && now.Sub(e.Value.(*tracked).since) >= l.grace {
		t = e.Value.(*tracked)
	}
	if t == nil {
		return nil
	}
	t.moveTo(nil)
	delete(l.conns, t.conn)
	l.evicted++
	return t.conn
}

// refuse closes c, which there is no room for, with a short 503.
func (l *Listener) refuse(c net.Conn) {
	// Counted before the client can see the refusal, so Stats never lags
	// what a client has been told.
	now := time.Now()
	l.mu.Lock()
	l.refused++
	l.unwarned++
	var n uint64
	if now.Sub(l.warned) >= warnEvery {
		n, l.unwarned, l.warned = l.unwarned, 0, now
	}
	l.mu.Unlock()
	// The deadline only guards against the impossible: a socket accepted a
	// moment ago has an empty send buffer.
	_ = c.SetWriteDeadline(time.Now().Add(50 * time.Millisecond))
	_, _ = io.WriteString(c, refusal)
	_ = c.Close()
	if n > 0 {
		l.log.Warn("connection limit reached: refusing new connections while every open one is busy",
			"max_connections", l.max, "refused", n)
	}
}

// warnFD logs an accept that failed for lack of file descriptors, at most
// once per warnEvery.
func (l *Listener) warnFD(err error, backoff time.Duration) {
	now := time.Now()
	l.mu.Lock()
	warn := now.Sub(l.fdWarned) >= warnEvery
	if warn {
		l.fdWarned = now
	}
	open := len(l.conns)
	l.mu.Unlock()
	if warn {
		l.log.Warn("accept: out of file descriptors; retrying", "err", err, "retry_in", backoff,
			"open_connections", open, "max_connections", l.max)
	}
}

// ConnState is the http.Server's ConnState hook: it tells the Listener
// which connections are idle and which are gone.
func (l *Listener) ConnState(c net.Conn, state http.ConnState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.conns[c]
	if t == nil || state == http.StateNew {
		// Evicted already, or the StateNew that follows admit.
		return
	}
	t.state = state
	switch state {
	case http.StateIdle:
		t.since = time.Now()
		t.moveTo(&l.idle)
	case http.StateActive:
		t.moveTo(nil)
	case http.StateHijacked, http.StateClosed:
		t.moveTo(nil)
		delete(l.conns, c)
	}
}

// Stats returns the Listener's counts.
func (l *Listener) Stats() Stats {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := Stats{Open: len(l.conns), Idle: l.idle.Len(), Refused: l.refused, Evicted: l.evicted}
	for _, t := range l.conns {
		if t.state == http.StateActive {
			s.Active++
		}
	}
	return s
}

// moveTo takes t out of the list it is in and, unless to is nil, appends
// it to to.
func (t *tracked) moveTo(to *list.List) {
	if t.elem != nil {
		t.owner.Remove(t.elem)
		t.elem, t.owner = nil, nil
	}
	if to != nil {
		t.elem, t.owner = to.PushBack(t), to
	}
}
