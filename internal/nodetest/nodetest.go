// Package nodetest runs Node.js from Go tests, as the conformance suites
// do: it finds node and npm (the test is skipped, saying why, when either
// is missing), installs a directory's packages with npm ci when they are
// missing or older than its lock file, and runs a command there with its
// output streamed under -v.
package nodetest

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Dir is a directory of JavaScript with its package-lock.json, and the
// node and npm that run it.
type Dir struct {
	Path      string // the directory, relative to the test's
	Node, NPM string // the binaries
}

// Find returns dir with node and npm found on PATH; without them it
// skips t, saying what needs Node.js (what: "the TypeScript client
// conformance tests").
func Find(t testing.TB, dir, what string) Dir {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skipf("node is not on PATH; install Node.js 20+ to run %s", what)
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Skipf("npm is not on PATH; install Node.js 20+ (with npm) to run %s", what)
	}
	return Dir{Path: dir, Node: node, NPM: npm}
}

// Install runs `npm ci` in d when node_modules is missing or older than
// package-lock.json (npm's own record of the installed tree,
// node_modules/.package-lock.json, stands for node_modules).
func (d Dir) Install(ctx context.Context, t testing.TB) {
	t.Helper()
	lock, err := os.Stat(filepath.Join(d.Path, "package-lock.json"))
	if err != nil {
		t.Fatalf("package-lock.json: %v", err)
	}
	installed, err := os.Stat(filepath.Join(d.Path, "node_modules", ".package-lock.json"))
	if err == nil && !installed.ModTime().Before(lock.ModTime()) {
		return
	}
	t.Logf("npm ci in %s", d.Path)
	d.Run(t, exec.CommandContext(ctx, d.NPM, "ci", "--no-audit", "--no-fund"))
}

// Command is node with args, to be run in d.
func (d Dir) Command(ctx context.Context, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, d.Node, args...)
}

// Run runs cmd in d and returns its combined output; with -v it streams
// as it comes. A failure fails the test with all of it.
func (d Dir) Run(t testing.TB, cmd *exec.Cmd) []byte {
	t.Helper()
	var buf bytes.Buffer
	var w io.Writer = &buf
	if testing.Verbose() {
		w = io.MultiWriter(&buf, os.Stdout)
	}
	cmd.Dir = d.Path
	cmd.Stdout, cmd.Stderr = w, w
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, buf.Bytes())
	}
	return buf.Bytes()
}
