package load

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The harness drives the servers with wrk (Debian's package) by default:
// a C load generator on one thread costs the server under test far less of
// the two cores than a Go client in the harness's process, so the figures
// are the server's own.

// EnsureWrk returns wrk's path, installing Debian's package when it is
// missing and the harness may (-install-wrk), or "" when it cannot be had.
func EnsureWrk(ctx context.Context, install bool) string {
	if p, err := exec.LookPath("wrk"); err == nil {
		return p
	}
	if !install {
		return ""
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		return ""
	}
	fmt.Println("== installing wrk (apt-get install -y wrk)")
	for _, args := range [][]string{{"install", "-y", "wrk"}, {"update"}, {"install", "-y", "wrk"}} {
		cmd := exec.CommandContext(ctx, "apt-get", args...)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err == nil && args[0] == "install" {
			break
		}
	}
	p, _ := exec.LookPath("wrk")
	return p
}

// wrkScript is the Lua wrk runs: the request (a new body per request for
// the POST, numbered from the run's offset so that no two runs repeat a
// recipient), and a done() that prints the figures as one JSON line.
const wrkScript = `
wrk.method = %q
wrk.headers["Authorization"] = "Api-Token perf-key"
wrk.headers["Accept"] = "application/json"
%s
local n = 0
init = function(args) n = tonumber(args[1]) or 0 end
%s
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "IBLFAKE_PERF {\"requests\":%%d,\"duration_us\":%%d,\"status_errors\":%%d,\"socket_errors\":%%d,\"p50_us\":%%d,\"p90_us\":%%d,\"p99_us\":%%d}\n",
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99)))
end
`

// Wrk runs cells with wrk: threads load threads, a warm-up run, then
// the measured one.
type Wrk struct {
	Bin     string
	Dir     string // where the scripts are written
	Threads int
}

// Drive runs c against base: a warm-up run, then the measured one, whose
// figures it returns.
func (w Wrk) Drive(ctx context.Context, base string, c Cell, conns int, warm, d time.Duration, offset int64) (Result, error) {
	ct, req := "", ""
	if c.Body != nil {
		ct = `wrk.headers["Content-Type"] = "application/json"`
		req = fmt.Sprintf("request = function()\n  n = n + 1\n  return wrk.format(nil, %q, nil, %s)\nend", c.Path, c.BodyLua)
	}
	script := filepath.Join(w.Dir, strings.ReplaceAll(c.Name, " ", "-")+".lua")
	if err := os.WriteFile(script, []byte(fmt.Sprintf(wrkScript, c.Method, ct, req)), 0o644); err != nil {
		return Result{}, err
	}
	if warm > 0 {
		if _, err := w.run(ctx, base+c.Path, script, conns, warm, offset+1_000_000_000); err != nil {
			return Result{}, err
		}
	}
	return w.run(ctx, base+c.Path, script, conns, d, offset)
}

func (w Wrk) run(ctx context.Context, url, script string, conns int, d time.Duration, offset int64) (Result, error) {
	secs := max(1, int(d.Round(time.Second)/time.Second))
	// Bounded twice: wrk's own -d, and a context a little past it.
	ctx, cancel := context.WithTimeout(ctx, d+30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, w.Bin, "-t", strconv.Itoa(w.Threads), "-c", strconv.Itoa(conns),
		"-d", fmt.Sprintf("%ds", secs), "--timeout", "10s", "-s", script, url, "--", strconv.FormatInt(offset, 10))
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return Result{}, fmt.Errorf("wrk: %w: %s%s", err, out.String(), errb.String())
	}
	_, line, ok := strings.Cut(out.String(), "IBLFAKE_PERF ")
	if !ok {
		return Result{}, fmt.Errorf("wrk printed no figures: %s%s", out.String(), errb.String())
	}
	line, _, _ = strings.Cut(line, "\n")
	var f struct {
		Requests     int   `json:"requests"`
		DurationUS   int64 `json:"duration_us"`
		StatusErrors int   `json:"status_errors"`
		SocketErrors int   `json:"socket_errors"`
		P50US        int64 `json:"p50_us"`
		P90US        int64 `json:"p90_us"`
		P99US        int64 `json:"p99_us"`
	}
	if err := json.Unmarshal([]byte(line), &f); err != nil {
		return Result{}, fmt.Errorf("wrk's figures %q: %w", line, err)
	}
	res := Result{
		Requests: f.Requests - f.StatusErrors, Errors: f.StatusErrors + f.SocketErrors,
		Duration: time.Duration(f.DurationUS) * time.Microsecond,
		P50:      time.Duration(f.P50US) * time.Microsecond, P90: time.Duration(f.P90US) * time.Microsecond,
		P99: time.Duration(f.P99US) * time.Microsecond,
	}
	if res.Requests <= 0 {
		return res, fmt.Errorf("no successful request (%d status errors, %d socket errors)", f.StatusErrors, f.SocketErrors)
	}
	if res.Errors > 0 {
		fmt.Printf("   note: %d failed requests (%d not 2xx/3xx, %d socket errors)\n", res.Errors, f.StatusErrors, f.SocketErrors)
	}
	return res, nil
}
