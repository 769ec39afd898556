package parity_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iblfake/iblfake/cassette"
	"github.com/iblfake/iblfake/parity"
	"github.com/iblfake/iblfake/spec"
)

// hostileCassette is one cassette of the corpus: its records (as
// cassette lines) and what verify must do with it.
type hostileCassette struct {
	class string
	text  string
	// refusedLine is the line verify must refuse (0: none); wantErr a
	// part of the error it must give instead (an empty cassette).
	refusedLine int
	wantErr     string
}

// TestVerifyHostileCorpus replays the hostile test of verify (v2, H3, L4
// and the line-length note) as a generated corpus of malicious cassettes
// against a running fake, with a listener beside it that must receive
// nothing:
//
//   - off-host: paths that would leave the fake ("@host", "//host",
//     absolute URLs, backslashes, a bare "host:port", "%2F%2F"), to the
//     listener, by IP, name and decimal address;
//   - admin: /_fake in any case and escape, behind dot segments, and
//     with every tail (reset, clock, scenarios);
//   - control: CR, LF, NUL, tab, space, DEL, backslash, # and ?, raw and
//     escaped, in the path; CR/LF, space, NUL and # in the query; CR/LF
//     in the Content-Type; methods that are no HTTP token;
//   - headers a cassette could steer by (Host, X-Forwarded-*, Prefer,
//     X-Fake-*, Cookie, Authorization): replayed without them;
//   - lines: empty, blank, a torn line only, upstream failures only, a
//     line over the limit;
//
// each after 0 to 2 ordinary records. It fails unless every malicious
// record is refused naming its line, the listener got no connection, the
// fake got no request to /_fake, no steering header and no request that
// gave a 5xx, still holds what it held, and no replay took over 10 s (a
// hang). IBLFAKE_HOSTILE=full runs every combination after 0, 1 and 2
// ordinary records, 5,000 random mutations of them, and a line of over
// 256 MiB at the default limit; the default is a sample of about 300.
func TestVerifyHostileCorpus(t *testing.T) {
	full := os.Getenv("IBLFAKE_HOSTILE") == "full"
	can := newCanary(t)
	target := newWatchedFake(t)
	sp, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(2026, 20))
	corpus := hostileCorpus(can.addr)
	if full {
		for i := range 5000 {
			corpus = append(corpus, mutate(rng, corpus[i%len(corpus)]))
		}
	} else {
		sample := corpus[:0:0]
		for i, c := range corpus {
			if i%3 == 0 || c.class == "lines" {
				sample = append(sample, c)
			}
		}
		corpus = sample
	}
	ok := rec("GET", "/api/credentials/orgs/acme/users/admin/NOPE", 404, "", `{"detail":"Not found."}`) + "\n"
	counts := map[string]int{}
	var fails []string
	var slowest time.Duration
	dir := t.TempDir()
	for i, c := range corpus {
		prefixes := []int{i % 3}
		switch {
		case strings.Contains(c.wantErr, "holds no exchange"):
			prefixes = []int{0} // after a record it holds one
		case full:
			prefixes = []int{0, 1, 2}
		}
		for _, pre := range prefixes {
			text := strings.Repeat(ok, pre) + c.text
			tape := filepath.Join(dir, "c.jsonl")
			if err := os.WriteFile(tape, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			began := time.Now()
			_, err := parity.VerifyFile(ctx, tape, parity.Options{Against: target.URL, APIKey: "CI-SECRET-KEY-123", Spec: sp, MaxLineBytes: 64 << 10})
			cancel()
			took := time.Since(began)
			slowest = max(slowest, took)
			counts["cassettes"]++
			counts["records"] += pre + strings.Count(c.text, "\n")
			wantErr := c.wantErr
			if c.refusedLine > 0 {
				wantErr = fmt.Sprintf("cassette line %d refused", pre+c.refusedLine)
			}
			switch {
			case took > 10*time.Second:
				fails = append(fails, fmt.Sprintf("%s: took %v (a hang)", c.class, took))
			case wantErr == "" && c.class == "random":
				if err != nil {
					counts["random refused"]++
				}
			case wantErr == "" && err != nil && !strings.Contains(err.Error(), "holds no exchange"):
				fails = append(fails, fmt.Sprintf("%s %.200q: got %v, want it replayed", c.class, c.text, err))
			case wantErr != "" && (err == nil || !strings.Contains(err.Error(), wantErr)):
				fails = append(fails, fmt.Sprintf("%s %.200q after %d records: got %v, want %q", c.class, c.text, pre, err, wantErr))
			case err != nil:
				counts["refused"]++
			}
		}
	}
	if full {
		if err := overlongLine(t, target.URL, sp); err != nil {
			fails = append(fails, err.Error())
		}
		counts["cassettes"]++
	}
	counts["requests sent to the fake"] = int(target.requests.Load())
	counts["connections to the listener"] = int(can.conns.Load())
	counts["requests to /_fake"] = int(target.admin.Load())
	counts["5xx from the fake"] = int(target.fivexx.Load())
	t.Logf("%d cassettes (%d records): %d refused, %d random ones refused; %d requests sent to the fake, %d to the listener, %d to /_fake, %d 5xx; slowest replay %v",
		counts["cassettes"], counts["records"], counts["refused"], counts["random refused"], counts["requests sent to the fake"],
		counts["connections to the listener"], counts["requests to /_fake"], counts["5xx from the fake"], slowest.Round(time.Millisecond))
	for i, f := range fails {
		if i == 30 {
			t.Errorf("... and %d more", len(fails)-30)
			break
		}
		t.Error(f)
	}
	if counts["5xx from the fake"] > 0 {
		t.Errorf("got %d 5xx answers from the fake, want none", counts["5xx from the fake"])
	}
	can.check(t)
	target.check(t)
}

