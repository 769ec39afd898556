package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
)

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
		return "", fmt.Errorf("listen address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
		if ip != nil && ip.To4() == nil {
			host = "::1"
		}
	}
	return "http://" + net.JoinHostPort(host, port), nil
}
