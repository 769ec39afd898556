package main

import (
	"bufio"
	"bytes"
	"context"
	"debug/elf"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/serve"
	"github.com/iblfake/iblfake/spec"
)

// imageUID is the distroless "nonroot" user the Dockerfile runs as.
const imageUID = 65532

// TestImage stands in for "docker build && docker run", which cannot run
// here: it builds the binary with the exact command of the Dockerfile's
// "go build" line, checks it is static, and runs it as the image's user in
// an empty root filesystem holding only the binary and /data, with the
// image's environment. There it must serve, keep state in /data, answer its
// own health check (the HEALTHCHECK command), honour TZ from its embedded
// zone database, warn that the admin surface is open, and stop cleanly on
// SIGTERM. Needs root (chroot); skipped otherwise.
func TestImage(t *testing.T) {
	dockerfile, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	checkDockerfile(t, string(dockerfile))
	if runtime.GOOS != "linux" || os.Geteuid() != 0 {
		t.Skip("TestImage needs root on Linux to chroot into an empty root filesystem; run it as root (CI does)")
	}
	if testing.Short() {
		t.Skip("TestImage builds the release binary; skipped with -short")
	}
	env, args := buildCommand(t, string(dockerfile))
	root := t.TempDir()
	bin := filepath.Join(root, "iblfake")
	for i, a := range args {
		if a == "-o" && i+1 < len(args) {
			args[i+1] = bin
		}
	}
	build := exec.Command("go", args...)
	build.Env = append(os.Environ(), env...)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	checkStatic(t, bin)
	if err := os.Mkdir(filepath.Join(root, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(filepath.Join(root, "data"), imageUID, imageUID); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 2 {
		t.Fatalf("the root filesystem holds %d entries, want only iblfake and data", len(entries))
	}

	t.Run("Version", func(t *testing.T) {
		out, err := inImage(root, nil, "--version").Output()
		if err != nil {
			t.Fatalf("--version: %v", err)
		}
		for _, want := range []string{fake.Version, spec.VendorPackage, spec.VendorPackageVersion} {
			if !strings.Contains(string(out), want) {
				t.Errorf("--version printed %q, want it to name %q", out, want)
			}
		}
	})

	t.Run("ServeOpen", func(t *testing.T) {
		addr := freeAddr(t)
		env := []string{"IBLFAKE_ADDR=" + addr, "IBLFAKE_DB=/data/iblfake.db", "TZ=America/New_York"}
		logs := runImage(t, root, env, func(base string) {
			resp := httpDo(t, "POST", base+"/api/credentials/orgs/acme/users/u/issuers/", `{"name":"Acme"}`, "Token k")
			if resp != http.StatusOK {
				t.Fatalf("creating an issuer: %d, want 200", resp)
			}
			if st := httpDo(t, "GET", base+"/_fake/state", "", ""); st != http.StatusOK {
				t.Fatalf("GET /_fake/state without a token set: %d, want 200", st)
			}
			fi, err := os.Stat(filepath.Join(root, "data", "iblfake.db"))
			if err != nil {
				t.Fatalf("no state file in /data: %v", err)
			}
			if st := fi.Sys().(*syscall.Stat_t); st.Uid != imageUID {
				t.Errorf("/data/iblfake.db belongs to uid %d, want %d", st.Uid, imageUID)
			}
		})
		if !strings.Contains(logs, "admin surface /_fake/ is open") {
			t.Errorf("no start-up warning about the open admin surface in:\n%s", logs)
		}
		// November in New York is UTC-5: the zone came from the binary.
		if !regexp.MustCompile(`time=\S+-0[45]:00 `).MatchString(logs) {
			t.Errorf("log times are not in TZ=America/New_York (no embedded zone database?):\n%s", logs)
		}
		if !strings.Contains(logs, "shutting down") {
			t.Errorf("no graceful shutdown on SIGTERM:\n%s", logs)
		}
	})

	t.Run("ServeWithAdminToken", func(t *testing.T) {
		env := []string{"IBLFAKE_ADDR=" + freeAddr(t), "IBLFAKE_ADMIN_TOKEN=tok"}
		logs := runImage(t, root, env, func(base string) {
			if st := httpDo(t, "GET", base+"/_fake/state", "", ""); st != http.StatusUnauthorized {
				t.Errorf("GET /_fake/state without the admin token: %d, want 401", st)
			}
			if st := httpDo(t, "GET", base+"/_fake/state", "", "Bearer tok"); st != http.StatusOK {
				t.Errorf("GET /_fake/state with the admin token: %d, want 200", st)
			}
		})
		if strings.Contains(logs, "is open") {
			t.Errorf("warned about an open admin surface with a token set:\n%s", logs)
		}
	})
}

// runImage starts the binary in root with env, waits until it serves,
// checks the in-image health check passes, runs use, stops it with SIGTERM
// and checks the health check then fails. It returns the server's log.
func runImage(t *testing.T, root string, env []string, use func(base string)) string {
	t.Helper()
	var logs bytes.Buffer
	cmd := inImage(root, env)
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting in the empty root: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-done
		}
	}()
	addr := strings.TrimPrefix(env[0], "IBLFAKE_ADDR=")
	base := "http://" + addr
	deadline := time.Now().Add(15 * time.Second)
	for serve.CheckHealth(context.Background(), base) != nil {
		if time.Now().After(deadline) {
			t.Fatalf("not healthy after 15s; log:\n%s", logs.String())
		}
		select {
		case err := <-done:
			t.Fatalf("exited before serving (%v); log:\n%s", err, logs.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
	if out, err := inImage(root, env, "--healthcheck").CombinedOutput(); err != nil {
		t.Errorf("the HEALTHCHECK command failed on a healthy fake: %v %s", err, out)
	}
	use(base)
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v, want 0", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("still running 15s after SIGTERM")
	}
	if err := inImage(root, env, "--healthcheck").Run(); err == nil {
		t.Errorf("the HEALTHCHECK command passed with the fake stopped")
	}
	return logs.String()
}

// inImage is the binary run as the image runs it: chrooted into root, as
// the non-root user, with only env in its environment.
func inImage(root string, env []string, args ...string) *exec.Cmd {
	cmd := exec.Command("/iblfake", args...)
	cmd.Dir = "/"
	cmd.Env = env
	if cmd.Env == nil {
		cmd.Env = []string{}
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Chroot:     root,
		Credential: &syscall.Credential{Uid: imageUID, Gid: imageUID},
	}
	return cmd
}

// buildCommand returns the environment assignments and go arguments of the
// Dockerfile's "RUN ... go build ..." line.
func buildCommand(t *testing.T, dockerfile string) (env, args []string) {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(dockerfile))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "RUN ") || !strings.Contains(line, "go build") {
			continue
		}
		words := shellWords(t, strings.TrimPrefix(line, "RUN "))
		for i, w := range words {
			if w == "go" {
				return env, words[i+1:]
			}
			if !strings.Contains(w, "=") {
				t.Fatalf("Dockerfile build line %q: %q is neither VAR=value nor go", line, w)
			}
			env = append(env, w)
		}
	}
	t.Fatal("no RUN ... go build line in the Dockerfile")
	return nil, nil
}

