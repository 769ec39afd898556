package fake_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake/state"
	"github.com/iblfake/iblfake/fake/store"
)

// proc is a running iblfake binary.
type proc struct {
	cmd    *exec.Cmd
	url    string
	mu     sync.Mutex
	stderr bytes.Buffer
	done   chan struct{} // closed once the process has exited
}

var listenRE = regexp.MustCompile(`msg="iblfake listening" addr=(\S+)`)

// buildBinary compiles the iblfake command into t's temp dir.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "iblfake")
	start := time.Now()
	out, err := exec.Command("go", "build", "-o", bin, "github.com/iblfake/iblfake").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Logf("built the binary in %s", time.Since(start).Round(time.Millisecond))
	return bin
}

// startProc starts bin with args and, when waitReady, waits until it logs
// the address it listens on.
func startProc(t *testing.T, bin string, waitReady bool, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(bin, args...), done: make(chan struct{})}
	pipe, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			p.mu.Lock()
			p.stderr.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			if m := listenRE.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		_, _ = io.Copy(io.Discard, pipe)
		_ = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.done
	})
	if !waitReady {
		return p
	}
	select {
	case a := <-addr:
		p.url = "http://" + a
	case <-p.done:
		t.Fatalf("iblfake exited before listening:\n%s", p.log())
	case <-time.After(10 * time.Second):
		t.Fatalf("iblfake did not listen within 10s:\n%s", p.log())
	}
	return p
}

func (p *proc) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

// post sends a JSON body and returns the status and decoded body; err is
// set when no response came back (the process is gone).
func post(hc *http.Client, url string, body any) (int, map[string]any, error) {
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(raw))
	req.Header.Set("Authorization", "Api-Token k")
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return resp.StatusCode, nil, err // cut off mid-body: not acknowledged
	}
	return resp.StatusCode, out, nil
}