// hostileRecord is one record as a cassette line, path and all.
func hostileRecord(method, path, query string, header map[string]string) string {
	r := cassette.Record{V: 1, Seq: 1, Time: time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC), Method: method, Path: path, Query: query, Status: 200}
	r.Request.Header = header
	r.Request.SetBody([]byte(`{"exfil":"yes"}`))
	r.Response.SetBody([]byte(`{"stolen":false}`))
	b, _ := json.Marshal(r)
	return string(b) + "\n"
}

// hostileCorpus is every combination of the classes TestVerifyHostileCorpus
// names, aimed at the listener at addr.
func hostileCorpus(addr string) []hostileCassette {
	var out []hostileCassette
	refuse := func(class, method, path, query string, header map[string]string) {
		out = append(out, hostileCassette{class: class, text: hostileRecord(method, path, query, header), refusedLine: 1})
	}
	_, port, _ := strings.Cut(addr, ":")
	hosts := []string{addr, "localhost:" + port, "127.1:" + port, "2130706433:" + port, "[::1]:" + port}
	for _, pre := range []string{"@", "//", "http://", "https://", "HTTP://", `\\`, `/\`, `\/`, "/\\\\", "", ":", "%2F%2F", "user:pw@"} {
		for _, h := range hosts {
			for _, suf := range []string{"/latest/meta-data/iam", "", "/_fake/reset"} {
				refuse("off-host", "POST", pre+h+suf, "", nil)
			}
		}
	}
	for _, before := range []string{"", "/api/..", "/.", "/api/%2e%2e", "/api/%2E%2E", "/api/./.."} {
		for _, name := range []string{"_fake", "_FAKE", "_Fake", "%5Ffake", "%5ffake", "_%66ake", "%5F%66%61%6B%65"} {
			for _, after := range []string{"", "/", "/reset", "/clock", "/scenarios", "%2Freset", ";x/reset"} {
				refuse("admin", "POST", before+"/"+name+after, "", nil)
			}
		}
	}
	const p = "/api/credentials/orgs/acme/users/admin/issuers/"
	for _, inj := range []string{"\r\n", "\n", "\r", "\x00", "\t", " ", "\x7f", `\`, "#", "?", "%0d%0a", "%0A", "%00", "%5c", "%5C", "%09", "%7f"} {
		for _, at := range []int{1, 5, len(p) - 1} {
			refuse("control", "GET", p[:at]+inj+p[at:], "", nil)
		}
		refuse("control", "GET", p+inj+"Host: "+addr, "", nil)
	}
	for _, q := range []string{"a=1\r\nHost: " + addr, "a=1#f", "a=1 2", "a=\x00", "a=1\n"} {
		refuse("control", "GET", p, q, nil)
	}
	refuse("control", "POST", p, "", map[string]string{"Content-Type": "application/json\r\nHost: " + addr})
	for _, m := range []string{"GéT", "GET /x", "G\rET", "", "GET\n", "GE T", "G@T"} {
		refuse("method", m, p, "", nil)
	}
	// Allowed, and sent to the fake only: what looks like a host in a
	// path segment or a query is data there.
	for _, c := range []struct{ path, query string }{
		{"/api/credentials/orgs/acme@" + addr + "/users/admin/issuers/", ""},
		{"/api/credentials/orgs/acme/users/admin/issuers/", "next=http://" + addr + "/&x=@" + addr},
		{"/api/credentials/orgs/%2F%2F" + addr + "/users/admin/issuers/", ""},
		{"/api/_fake/reset", ""},
	} {
		out = append(out, hostileCassette{class: "allowed", text: hostileRecord("GET", c.path, c.query, nil)})
	}
	out = append(out, hostileCassette{class: "headers", text: hostileRecord("GET", p, "", map[string]string{
		"Content-Type": "application/json", "Host": addr, "X-Forwarded-For": "1.2.3.4", "X-Forwarded-Host": addr,
		"Prefer": "code=500", "X-Fake-Scenario": "evil", "Cookie": "sessionid=x", "Authorization": "Basic eDp5", "X-Evil": "1"})})
	skipped := `{"v":1,"seq":1,"method":"GET","path":"` + p + `","request":{},"status":502,"response":{},"error":"refused"}` + "\n"
	for _, c := range []struct{ text, want string }{
		{"", "holds no exchange"},
		{"\n \n\t\n", "holds no exchange"},
		{`{"v":1,"seq":1,"method":"POST","path":"/_fa`, "holds no exchange"},
		{skipped + skipped, "holds no exchange the upstream answered"},
		{hostileRecord("POST", p, "", nil)[:40] + strings.Repeat("x", 70_000) + "\n", "is longer than 65536 bytes"},
	} {
		out = append(out, hostileCassette{class: "lines", text: c.text, wantErr: c.want})
	}
	return out
}

// mutate changes a corpus cassette's record at random: a character
// percent-encoded (either case), one dropped or doubled, a letter's case
// flipped, or a control character, backslash or "@" put in. Whether the
// result is refused is not known; only that it sends nowhere else.
func mutate(rng *rand.Rand, c hostileCassette) hostileCassette {
	var r cassette.Record
	if c.class == "lines" || json.Unmarshal([]byte(strings.TrimSpace(c.text)), &r) != nil {
		return c
	}
	for range 1 + rng.IntN(3) {
		s := r.Path
		if rng.IntN(4) == 0 {
			s = r.Query
		}
		if s == "" {
			s = "/"
		}
		i := rng.IntN(len(s))
		switch rng.IntN(6) {
		case 0:
			enc := fmt.Sprintf("%%%02X", s[i])
			if rng.IntN(2) == 0 {
				enc = strings.ToLower(enc)
			}
			s = s[:i] + enc + s[i+1:]
		case 1:
			s = s[:i] + s[i+1:]
		case 2:
			s = s[:i] + s[i:i+1] + s[i:]
		case 3:
			b := []byte(s)
			b[i] ^= 0x20
			s = string(b)
		case 4:
			s = s[:i] + []string{"\r", "\n", "\x00", `\`, "@", "//", "%2e%2e/", "/../"}[rng.IntN(8)] + s[i:]
		case 5:
			s = []string{"@", "/", "//", "/_fake", "/%5Ffake"}[rng.IntN(5)] + s
		}
		if s == r.Query {
			r.Query = s
		} else {
			r.Path = s
		}
	}
	b, _ := json.Marshal(r)
	return hostileCassette{class: "random", text: string(b) + "\n"}
}

// overlongLine verifies a cassette whose second line is over 256 MiB
// (cassette.MaxLineBytes) at the default limit: an error naming the line,
// after the first line's one request. The file is written in chunks.
func overlongLine(t *testing.T, against string, sp *spec.Spec) error {
	tape := filepath.Join(t.TempDir(), "long.jsonl")
	f, err := os.Create(tape)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	_, _ = w.WriteString(rec("GET", "/api/credentials/orgs/acme/users/admin/NOPE", 404, "", `{"detail":"Not found."}`) + "\n")
	_, _ = w.WriteString(`{"v":1,"seq":2,"method":"GET","path":"/x","request":{},"status":200,"response":{"text":"`)
	chunk := strings.Repeat("y", 1<<20)
	for range cassette.MaxLineBytes>>20 + 1 {
		_, _ = w.WriteString(chunk)
	}
	_, _ = w.WriteString(`"}}` + "\n")
	if err := w.Flush(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	_, err = parity.VerifyFile(context.Background(), tape, parity.Options{Against: against, Spec: sp})
	if want := fmt.Sprintf("cassette line 2 is longer than %d bytes", cassette.MaxLineBytes); err == nil || !strings.Contains(err.Error(), want) {
		return fmt.Errorf("a line of over %d bytes: got %v, want %q", cassette.MaxLineBytes, err, want)
	}
	return nil
}