// shellWords splits a simple shell command line: words, '...' and "..."
// quoting; anything fancier fails the test.
func shellWords(t *testing.T, s string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	inWord, quote := false, byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteByte(c)
		case c == '\'' || c == '"':
			quote, inWord = c, true
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case strings.IndexByte("$`\\;&|<>(){}*?", c) >= 0:
			t.Fatalf("the Dockerfile's build line uses %q; keep it a plain command", c)
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}

// checkDockerfile checks what the image promises: a CGO-free trimmed build,
// a distroless or scratch base, a non-root user, port 8080, /data and a
// health check through the binary itself.
func checkDockerfile(t *testing.T, d string) {
	t.Helper()
	for _, re := range []string{
		`(?m)^RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o \S+ \.$`,
		`(?m)^FROM (gcr\.io/distroless/static\S*|scratch)$`,
		`(?m)^USER (65532|nonroot)`,
		`(?m)^ENV IBLFAKE_ADDR=:8080$`,
		`(?m)^EXPOSE 8080$`,
		`(?m)^VOLUME \["/data"\]$`,
		`(?m)^HEALTHCHECK .*CMD \["/iblfake", "--healthcheck"\]$`,
		`(?m)^ENTRYPOINT \["/iblfake"\]$`,
	} {
		if !regexp.MustCompile(re).MatchString(d) {
			t.Errorf("the Dockerfile has no line matching %s", re)
		}
	}
}

// checkStatic fails t unless bin is a statically linked executable.
func checkStatic(t *testing.T, bin string) {
	t.Helper()
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Fatal("the binary asks for a dynamic loader (PT_INTERP): not static")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Fatalf("the binary needs shared libraries %v", libs)
	}
	if f.Section(".symtab") != nil {
		t.Error("the binary keeps its symbol table: -ldflags \"-s -w\" not applied")
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func httpDo(t *testing.T, method, url, body, auth string) int {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}
