package cassette_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/iblfake/iblfake/cassette"
)

func record(seq int64, body string) *cassette.Record {
	r := &cassette.Record{Seq: seq, Time: time.Date(2026, 12, 1, 10, 0, int(seq), 0, time.UTC), Method: "POST",
		Path: "/api/credentials/orgs/acme/users/admin/issuers/", Status: 200, OperationID: "credentials_orgs_users_issuers_create"}
	r.Request.Header = map[string]string{"Content-Type": "application/json"}
	r.Request.SetBody([]byte(`{"name": "Acme"}`))
	r.Response.SetBody([]byte(body))
	return r
}

func TestBodiesRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name  string
		body  []byte
		field string
	}{
		{"JSON is kept as JSON, compacted", []byte("{\n  \"a\": [1, 2]\n}"), "json"},
		{"UTF-8 text as text", []byte("<html><h1>502 Bad Gateway</h1></html>"), "text"},
		{"binary as base64", []byte("GIF89a\x01\x00\xff\xfe"), "base64"},
		{"nothing", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var m cassette.Message
			m.SetBody(tc.body)
			b, _ := json.Marshal(m)
			var back map[string]any
			_ = json.Unmarshal(b, &back)
			if tc.field != "" && back[tc.field] == nil {
				t.Errorf("got %s, want the body in %q", b, tc.field)
			}
			want := tc.body
			if tc.field == "json" {
				want = []byte(`{"a":[1,2]}`)
			}
			if got := m.Body(); !bytes.Equal(got, want) {
				t.Errorf("got body %q, want %q", got, want)
			}
		})
	}
}

func TestAppendThenRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.jsonl")
	w, err := cassette.Create(path, cassette.SyncEach)
	if err != nil {
		t.Fatal(err)
	}
	want := []*cassette.Record{record(1, `{"x":1}`), record(2, `<b>html & "quotes"</b>`), record(3, "")}
	for _, r := range want {
		if err := w.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	if n := bytes.Count(raw, []byte("\n")); n != 3 {
		t.Errorf("got %d lines, want 3: %s", n, raw)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("got mode %v, want 0600: a recording may hold personal data", st.Mode().Perm())
	}
	got, torn, err := cassette.ReadFile(path)
	if err != nil || torn != nil {
		t.Fatalf("got torn %v, err %v, want neither", torn, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

// writeCassette writes n records and returns the file's bytes.
func writeCassette(t *testing.T, path string, n int) []byte {
	t.Helper()
	w, err := cassette.Create(path, cassette.SyncOnClose)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		if err := w.Append(record(int64(i), `{"result": {"name": "Acme"}}`)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	return b
}

// TestTornLastLine cuts a cassette at every byte of its last line, as a
// power cut during the write would: the whole lines before it read, the
// fragment is reported, and the next writer cuts it off and appends on a
// line of its own.
func TestTornLastLine(t *testing.T) {
	dir := t.TempDir()
	full := writeCassette(t, filepath.Join(dir, "full.jsonl"), 3)
	lastStart := bytes.LastIndexByte(full[:len(full)-1], '\n') + 1
	for cut := lastStart + 1; cut < len(full); cut++ {
		path := filepath.Join(dir, "cut-"+strconv.Itoa(cut)+".jsonl")
		if err := os.WriteFile(path, full[:cut], 0o600); err != nil {
			t.Fatal(err)
		}
		got, torn, err := cassette.ReadFile(path)
		if err != nil {
			t.Fatalf("cut at %d: got error %v, want the torn line skipped", cut, err)
		}
		// Cut just before its newline, the last line is a whole record:
		// read, and kept by the next writer.
		whole, dropped := 2, cut-lastStart
		if cut == len(full)-1 {
			whole, dropped = 3, 0
		}
		if len(got) != whole {
			t.Fatalf("cut at %d: got %d records, want %d", cut, len(got), whole)
		}
		if whole == 2 && (torn == nil || torn.Line != 3 || torn.Bytes != dropped) {
			t.Fatalf("cut at %d: got torn %+v, want line 3 of %d bytes", cut, torn, dropped)
		}
		w, err := cassette.Create(path, cassette.SyncEach)
		if err != nil {
			t.Fatal(err)
		}
		if w.Dropped() != int64(dropped) {
			t.Errorf("cut at %d: got %d bytes dropped, want %d", cut, w.Dropped(), dropped)
		}
		if err := w.Append(record(9, `{}`)); err != nil {
			t.Fatal(err)
		}
		_ = w.Close()
		got, torn, err = cassette.ReadFile(path)
		if err != nil || torn != nil || len(got) != whole+1 || got[whole].Seq != 9 {
			t.Fatalf("cut at %d, appended: got %d records, torn %v, err %v; want %d whole ones ending with seq 9", cut, len(got), torn, err, whole+1)
		}
	}
}

// TestDamageInTheMiddleIsAnError: a bad line with lines after it is no
// crash artefact, so the reader names it rather than skip it.
func TestDamageInTheMiddleIsAnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.jsonl")
	full := writeCassette(t, path, 3)
	lines := bytes.SplitAfter(full, []byte("\n"))
	damaged := append(append(append([]byte{}, lines[0]...), []byte("{\"v\":1,\"seq\":\n")...), lines[2]...)
	_ = os.WriteFile(path, damaged, 0o600)
	_, _, err := cassette.ReadFile(path)
	if err == nil || !strings.Contains(err.Error(), "cassette line 2") {
		t.Errorf("got %v, want an error naming line 2", err)
	}
}

func TestOtherVersionIsRefused(t *testing.T) {
	r := cassette.NewReader(strings.NewReader(`{"v":2,"seq":1,"method":"GET","path":"/","status":200}` + "\n"))
	if _, err := r.Next(); err == nil || !strings.Contains(err.Error(), "version 2") {
		t.Errorf("got %v, want a version error", err)
	}
}

// TestKilledWriter kills a process appending records as fast as it can
// and reads what it left: whole records, and at most a torn last line.
func TestKilledWriter(t *testing.T) {
	if path := os.Getenv("CASSETTE_TEST_WRITER"); path != "" {
		w, err := cassette.Create(path, cassette.SyncOnClose)
		if err != nil {
			os.Exit(2)
		}
		big := `{"data": "` + strings.Repeat("x", 64<<10) + `"}`
		for i := int64(1); i < 1_000_000; i++ {
			_ = w.Append(record(i, big))
		}
		os.Exit(0)
	}
	path := filepath.Join(t.TempDir(), "killed.jsonl")
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledWriter$")
	cmd.Env = append(os.Environ(), "CASSETTE_TEST_WRITER="+path)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, err := os.Stat(path)
		if err == nil && st.Size() > 4<<20 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := cassette.NewReader(f)
	n := 0
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("after %d records: %v", n, err)
		}
		n++
		if rec.Seq != int64(n) {
			t.Fatalf("got seq %d, want %d", rec.Seq, n)
		}
	}
	if n == 0 {
		t.Fatal("got no records, want those written before the kill")
	}
	t.Logf("%d whole records before the kill; torn last line: %+v", n, r.Torn())
}

// TestALineOverTheLimitIsRefused (hostile test v2, notes): a reader read a
// line whole however long (a 300 MB line peaked at 1.26 GB). A line over
// the limit is an error naming it, before more than the limit is held;
// lines up to it read, and a torn last line over it is refused too. The
// default limit, MaxLineBytes, is above any line the proxy writes.
func TestALineOverTheLimitIsRefused(t *testing.T) {
	if cassette.MaxLineBytes < (64<<20)*4/3+(10<<20)*4/3 {
		t.Errorf("MaxLineBytes is %d, want it above a 64 MiB answer and a 10 MiB request as base64", cassette.MaxLineBytes)
	}
	line := func(n int) string {
		r := cassette.Record{V: 1, Seq: 1, Method: "GET", Path: "/x"}
		r.Response.SetBody([]byte(`"` + strings.Repeat("y", n) + `"`))
		b, _ := json.Marshal(r)
		return string(b)
	}
	short, long := line(10), line(5000)
	for _, tc := range []struct {
		name, text string
		wantErr    string
		records    int
	}{
		{"lines within the limit", short + "\n" + short + "\n", "", 2},
		{"a long line", short + "\n" + long + "\n" + short + "\n", "cassette line 2 is longer than 4096 bytes", 1},
		{"a long torn last line", short + "\n" + long, "cassette line 2 is longer than 4096 bytes", 1},
		{"a long line of spaces", strings.Repeat(" ", 10000) + "\n", "cassette line 1 is longer than 4096 bytes", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := cassette.NewLimitedReader(strings.NewReader(tc.text), 4096)
			n := 0
			var err error
			for {
				if _, err = r.Next(); err != nil {
					break
				}
				n++
			}
			if n != tc.records || (tc.wantErr == "") != errors.Is(err, io.EOF) || (tc.wantErr != "" && !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("got %d records, then %v; want %d, then %q", n, err, tc.records, tc.wantErr)
			}
		})
	}
}
