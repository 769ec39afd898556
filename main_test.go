package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/iblfake/iblfake/spec"
)

// issuers is the operation the test scenarios delay.
const issuers = "/api/credentials/orgs/acme/users/admin/issuers/"

// delayScenario is a scenario file delaying every issuer list by delay.
func delayScenario(t *testing.T, delay string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "slow.yaml")
	doc := "name: slow\nrules:\n  - match: {operation: \"credentials_orgs_users_issuers_retrieve\"}\n    respond: {delay: " + delay + "}\n"
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// fakeProc is a running iblfake binary.
type fakeProc struct {
	cmd  *exec.Cmd
	addr string
	mu   sync.Mutex
	log  bytes.Buffer
	done chan struct{} // closed once it has exited; then err is its exit
	err  error
}

var listeningRE = regexp.MustCompile(`msg="iblfake listening" addr=(\S+)`)

// startFake runs bin with args on a free loopback port and waits until it
// listens.
func startFake(t *testing.T, bin string, args ...string) *fakeProc {
	t.Helper()
	p := &fakeProc{cmd: exec.Command(bin, append([]string{"--addr", "127.0.0.1:0"}, args...)...), done: make(chan struct{})}
	p.cmd.Env = []string{} // no IBLFAKE_* from the test's environment
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.mu.Lock()
			p.log.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.done
	})
	select {
	case p.addr = <-addr:
	case <-p.done:
		t.Fatalf("iblfake exited before listening (%v):\n%s", p.err, p.logs())
	case <-time.After(15 * time.Second):
		t.Fatalf("iblfake did not listen within 15s:\n%s", p.logs())
	}
	return p
}

func (p *fakeProc) logs() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// hold opens a connection and sends an issuer list on it, which the delay
// scenario holds; the answer (or the connection's end) arrives on the
// returned channel.
func (p *fakeProc) hold(t *testing.T) <-chan error {
	t.Helper()
	c, err := net.Dial("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if _, err := fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: fake\r\nAuthorization: Api-Token k\r\n\r\n", issuers); err != nil {
		t.Fatal(err)
	}
	res := make(chan error, 1)
	go func() {
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err == nil {
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if err == nil && resp.StatusCode != 200 {
				err = fmt.Errorf("status %d", resp.StatusCode)
			}
		}
		res <- err
	}()
	return res
}