func getStatus(t *testing.T, hc *http.Client, url string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Api-Token k")
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestDurabilityKill9 runs the real binary on a bbolt file, kills it with
// SIGKILL while writers are issuing assertions and creating credentials,
// restarts it on the same file and checks that every write that was
// answered 200 is there, and that no operation is half there.
func TestDurabilityKill9(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	db := filepath.Join(t.TempDir(), "iblfake.db")
	args := []string{"--db", db, "--addr", "127.0.0.1:0"}
	first := startProc(t, bin, true, args...)
	hc := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	api := first.url + "/api/credentials/orgs/acme/users/admin/"

	// A second process on the same file is refused quickly and clearly.
	start := time.Now()
	second := startProc(t, bin, false, "--db", db, "--addr", "127.0.0.1:0")
	select {
	case <-second.done:
	case <-time.After(5 * time.Second):
		t.Fatal("a second iblfake on the same file did not give up within 5s")
	}
	took := time.Since(start)
	if code := second.cmd.ProcessState.ExitCode(); code == 0 || !strings.Contains(second.log(), "in use by another process") {
		t.Errorf("second process: exit %d, stderr %q; want an in-use error", code, second.log())
	}
	if took > 2*time.Second {
		t.Errorf("second process took %s to give up, want about 1s at most", took)
	}
	t.Logf("second process refused after %s: %s", took.Round(time.Millisecond), strings.TrimSpace(second.log()))

	status, body, err := post(hc, api+"issuers/", map[string]any{"name": "Durable U"})
	if err != nil || status != 200 {
		t.Fatalf("create issuer: %d %v", status, err)
	}
	issuer := body["result"].(map[string]any)["entityId"].(string)
	status, body, err = post(hc, api, map[string]any{"name": "Durable badge", "issuer": issuer})
	if err != nil || status != 200 {
		t.Fatalf("create credential: %d %v", status, err)
	}
	cred := body["result"].(map[string]any)["entityId"].(string)

	// Writers run until the process dies; whatever got a 200 is recorded.
	var mu sync.Mutex
	var ackedAssertions, ackedCredentials []string
	var wg sync.WaitGroup
	killAt := make(chan struct{})
	var once sync.Once
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				var id string
				if w == 0 && i%4 == 0 {
					st, b, err := post(hc, api, map[string]any{"name": fmt.Sprintf("Badge %d", i), "issuer": issuer})
					if err != nil {
						return
					}
					if st == 200 {
						id = b["result"].(map[string]any)["entityId"].(string)
						mu.Lock()
						ackedCredentials = append(ackedCredentials, id)
						mu.Unlock()
					}
					continue
				}
				st, b, err := post(hc, api+cred+"/assertions/",
					map[string]any{"recipient": map[string]any{"identity": fmt.Sprintf("u%d-%d", w, i)}})
				if err != nil {
					return
				}
				if st != 200 {
					t.Errorf("issue: status %d %v", st, b)
					return
				}
				mu.Lock()
				ackedAssertions = append(ackedAssertions, b["entityId"].(string))
				n := len(ackedAssertions)
				mu.Unlock()
				if n >= 300 {
					once.Do(func() { close(killAt) })
				}
			}
		}()
	}
	loadStart := time.Now()
	select {
	case <-killAt:
	case <-time.After(3 * time.Second):
	}
	if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-first.done
	wg.Wait()
	mu.Lock()
	t.Logf("killed with -9 after %s: %d acknowledged assertions and %d credentials",
		time.Since(loadStart).Round(time.Millisecond), len(ackedAssertions), len(ackedCredentials))
	mu.Unlock()
	if len(ackedAssertions) == 0 {
		t.Fatal("no write was acknowledged before the kill")
	}

	restarted := startProc(t, bin, true, args...)
	api = restarted.url + "/api/credentials/orgs/acme/users/admin/"
	for _, id := range ackedAssertions {
		if st := getStatus(t, hc, api+"assertions/"+id); st != 200 {
			t.Errorf("acknowledged assertion %s: GET %d after restart", id, st)
		}
	}
	for _, id := range ackedCredentials {
		if st := getStatus(t, hc, api+id); st != 200 {
			t.Errorf("acknowledged credential %s: GET %d after restart", id, st)
		}
	}

	// No half operations: every stored assertion is indexed under its
	// credential and its credential exists.
	req, _ := http.NewRequest(http.MethodGet, restarted.url+"/_fake/state", nil)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var st state.State
	err = json.NewDecoder(resp.Body).Decode(&st)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	stored := st.Buckets["cred.assertions"]
	if len(stored) < len(ackedAssertions) {
		t.Errorf("%d assertions stored, fewer than the %d acknowledged", len(stored), len(ackedAssertions))
	}
	indexed := map[string]bool{}
	for _, v := range st.Buckets["cred.assertions_by_credential"] {
		var id string
		_ = json.Unmarshal(v, &id)
		// An index value is the entityId, then filter fields after a NUL.
		id, _, _ = strings.Cut(id, "\x00")
		indexed[id] = true
	}
	for id, raw := range stored {
		var a struct {
			CredentialID string `json:"credential_id"`
		}
		if err := json.Unmarshal(raw, &a); err != nil {
			t.Fatal(err)
		}
		if _, ok := st.Buckets["cred.credentials"][a.CredentialID]; !ok {
			t.Errorf("assertion %s refers to missing credential %s", id, a.CredentialID)
		}
		if !indexed[id] {
			t.Errorf("assertion %s is stored but not indexed under its credential", id)
		}
	}
	if len(indexed) != len(stored) {
		t.Errorf("%d index entries for %d assertions", len(indexed), len(stored))
	}

	// A clean stop closes the file, which then passes bbolt's check.
	if err := restarted.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-restarted.done:
	case <-time.After(10 * time.Second):
		t.Fatal("iblfake did not stop on SIGTERM")
	}
	b, err := store.OpenBolt(db)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Check(); err != nil {
		t.Errorf("bbolt check after the crash and restart: %v", err)
	}
}
