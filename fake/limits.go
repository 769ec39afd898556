package fake

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"time"
)

// MaxJSONDepth is how deeply a JSON request body may nest objects and
// arrays; a deeper one is a 400 before anything decodes it. The vendor's
// bodies nest four levels at most.
const MaxJSONDepth = 64

// Limits are the HTTP server's connection limits (the request body limit is
// the server option WithMaxBodyBytes). A zero duration means no timeout.
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
}

// DefaultLimits are the limits iblfake serves with unless told otherwise.
func DefaultLimits() Limits {
	return Limits{
		MaxHeaderBytes:    http.DefaultMaxHeaderBytes, // 1 MiB
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
}

// HTTPServer returns an http.Server serving h with these limits.
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

// jsonDepth returns how deeply data nests objects and arrays, stopping as
// soon as it passes limit. It does not check that data is valid JSON.
func jsonDepth(data []byte, limit int) int {
	depth, max, inString, escaped := 0, 0, false, false
	for _, b := range data {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case b == '\\':
				escaped = true
			case b == '"':
				inString = false
			}
		case b == '"':
			inString = true
		case b == '{' || b == '[':
			depth++
			if depth > max {
				max = depth
				if max > limit {
					return max
				}
			}
		case b == '}' || b == ']':
			depth--
		}
	}
	return max
}

// CheckHealth asks the fake at baseURL (e.g. http://127.0.0.1:8080) for
// GET /_fake/health and returns nil only for a 200 saying "ok". The
// container's HEALTHCHECK runs it through iblfake --healthcheck.
func CheckHealth(ctx context.Context, baseURL string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+"/_fake/health", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var body struct {
		Status string `json:"status"`
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("health: %s", resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.Status != "ok" {
		return fmt.Errorf("health: unexpected answer (status %q, %v)", body.Status, err)
	}
	return nil
}

// HealthURL is the base URL the health check of a fake listening on addr
// uses: an unspecified or empty host is the loopback address (numeric, so
// no resolver or /etc/hosts is needed).
func HealthURL(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("--addr %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
		if ip != nil && ip.To4() == nil {
			host = "::1"
		}
	}
	return "http://" + net.JoinHostPort(host, port), nil
}
