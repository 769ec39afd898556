package main

import (
	"context"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// dayOneBlocks returns the sh blocks of README's "Day one" section, between
// its markers, in order.
func dayOneBlocks(t *testing.T) []string {
	t.Helper()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "<!-- day-one:begin -->")
	section, _, ok2 := strings.Cut(rest, "<!-- day-one:end -->")
	if !ok || !ok2 {
		t.Fatal("README.md has no day-one markers")
	}
	var blocks []string
	for _, m := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(section, -1) {
		blocks = append(blocks, m[1])
	}
	return blocks
}

// TestTheDayOnePathRuns runs README's "Day one" commands as written, in
// bash, from the repository's root, on a free port: a seed written by
// hand (and a typo in it refused with its line), tests in parallel
// resetting their own org (twice), a scenario typo refused and the fixed
// one answering one request, and the bodies read back. Each promise the
// section's comments make is checked in the output.
func TestTheDayOnePathRuns(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"bash", "curl", "sed", "grep"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is not on PATH", tool)
			}
			t.Skipf("%s is not on PATH", tool)
		}
	}
	blocks := dayOneBlocks(t)
	if len(blocks) < 6 {
		t.Fatalf("the Day one section has %d sh blocks, want the path's 7", len(blocks))
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	script := "set -euo pipefail\n" + strings.Join(blocks, "\n")
	if !strings.Contains(script, "ADDR=127.0.0.1:8080\n") {
		t.Fatal("the path no longer sets ADDR=127.0.0.1:8080")
	}
	script = strings.Replace(script, "ADDR=127.0.0.1:8080\n", "ADDR="+addr+"\n", 1)

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", script)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "IBLFAKE_") {
			env = append(env, kv)
		}
	}
	cmd.Env = env
	// Its own process group, so the fake it starts in the background goes
	// with it if the script fails half-way.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	t.Cleanup(func() {
		if cmd.Process != nil {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		}
	})
	out, err := cmd.CombinedOutput()
	got := string(out)
	if err != nil {
		t.Fatalf("the Day one path failed: %v\n%s", err, got)
	}
	for _, want := range []string{
		`typo.yaml:9: tenant test-issue: credential "Data Science": issuer "Example Acadmey" is not declared in tenant test-issue; did you mean "Example Academy"?`,
		`operation \"credentials_orgs_users_assertion_create\" is not an operation of the served document; did you mean credentials_orgs_users_assertions_create`,
		"\n503\n",
		`"operation_id":"credentials_orgs_users_assertions_create"`,
		`"body":{"recipient":{"identity":"grace"}}`,
		`"Authorization":["Api-Token [secret]"]`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the output lacks %s:\n%s", want, got)
		}
	}
	for _, test := range []string{"test_issue ok", "test_revoke ok"} {
		if n := strings.Count(got, test); n != 2 {
			t.Errorf("%q printed %d times, want 2 (both runs pass):\n%s", test, n, got)
		}
	}
}
