package main

import (
	"bufio"
	"bytes"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/paritytest"
)

var proxyListeningRE = regexp.MustCompile(`msg="iblfake proxy listening" addr=(\S+)`)

// TestProxyThenVerify runs the built command as a team would: iblfake
// proxy in front of an upstream, recording a session, stopped with
// SIGTERM (it prints its summary and exits 0); then iblfake verify on the
// cassette, whose exit code says whether the fake matched.
func TestProxyThenVerify(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "iblfake")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dev, devSrv, err := paritytest.DeviatingUpstream()
	if err != nil {
		t.Fatal(err)
	}
	defer devSrv.Close()
	defer dev.Close()
	honest := fake.NewTestServer(t, fake.WithSeed(7))

	for _, tc := range []struct {
		name     string
		upstream string
		exit     int
		want     []string // in verify's table
	}{
		{"the fake", honest.URL, 0, []string{"0 differing"}},
		{"a deviating upstream", dev.URL, 1, []string{
			"status: recorded 201, fake 200", "/result/count: type: recorded string, fake number",
			"(root): type: recorded array, fake object",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tape := filepath.Join(t.TempDir(), "session.jsonl")
			summary := runProxyProcess(t, bin, "--upstream", tc.upstream, "--record", tape, "--redact", "email")
			if !strings.Contains(summary, "proxy summary: 26 exchanges") {
				t.Errorf("got summary\n%s\nwant 26 exchanges", summary)
			}
			out, code := runVerifyProcess(t, bin, tape)
			if code != tc.exit {
				t.Errorf("verify: got exit %d, want %d\n%s", code, tc.exit, out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("verify: got\n%s\nwant it to contain %q", out, w)
				}
			}
		})
	}
	t.Run("a missing cassette", func(t *testing.T) {
		if out, code := runVerifyProcess(t, bin, filepath.Join(t.TempDir(), "none.jsonl")); code != 2 || !strings.Contains(out, "no such file") {
			t.Errorf("got exit %d\n%s\nwant 2 naming the file", code, out)
		}
	})
	// Hostile test v2, H3 and L4: a cassette addressing another host, or
	// the admin surface, is refused naming its line, and nothing reaches
	// the other host; a cassette with nothing to compare is no success.
	canary, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var reached atomic.Int64
	go func() {
		for {
			c, err := canary.Accept()
			if err != nil {
				return
			}
			reached.Add(1)
			_ = c.Close()
		}
	}()
	defer canary.Close()
	for _, tc := range []struct {
		name, text, want string
	}{
		{"a cassette addressing another host", `{"v":1,"seq":1,"method":"POST","path":"@` + canary.Addr().String() +
			`/latest/meta-data/iam","request":{"json":{"exfil":"yes"}},"status":200,"response":{"json":{}}}` + "\n", "cassette line 1 refused: path"},
		{"a cassette addressing the admin surface", `{"v":1,"seq":1,"method":"POST","path":"/_fake/reset","request":{},"status":200,"response":{"json":{"reset":true}}}` + "\n",
			"cassette line 1 refused: path \"/_fake/reset\" is the fake's admin surface"},
		{"an empty cassette", "", "the cassette holds no exchange"},
		{"a torn line only", `{"v":1,"seq":1,"meth`, "the cassette holds no exchange: its only line (1, 20 bytes) is torn"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tape := filepath.Join(t.TempDir(), "c.jsonl")
			if err := os.WriteFile(tape, []byte(tc.text), 0o600); err != nil {
				t.Fatal(err)
			}
			if out, code := runVerifyProcess(t, bin, "--api-key", "CI-SECRET-KEY-123", tape); code != 2 || !strings.Contains(out, tc.want) {
				t.Errorf("got exit %d\n%s\nwant 2 and %q", code, out, tc.want)
			}
		})
	}
	if n := reached.Load(); n != 0 {
		t.Errorf("got %d connections to another host, want none", n)
	}
}

// runProxyProcess runs iblfake proxy, drives a session through it, stops
// it with SIGTERM and returns what it printed on standard output.
func runProxyProcess(t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"proxy", "--addr", "127.0.0.1:0", "--upstream-timeout", "5s"}, args...)...)
	cmd.Env = []string{}
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := proxyListeningRE.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	select {
	case a := <-addr:
		paritytest.Session(paritytest.NewClient(t, "http://"+a), "acme", "ada@acme.example")
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("the proxy did not start listening within 10 s")
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("proxy: got exit %v after SIGTERM, want 0", err)
		}
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("the proxy did not stop within 10 s of SIGTERM")
	}
	return stdout.String()
}

func runVerifyProcess(t *testing.T, bin string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"verify"}, args...)...)
	cmd.Env = []string{}
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return string(out), ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return string(out), 0
}
