package main

import (
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

	"github.com/iblfake/iblfake/internal/serve"
	"github.com/iblfake/iblfake/spec"
)

// imageUID is the distroless "nonroot" user the Dockerfile runs as.
const imageUID = 65532

// imageArgs are the build arguments TestImage builds with, as a release
// passes them (the Dockerfile's ARG lines).
var imageArgs = map[string]string{
	"VERSION": "v0.0.0-image-test", "REVISION": "fedcba9876543210fedcba9876543210fedcba98", "CREATED": "2026-12-07T12:00:00Z",
	// What BuildKit sets for an image of this machine's platform.
	"TARGETOS": runtime.GOOS, "TARGETARCH": runtime.GOARCH,
}

// TestImage stands in for "docker build && docker run", which cannot run
// here: it copies what .dockerignore lets into the build context, builds
// the binary there with the exact command of the Dockerfile's "go build"
// line (its build arguments filled in), checks it is static, and runs it
// as the image's user in an empty root filesystem holding only the binary
// and /data, with the image's environment. There it must name its stamped
// version, serve, keep state in /data, answer its own health check (the
// HEALTHCHECK command), honour TZ from its embedded zone database, warn
// that the admin surface is open, and stop cleanly on SIGTERM. Needs root
// (chroot); skipped otherwise.
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
	env, args := buildCommand(t, string(dockerfile), imageArgs)
	root := t.TempDir()
	bin := filepath.Join(root, "iblfake")
	for i, a := range args {
		if a == "-o" && i+1 < len(args) {
			args[i+1] = bin
		}
	}
	build := exec.Command("go", args...)
	build.Dir = buildContext(t)
	build.Env = append(os.Environ(), env...)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go %s (in the build context): %v\n%s", strings.Join(args, " "), err, out)
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
		for _, want := range []string{"iblfake " + imageArgs["VERSION"] + " (commit " + imageArgs["REVISION"][:12] + ", " + imageArgs["CREATED"] + ")",
			spec.VendorPackage, spec.VendorPackageVersion} {
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
// Dockerfile's "RUN ... go build ..." line, its --mount options dropped
// (caches change nothing in what is built) and ${ARG} references filled
// from args.
func buildCommand(t *testing.T, dockerfile string, args map[string]string) (env, goArgs []string) {
	t.Helper()
	for _, in := range dockerInstructions(dockerfile) {
		if in.cmd != "RUN" || !strings.Contains(in.args, "go build") {
			continue
		}
		words := shellWords(t, in.args, args)
		for len(words) > 0 && strings.HasPrefix(words[0], "--mount=") {
			words = words[1:]
		}
		for i, w := range words {
			if w == "go" {
				return env, words[i+1:]
			}
			if !strings.Contains(w, "=") {
				t.Fatalf("Dockerfile build line %q: %q is neither VAR=value nor go", in.args, w)
			}
			env = append(env, w)
		}
	}
	t.Fatal("no RUN ... go build line in the Dockerfile")
	return nil, nil
}

// instruction is one Dockerfile instruction, its continuation lines joined.
type instruction struct {
	cmd   string // upper case: FROM, RUN, ...
	args  string
	stage int // 0 before the first FROM, then 1, 2, ...
}

// dockerInstructions reads a Dockerfile's instructions, leaving out
// comments and the parser directives above the first instruction.
func dockerInstructions(dockerfile string) []instruction {
	var out []instruction
	stage := 0
	var cur strings.Builder
	for _, line := range strings.Split(dockerfile, "\n") {
		trimmed := strings.TrimSpace(line)
		if cur.Len() == 0 && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if strings.HasSuffix(trimmed, "\\") {
			cur.WriteString(strings.TrimSuffix(trimmed, "\\") + " ")
			continue
		}
		cur.WriteString(trimmed)
		cmd, rest, _ := strings.Cut(cur.String(), " ")
		cur.Reset()
		cmd = strings.ToUpper(cmd)
		if cmd == "FROM" {
			stage++
		}
		out = append(out, instruction{cmd: cmd, args: strings.Join(strings.Fields(rest), " "), stage: stage})
	}
	return out
}

// shellWords splits a simple shell command line: words, '...' and "..."
// quoting, and ${NAME} (outside single quotes) replaced from vars;
// anything fancier fails the test.
func shellWords(t *testing.T, s string, vars map[string]string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	inWord, quote := false, byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != '\'' && c == '$':
			end := strings.IndexByte(s[i:], '}')
			if !strings.HasPrefix(s[i:], "${") || end < 0 {
				t.Fatalf("the Dockerfile's build line uses $ other than ${NAME}: %q", s[i:])
			}
			name := s[i+2 : i+end]
			v, ok := vars[name]
			if !ok {
				t.Fatalf("the Dockerfile's build line uses ${%s}, which the test does not set", name)
			}
			cur.WriteString(v)
			inWord = true
			i += end
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
		case strings.IndexByte("`\\;&|<>(){}*?", c) >= 0:
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

// checkDockerfile checks what the image promises: a CGO-free trimmed build
// stamped from the build arguments, a distroless or scratch base, a
// non-root user, port 8080, /data without an anonymous volume, a health
// check through the binary itself that probes every second while the
// container starts, the OCI labels, and the layering that keeps the module
// download apart from the sources.
func checkDockerfile(t *testing.T, d string) {
	t.Helper()
	for _, re := range []string{
		`(?m)^RUN (--mount=type=cache,target=\S+ )*CGO_ENABLED=0 GOOS=\$\{TARGETOS\} GOARCH=\$\{TARGETARCH\} go build -trimpath -ldflags "-s -w -X main.version=\$\{VERSION\} -X main.revision=\$\{REVISION\} -X main.created=\$\{CREATED\}" -o \S+ \.$`,
		`(?m)^FROM --platform=\$BUILDPLATFORM golang:\S+ AS build$`,
		`(?m)^FROM (gcr\.io/distroless/static\S*|scratch)$`,
		`(?m)^USER (65532|nonroot)`,
		`(?m)^ENV IBLFAKE_ADDR=:8080$`,
		`(?m)^EXPOSE 8080$`,
		`(?m)^COPY --from=build --chown=65532:65532 \S+ /data$`,
		`(?m)^HEALTHCHECK .*--start-period=\d+s .*CMD \["/iblfake", "--healthcheck"\]$`,
		`(?m)^HEALTHCHECK .*--start-interval=1s .*CMD`,
		`(?m)^ENTRYPOINT \["/iblfake"\]$`,
	} {
		if !regexp.MustCompile(re).MatchString(d) {
			t.Errorf("the Dockerfile has no line matching %s", re)
		}
	}
	ins := dockerInstructions(d)
	final := ins[len(ins)-1].stage
	labels := map[string]string{}
	args := map[int]map[string]bool{}
	for _, in := range ins {
		switch in.cmd {
		case "VOLUME":
			// Every docker run would create an anonymous volume, used or not.
			t.Errorf("the Dockerfile declares VOLUME %s; mount /data by name instead", in.args)
		case "ARG":
			if args[in.stage] == nil {
				args[in.stage] = map[string]bool{}
			}
			name, _, _ := strings.Cut(in.args, "=")
			args[in.stage][name] = true
		case "LABEL":
			if in.stage != final {
				continue
			}
			for _, kv := range regexp.MustCompile(`(\S+?)="([^"]*)"`).FindAllStringSubmatch(in.args, -1) {
				labels[kv[1]] = kv[2]
			}
		}
	}
	for label, arg := range map[string]string{"source": "SOURCE", "version": "VERSION", "revision": "REVISION", "created": "CREATED"} {
		if got := labels["org.opencontainers.image."+label]; got != "${"+arg+"}" {
			t.Errorf("LABEL org.opencontainers.image.%s = %q, want \"${%s}\" (a build argument)", label, got, arg)
		}
		if !args[0][arg] || !args[final][arg] {
			t.Errorf("ARG %s is not declared both before the first FROM and in the final stage", arg)
		}
	}
	// Layering: go.mod and go.sum, the module download, then the sources,
	// then the build; a README edit cannot reach the build (.dockerignore).
	var order []string
	for _, in := range ins {
		switch {
		case in.stage != 1:
		case in.cmd == "COPY" && in.args == "go.mod go.sum ./":
			order = append(order, "modules")
		case in.cmd == "RUN" && strings.HasSuffix(in.args, "go mod download"):
			order = append(order, "download")
		case in.cmd == "COPY" && in.args == ". .":
			order = append(order, "sources")
		case in.cmd == "RUN" && strings.Contains(in.args, "go build"):
			order = append(order, "build")
		}
	}
	if strings.Join(order, " ") != "modules download sources build" {
		t.Errorf("the build stage does %v, want go.mod/go.sum copied, the modules downloaded, then the sources copied and built", order)
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
