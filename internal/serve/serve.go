// Package serve runs iblfake's HTTP server: its limits, a listener that
// bounds the open connections, graceful shutdown with a bounded drain, and
// the --healthcheck client.
package serve

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// File-descriptor budget for DefaultMaxConnections.
const (
	// FileReserve is how many descriptors the default connection limit
	// leaves for everything else: the listener, the bbolt file, fixture
	// and scenario files, logs, and connections refused or being closed.
	FileReserve = 128
	// MinDefaultConnections is the default limit however low the
	// open-file limit is (a limit that low then shows as EMFILE back-off).
	MinDefaultConnections = 64
	// MaxDefaultConnections caps the default: an idle keep-alive
	// connection costs the server about 20 KiB (goroutine stack and read
	// buffer), so 10,000 of them are about 200 MiB, far beyond what a test
	// fake needs.
	MaxDefaultConnections = 10000
)

// Limits are the HTTP server's connection limits (the request body limit is
// the server option fake.WithMaxBodyBytes). A zero timeout means none.
type Limits struct {
	// MaxHeaderBytes bounds the request line and headers together; a larger
	// request is answered 431 by net/http before the fake sees it.
	MaxHeaderBytes int
	// ReadHeaderTimeout is how long a client may take to send the request
	// line and headers; a slower one has its connection closed.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading the whole request, body included; a body
	// still arriving then is a 400.
	ReadTimeout time.Duration
	// WriteTimeout bounds handling and writing a response. Off by default:
	// scenarios delay answers on purpose, up to 10 minutes.
	WriteTimeout time.Duration
	// IdleTimeout closes a keep-alive connection idle this long.
	IdleTimeout time.Duration
	// MaxConnections bounds the open connections (see Listener); below 1,
	// DefaultMaxConnections.
	MaxConnections int
	// ShutdownTimeout is how long Shutdown waits for requests in flight
	// before it closes their connections; 0 closes them at once.
	ShutdownTimeout time.Duration
}

// DefaultLimits are the limits iblfake serves with unless told otherwise.
func DefaultLimits() Limits {
	return Limits{
		MaxHeaderBytes:    http.DefaultMaxHeaderBytes, // 1 MiB
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxConnections:    DefaultMaxConnections(),
		// Long enough for any answer the fake gives without a scenario
		// delay, short enough for a container's stop grace period (10 s
		// by default in Docker, whose SIGKILL would otherwise come first).
		ShutdownTimeout: 5 * time.Second,
	}
}

// DefaultMaxConnections is the default connection limit: the process's
// open-file limit less FileReserve, between MinDefaultConnections and
// MaxDefaultConnections (the maximum where the limit cannot be read).
func DefaultMaxConnections() int { return defaultMaxConnections(fileLimit()) }

func defaultMaxConnections(nofile uint64) int {
	if nofile == 0 {
		return MaxDefaultConnections
	}
	if nofile < MinDefaultConnections+FileReserve {
		return MinDefaultConnections
	}
	return int(min(nofile-FileReserve, MaxDefaultConnections))
}

// HTTPServer returns an http.Server serving h with these limits, without
// the connection limit, which is the Listener's (New wires both).
func (l Limits) HTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		MaxHeaderBytes:    l.MaxHeaderBytes,
		ReadHeaderTimeout: l.ReadHeaderTimeout,
		ReadTimeout:       l.ReadTimeout,
		WriteTimeout:      l.WriteTimeout,
		IdleTimeout:       l.IdleTimeout,
	}
}

// Server is an http.Server behind a connection-limiting Listener.
type Server struct {
	http  *http.Server
	ln    *Listener
	log   *slog.Logger
	drain time.Duration
}

// New serves h on ln (once Serve is called) with limits l, logging to
// logger (nil: nowhere).
func New(ln net.Listener, h http.Handler, l Limits, logger *slog.Logger) *Server {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	lim := NewListener(ln, l.MaxConnections, logger)
	hs := l.HTTPServer(h)
	hs.ConnState = lim.ConnState
	return &Server{http: hs, ln: lim, log: logger, drain: l.ShutdownTimeout}
}

// Addr is the address the server listens on.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Listener returns the server's connection-limiting listener.
func (s *Server) Listener() *Listener { return s.ln }

// Serve accepts connections until Shutdown, then returns nil; any other
// error ends it early.
func (s *Server) Serve() error {
	if err := s.http.Serve(s.ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Shutdown stops accepting, closes idle connections and waits up to the
// limits' ShutdownTimeout for requests in flight to finish. Those still
// running then (a scenario delaying its answer for minutes, say) have their
// connections closed, which is logged with their number and returned.
func (s *Server) Shutdown() (cutOff int) {
	ctx, cancel := context.WithTimeout(context.Background(), s.drain)
	defer cancel()
	// Shutdown's other error is the listener's Close failing, after which
	// it still drains: only a drain that ran out leaves requests to cut.
	if err := s.http.Shutdown(ctx); err == nil || ctx.Err() == nil {
		return 0
	}
	cutOff = s.ln.Stats().Active
	_ = s.http.Close()
	s.log.Warn("shutdown: requests still running after the drain time were cut off",
		"cut_off", cutOff, "drain", s.drain)
	return cutOff
}
