package fake_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"text/template"
	"time"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/serve"
)

// chaosDir holds the malformed requests TestChaos sends, one per file.
//
// A file is a raw HTTP/1.1 request after a few "# " lines:
//
//	# What the case is about (free text).
//	# expect: STATUS SHAPE     STATUS a number or "close" (no answer at all);
//	#                          SHAPE json (a JSON object), django-404 or
//	#                          django-400 (Django's HTML pages), transport
//	#                          (net/http's plain text) or empty
//	# contains: TEXT           optional, repeatable: the body holds TEXT
//	# mode: MODE               optional: half-close (close the write side after
//	#                          sending), slow-head (send the head one byte at a
//	#                          time, never finishing it), slow-body (send the
//	#                          head and half the body, then stall), no-end (no
//	#                          blank line after the head)
//
// The file is a text/template first ({{repeat "[" 65}}, {{add .MaxBodyBytes 1}},
// {{chunked "..."}}), so large inputs are made at test time. Head lines are
// sent with CRLF; a "Content-Length: auto" header is set to the body's length.
const chaosDir = "../testdata/chaos"

type chaosCase struct {
	name, about string
	status      int // 0: the connection closes without an answer
	shape       string
	contains    []string
	mode        string
	head, body  []byte
}

// chaosLimits are the default limits with short timeouts, so the slow cases
// take about a second.
func chaosLimits() serve.Limits {
	l := serve.DefaultLimits()
	l.ReadHeaderTimeout = 500 * time.Millisecond
	l.ReadTimeout = time.Second
	return l
}

func loadChaosCase(t *testing.T, path string, data any) chaosCase {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := template.New(filepath.Base(path)).Funcs(template.FuncMap{
		"repeat": strings.Repeat,
		"add":    func(a, b int) int { return a + b },
		"chunked": func(s string) string {
			return fmt.Sprintf("%x\r\n%s\r\n0\r\n\r\n", len(s), s)
		},
	}).Parse(string(raw))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var buf bytes.Buffer
	if err := tpl.Execute(&buf, data); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	cc := chaosCase{name: strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))}
	text := buf.Bytes()
	for bytes.HasPrefix(text, []byte("#")) {
		line, rest, _ := bytes.Cut(text, []byte("\n"))
		text = rest
		key, val, ok := strings.Cut(strings.TrimSpace(strings.TrimPrefix(string(line), "#")), ":")
		val = strings.TrimSpace(val)
		switch {
		case !ok:
			cc.about += strings.TrimSpace(strings.TrimPrefix(string(line), "#")) + " "
		case key == "expect":
			st, shape, _ := strings.Cut(val, " ")
			cc.shape = strings.TrimSpace(shape)
			if st != "close" {
				if cc.status, err = strconv.Atoi(st); err != nil {
					t.Fatalf("%s: expect %q", path, val)
				}
			}
		case key == "contains":
			cc.contains = append(cc.contains, val)
		case key == "mode":
			cc.mode = val
		default:
			cc.about += strings.TrimSpace(strings.TrimPrefix(string(line), "#")) + " "
		}
	}
	if cc.shape == "" && cc.status != 0 {
		t.Fatalf("%s: no \"# expect: STATUS SHAPE\" line", path)
	}
	head, body, hasEnd := bytes.Cut(text, []byte("\n\n"))
	if !hasEnd {
		head = bytes.TrimRight(head, "\n")
	}
	body = bytes.TrimSuffix(body, []byte("\n"))
	lines := strings.Split(string(head), "\n")
	for i, l := range lines {
		if strings.EqualFold(l, "Content-Length: auto") {
			lines[i] = "Content-Length: " + strconv.Itoa(len(body))
		}
	}
	cc.head = []byte(strings.Join(lines, "\r\n") + "\r\n")
	if hasEnd && cc.mode != "no-end" {
		cc.head = append(cc.head, "\r\n"...)
	}
	cc.body = body
	return cc
}