// health GETs /_fake/health on a new connection, waiting at most 2 s.
func (p *fakeProc) health() (int, error) {
	hc := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := hc.Get("http://" + p.addr + "/_fake/health")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// TestProcess runs the built command: how it stops, and how it bounds its
// connections.
func TestProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "iblfake")
	// Stamped as scripts/release.sh stamps a release.
	const stampVersion, stampRevision, stampTime = "v9.8.7", "0123456789abcdef0123456789abcdef01234567", "2026-12-24T10:00:00Z"
	ldflags := "-X main.version=" + stampVersion + " -X main.revision=" + stampRevision + " -X main.created=" + stampTime
	if out, err := exec.Command("go", "build", "-ldflags", ldflags, "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	// --version names the stamped version, commit and time, the toolchain
	// and the vendor spec; -h names the subcommands as well as the flags.
	t.Run("VersionAndHelp", func(t *testing.T) {
		out, err := exec.Command(bin, "--version").Output()
		if err != nil {
			t.Fatalf("--version: %v", err)
		}
		want := "iblfake v9.8.7 (commit 0123456789ab, 2026-12-24T10:00:00Z) " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH +
			"; vendor spec " + spec.VendorPackage + "@" + spec.VendorPackageVersion + "\n"
		if string(out) != want {
			t.Errorf("--version printed %q, want %q", out, want)
		}
		out, err = exec.Command(bin, "-h").Output()
		if err != nil {
			t.Fatalf("-h: %v", err)
		}
		for _, w := range []string{"iblfake proxy [flags]", "iblfake verify [flags] FILE", "-addr address", "IBLFAKE_ADDR"} {
			if !strings.Contains(string(out), w) {
				t.Errorf("-h does not mention %q:\n%s", w, out)
			}
		}
		// The start-up log names the version and commit too.
		p := startFake(t, bin)
		if !strings.Contains(p.logs(), "version=v9.8.7 commit=0123456789ab") {
			t.Errorf("the start-up log does not name the version and commit:\n%s", p.logs())
		}
	})

	// SIGTERM with a request held open by a 5-minute scenario delay: the
	// delay ends at once (EndDelays), the held request is answered within
	// the drain, and the process exits 0 rather than failing with a bare
	// "context deadline exceeded" (finding L7). Requests the drain cannot
	// finish are cut off and counted: internal/serve's TestShutdown.
	t.Run("SIGTERMAnswersHeldRequest", func(t *testing.T) {
		const drain = 5 * time.Second
		p := startFake(t, bin, "--scenario", delayScenario(t, "5m"), "--shutdown-timeout", drain.String())
		held := p.hold(t)
		// The drain counts the request only once the fake has read it.
		time.Sleep(300 * time.Millisecond)
		start := time.Now()
		if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		select {
		case <-p.done:
		case <-time.After(drain + 5*time.Second):
			t.Fatalf("still running %v after SIGTERM:\n%s", drain+5*time.Second, p.logs())
		}
		if elapsed := time.Since(start); elapsed >= drain {
			t.Errorf("exited %v after SIGTERM, want the held delay ended well within the %v drain", elapsed, drain)
		}
		if p.err != nil {
			t.Errorf("got exit %v, want 0; log:\n%s", p.err, p.logs())
		}
		if !strings.Contains(p.logs(), `msg="shutting down"`) {
			t.Errorf("log lacks the shutdown line:\n%s", p.logs())
		}
		if strings.Contains(p.logs(), "deadline exceeded") {
			t.Errorf("log reports the drain deadline as an error:\n%s", p.logs())
		}
		if err := <-held; err != nil {
			t.Errorf("the held request failed (%v), want it answered once the delay ended", err)
		}
	})

	// A damaged --db file (finding M8): a clear start-up error naming the
	// file, exit 1, no panic and no server answering 500s.
	t.Run("DamagedDB", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "iblfake.db")
		p := startFake(t, bin, "--db", db)
		p.cmd.Process.Signal(syscall.SIGTERM)
		<-p.done
		raw, err := os.ReadFile(db)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(db, raw[:len(raw)/2], 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(bin, "--addr", "127.0.0.1:0", "--db", db).CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 {
			t.Fatalf("got %v, want exit 1; output:\n%s", err, out)
		}
		for _, want := range []string{db, "damaged"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		if strings.Contains(string(out), "panic") || strings.Contains(string(out), "goroutine") {
			t.Errorf("output shows a crash:\n%s", out)
		}
	})

	// --max-connections 2 with both connections mid-request: a third is
	// refused at once instead of hanging, and health answers again once
	// the held requests have been answered.
	t.Run("MaxConnections", func(t *testing.T) {
		const delay = 3 * time.Second
		p := startFake(t, bin, "--scenario", delayScenario(t, delay.String()), "--max-connections", "2")
		start := time.Now()
		held := []<-chan error{p.hold(t), p.hold(t)}
		time.Sleep(500 * time.Millisecond) // both read and delayed
		refusedAt := time.Now()
		code, err := p.health()
		if time.Since(refusedAt) > time.Second {
			t.Errorf("the refusal took %v, want it at once", time.Since(refusedAt))
		}
		var ne net.Error
		switch {
		case errors.As(err, &ne) && ne.Timeout():
			t.Errorf("health at the limit hung (%v), want it refused", err)
		case err == nil && code != http.StatusServiceUnavailable:
			t.Errorf("health at the limit: got %d, want 503 or a closed connection", code)
		}
		if time.Since(start) >= delay {
			t.Fatalf("the check ran after the held requests finished (%v); the machine is too slow for this test", time.Since(start))
		}
		for i, h := range held {
			if err := <-h; err != nil {
				t.Fatalf("held request %d: %v", i, err)
			}
		}
		if code, err := p.health(); err != nil || code != 200 {
			t.Errorf("health once the requests finished: got %d, %v; want 200", code, err)
		}
		if !strings.Contains(p.logs(), "connection limit reached") || !strings.Contains(p.logs(), "max_connections=2") {
			t.Errorf("log lacks the limit and its warning:\n%s", p.logs())
		}
	})
}

// TestDashboardURL: the start-up log's dashboard link is one a person can
// open: a wildcard listen address ([::]:8080 from --addr :8080, the
// image's default; 0.0.0.0) becomes localhost, a named host stays.
func TestDashboardURL(t *testing.T) {
	for addr, want := range map[string]string{
		"[::]:8080":       "http://localhost:8080/_fake/ui/",
		"0.0.0.0:18084":   "http://localhost:18084/_fake/ui/",
		"127.0.0.1:37173": "http://127.0.0.1:37173/_fake/ui/",
		"[::1]:8080":      "http://[::1]:8080/_fake/ui/",
		"10.1.2.3:80":     "http://10.1.2.3:80/_fake/ui/",
	} {
		if got := dashboardURL(addr); got != want {
			t.Errorf("dashboardURL(%q) = %q, want %q", addr, got, want)
		}
	}
}