// send writes the case over a new connection as its mode says and returns
// the answer (nil when the server closed without one).
func (cc chaosCase) send(t *testing.T, addr string) (*http.Response, []byte) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	var wg sync.WaitGroup
	wg.Add(1)
	stop := make(chan struct{})
	go func() {
		// Written alongside the read, so an answer that comes before the
		// whole request is sent (a 413) is never stuck behind the write.
		defer wg.Done()
		switch cc.mode {
		case "slow-head":
			// The bytes stop well before the read-header timeout and the
			// head stays unfinished: a byte arriving after the server has
			// answered and closed would make its kernel reset the
			// connection, and the reset can overtake the answer.
			quiet := time.Now().Add(chaosLimits().ReadHeaderTimeout * 3 / 5)
			for _, b := range cc.head[:len(cc.head)-2] {
				if time.Now().After(quiet) {
					break
				}
				select {
				case <-stop:
					return
				case <-time.After(50 * time.Millisecond):
				}
				if _, err := conn.Write([]byte{b}); err != nil {
					return
				}
			}
		case "slow-body":
			_, _ = conn.Write(append(cc.head, cc.body[:len(cc.body)/2]...))
		default:
			_, _ = conn.Write(append(bytes.Clone(cc.head), cc.body...))
			if cc.mode == "half-close" {
				_ = conn.(*net.TCPConn).CloseWrite()
			}
		}
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	var body []byte
	if err == nil {
		body, err = io.ReadAll(resp.Body)
	}
	close(stop)
	wg.Wait()
	switch {
	case resp == nil && (errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)):
		return nil, nil
	case err != nil:
		t.Fatalf("reading the answer: %v", err)
	}
	return resp, body
}

func TestChaos(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join(chaosDir, "*.http"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no chaos cases in %s (%v)", chaosDir, err)
	}
	var logs syncBuffer
	const maxBody = 10 << 20
	srv, err := fake.New(fake.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))), fake.WithMaxBodyBytes(maxBody))
	if err != nil {
		t.Fatal(err)
	}
	limits := chaosLimits()
	ts := httptest.NewUnstartedServer(srv.Handler())
	ts.Config = limits.HTTPServer(srv.Handler())
	ts.Config.ErrorLog = nil
	ts.Start()
	t.Cleanup(func() { ts.Close(); _ = srv.Close() })
	addr := ts.Listener.Addr().String()
	data := map[string]int{"MaxBodyBytes": maxBody, "MaxHeaderBytes": limits.MaxHeaderBytes}

	for _, f := range files {
		cc := loadChaosCase(t, f, data)
		t.Run(cc.name, func(t *testing.T) {
			start := time.Now()
			status, shape, body := describeAnswer(cc.send(t, addr))
			t.Logf("%s-> %d %s in %v: %.160q", cc.about, status, shape, time.Since(start).Round(time.Millisecond), body)
			if status >= 500 {
				t.Errorf("status %d, never a 5xx; body %.300q", status, body)
			}
			if status != cc.status || shape != cc.shape {
				t.Errorf("answer %d %s, want %d %s; body %.300q", status, shape, cc.status, cc.shape, body)
			}
			for _, want := range cc.contains {
				if !strings.Contains(string(body), want) {
					t.Errorf("body %.300q does not contain %q", body, want)
				}
			}
			stillServes(t, ts.URL)
		})
	}
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, "level=ERROR") {
			t.Errorf("the server logged an error: %s", line)
		}
	}
}

// describeAnswer returns an answer's status (0 for none) and the shape of
// its body.
func describeAnswer(resp *http.Response, body []byte) (int, string, []byte) {
	if resp == nil {
		return 0, "", nil
	}
	ct := resp.Header.Get("Content-Type")
	var obj map[string]any
	switch {
	case len(body) == 0:
		return resp.StatusCode, "empty", body
	case strings.HasPrefix(ct, "application/json") && json.Unmarshal(body, &obj) == nil:
		return resp.StatusCode, "json", body
	case strings.HasPrefix(ct, "text/html") && bytes.Contains(body, []byte("<h1>Not Found</h1>")):
		return resp.StatusCode, "django-404", body
	case strings.HasPrefix(ct, "text/html") && bytes.Contains(body, []byte("<h1>Bad Request (400)</h1>")):
		return resp.StatusCode, "django-400", body
	case strings.HasPrefix(ct, "text/plain") && bytes.HasPrefix(body, []byte(strconv.Itoa(resp.StatusCode)+" ")):
		return resp.StatusCode, "transport", body
	}
	return resp.StatusCode, "other(" + ct + ")", body
}

// stillServes checks the fake answers its health and a vendor list on new
// connections.
func stillServes(t *testing.T, base string) {
	t.Helper()
	for _, path := range []string{"/_fake/health", "/api/credentials/orgs/acme/users/admin/issuers/"} {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		req.Header.Set("Authorization", "Token chaos")
		req.Close = true
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("the fake stopped serving: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s afterwards: %d, want 200", path, resp.StatusCode)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
