package parity_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"net/http/httptest"

	"github.com/iblfake/iblfake/cassette"
	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/paritytest"
	"github.com/iblfake/iblfake/parity"
	"github.com/iblfake/iblfake/proxy"
)

// recordSession records sessions (one per org) through a proxy to
// upstream and returns the cassette's path.
func recordSession(t testing.TB, upstream string, redact []string, orgs ...string) string {
	t.Helper()
	tape := filepath.Join(t.TempDir(), "session.jsonl")
	p, err := proxy.New(proxy.Options{Upstream: upstream, Record: tape, Redact: redact, Sync: cassette.SyncOnClose})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(p.Handler())
	for _, org := range orgs {
		paritytest.Session(paritytest.NewClient(t, hs.URL), org, "learner@"+org+".example")
	}
	hs.Close()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	return tape
}

func verify(t testing.TB, tape string, o parity.Options) *parity.Report {
	t.Helper()
	rep, err := parity.VerifyFile(context.Background(), tape, o)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func table(r *parity.Report) string {
	var b strings.Builder
	_ = r.WriteTable(&b)
	return b.String()
}

// TestTheFakeVerifiesClean: a session recorded against an upstream that
// is the fake (seeded apart from verify's own, so every id differs and
// must be mapped) replays with every exchange matching.
func TestTheFakeVerifiesClean(t *testing.T) {
	up := fake.NewTestServer(t, fake.WithSeed(7))
	for _, tc := range []struct {
		name   string
		redact []string
	}{
		{"as recorded", nil},
		// Placeholders are stable, so the redacted recording still reads
		// the learner it made. (Not "name": the session searches images
		// by a part of one, which a placeholder no longer has.)
		{"redacted", []string{"email", "identity", "user_id"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tape := recordSession(t, up.URL, tc.redact, "acme-"+strings.ReplaceAll(tc.name, " ", "-"))
			rep := verify(t, tape, parity.Options{})
			if !rep.OK() || rep.Matching != rep.Exchanges || rep.Exchanges < 20 {
				t.Errorf("got %d of %d matching, want all:\n%s%v", rep.Matching, rep.Exchanges, table(rep), rep.Differences)
			}
			if rep.StateDivergedAt != 0 {
				t.Errorf("got the state diverging at line %d, want never", rep.StateDivergedAt)
			}
		})
	}
}

// TestADeviatingUpstreamFailsNamingEachDeviation: the recording of the
// deviating upstream differs in exactly the four operations it deviates
// in, each one's first difference naming the deviation.
func TestADeviatingUpstreamFailsNamingEachDeviation(t *testing.T) {
	hs, srv, err := paritytest.DeviatingUpstream()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	defer hs.Close()
	rep := verify(t, recordSession(t, hs.URL, nil, "acme"), parity.Options{})
	if rep.OK() {
		t.Fatalf("got OK, want differences:\n%s", table(rep))
	}
	want := map[string]string{}
	for _, d := range paritytest.Deviations {
		want[d.OperationID] = d.Difference
	}
	got := map[string][]string{}
	for _, d := range rep.Differences {
		got[d.OperationID] = append(got[d.OperationID], d.What)
	}
	for op, what := range want {
		if !contains(got[op], what) {
			t.Errorf("%s: got %q, want %q among them", op, got[op], what)
		}
	}
	for op := range got {
		if _, ok := want[op]; !ok {
			t.Errorf("got differences %q in %s, which does not deviate", got[op], op)
		}
	}
	for _, o := range rep.Operations {
		if _, deviates := want[o.OperationID]; deviates != (o.Differing > 0) {
			t.Errorf("%s: got %d differing, want differences only where the upstream deviates", o.OperationID, o.Differing)
		}
	}
	if s := table(rep); !strings.Contains(s, "credentials_orgs_users_assertions_create") || !strings.Contains(s, "status: recorded 201, fake 200") {
		t.Errorf("got table\n%s\nwant the 201 named in it", s)
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// TestComparisons feeds hand-written records to verify, each deviating
// from what the fake answers in one way.
func TestComparisons(t *testing.T) {
	b := "/api/credentials/orgs/acme/users/admin/"
	issuerBody := `{"name":"Acme","url":null}`
	issuerAnswer := func(fields string) string {
		return `{"status":{"success":true,"description":"Created"},"result":{"name":"Acme","org":"acme","entityId":"REC1","signatories":[],` + fields + `}}`
	}
	for _, tc := range []struct {
		name    string
		records []string // cassette lines: method path status request-json response-json
		want    []string // every difference's What, in order
	}{
		{"ids, nulls and values that match", []string{
			rec("POST", b+"issuers/", 200, issuerBody, issuerAnswer(`"url":null,"iconImage":null,"allowed_template_tags":[]`)),
			rec("GET", b+"issuers/REC1", 200, "", `[{"name":"Acme","org":"acme","entityId":"REC1","signatories":[],"url":null,"iconImage":null,"allowed_template_tags":[]}]`),
		}, nil},
		{"null where the fake has a value, and a wrong value", []string{
			rec("POST", b+"issuers/", 200, issuerBody, issuerAnswer(`"url":null,"iconImage":null,"allowed_template_tags":null`)),
			rec("GET", b+"issuers/REC1", 200, "", `[{"name":"Acme Inc","org":"acme","entityId":"REC1","signatories":[],"url":null,"iconImage":null,"allowed_template_tags":[]}]`),
		}, []string{
			"/result/allowed_template_tags: type: recorded null, fake array",
			`/0/name: value: recorded "Acme Inc", fake "Acme"`,
		}},
		{"a recorded id is compared with its twin", []string{
			rec("POST", b+"issuers/", 200, issuerBody, issuerAnswer(`"url":null,"iconImage":null,"allowed_template_tags":[]`)),
			rec("POST", b+"issuers/", 200, `{"name":"Other"}`, strings.Replace(strings.Replace(issuerAnswer(`"url":null,"iconImage":null,"allowed_template_tags":[]`), "REC1", "REC2", 1), `"Acme"`, `"Other"`, 1)),
			// Recorded: reading REC2 answered REC1. The fake answers REC2's twin.
			rec("GET", b+"issuers/REC2", 200, "", `[{"name":"Acme","org":"acme","entityId":"REC1","signatories":[],"url":null,"iconImage":null,"allowed_template_tags":[]}]`),
		}, []string{
			"/0/entityId: id: recorded REC1 (the fake's twin: \x00), fake \x00",
			`/0/name: value: recorded "Acme", fake "Other"`,
		}},
		{"an error shape and message", []string{
			rec("POST", b, 400, `{"issuer":"nope"}`, `{"name":["This field is required."]}`),
			rec("GET", b+"NOPE", 404, "", `{"detail":"Not found."}`),
			rec("GET", b+"NOPE2", 404, "", `{"error":"not found"}`),
		}, []string{
			"/error: key missing in the fake's answer (recorded string)",
			"/detail: key not in the recorded answer (fake string)",
		}},
		{"a body of another kind, an integer where the fake has a fraction", []string{
			rec("GET", b+"NOPE", 404, "", `"<html>"`),
			rec("GET", b+"assertions-over-time/", 200, "", `{"data":{},"total":0.5,"meta":{}}`),
		}, []string{
			`(root): type: recorded string, fake object`,
			"\x01",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tape := filepath.Join(t.TempDir(), "c.jsonl")
			_ = os.WriteFile(tape, []byte(strings.Join(tc.records, "\n")+"\n"), 0o600)
			rep := verify(t, tape, parity.Options{})
			var got []string
			for _, d := range rep.Differences {
				got = append(got, d.What)
			}
			if len(got) < len(tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
			for i, w := range tc.want {
				if w == "\x01" { // only that something differs here
					continue
				}
				if strings.Contains(w, "\x00") {
					parts := strings.Split(w, "\x00")
					if !strings.HasPrefix(got[i], parts[0]) || !strings.Contains(got[i], parts[1]) {
						t.Errorf("difference %d: got %q, want %q", i, got[i], w)
					}
					continue
				}
				if got[i] != w {
					t.Errorf("difference %d: got %q, want %q", i, got[i], w)
				}
			}
			if tc.want == nil && !rep.OK() {
				t.Errorf("got %q, want no difference", got)
			}
		})
	}
}

var seq atomic.Int64

func rec(method, path string, status int, reqJSON, respJSON string) string {
	r := cassette.Record{V: 1, Seq: seq.Add(1), Time: time.Now().UTC(), Method: method, Path: path, Status: status}
	if i := strings.IndexByte(path, '?'); i >= 0 {
		r.Path, r.Query = path[:i], path[i+1:]
	}
	if reqJSON != "" {
		r.Request.Header = map[string]string{"Content-Type": "application/json"}
		r.Request.SetBody([]byte(reqJSON))
	}
	r.Response.Header = map[string]string{"Content-Type": "application/json"}
	r.Response.SetBody([]byte(respJSON))
	var buf bytes.Buffer
	w := &buf
	enc := jsonEncoder(w)
	_ = enc.Encode(&r)
	return strings.TrimRight(buf.String(), "\n")
}

// TestATornCassetteVerifies: a cassette cut mid-line by a kill replays
// up to the cut; the torn line is reported, not an error.
func TestATornCassetteVerifies(t *testing.T) {
	up := fake.NewTestServer(t, fake.WithSeed(7))
	tape := recordSession(t, up.URL, nil, "acme")
	raw, _ := os.ReadFile(tape)
	cut := raw[:len(raw)-40]
	_ = os.WriteFile(tape, cut, 0o600)
	rep := verify(t, tape, parity.Options{})
	lines := bytes.Count(cut, []byte("\n"))
	if rep.Torn == nil || rep.Torn.Line != lines+1 || rep.Exchanges != lines || !rep.OK() {
		t.Errorf("got torn %+v, %d exchanges (%d matching); want line %d torn and %d clean exchanges", rep.Torn, rep.Exchanges, rep.Matching, lines+1, lines)
	}
	if !strings.Contains(table(rep), "is torn") {
		t.Errorf("got\n%s\nwant the torn line in the table", table(rep))
	}
}

// TestUpstreamFailuresAreSkipped: a record of a 502 or 504 the proxy made
// itself says nothing about the real service. (A cassette of nothing
// else compares nothing: TestAnEmptyCassetteIsAnError.)
func TestUpstreamFailuresAreSkipped(t *testing.T) {
	tape := filepath.Join(t.TempDir(), "c.jsonl")
	r := cassette.Record{V: 1, Seq: 1, Method: "GET", Path: "/api/credentials/orgs/acme/users/admin/issuers/", Status: 504,
		Error: "timeout after 30s", OperationID: "credentials_orgs_users_issuers_retrieve"}
	r.Response.SetBody([]byte(`{"detail":"The upstream did not answer within 30s."}`))
	var buf bytes.Buffer
	_ = jsonEncoder(&buf).Encode(&r)
	buf.WriteString(rec("GET", "/api/credentials/orgs/acme/users/admin/NOPE", 404, "", `{"detail":"Not found."}`) + "\n")
	_ = os.WriteFile(tape, buf.Bytes(), 0o600)
	rep := verify(t, tape, parity.Options{})
	if rep.Skipped != 1 || rep.Differing != 0 || rep.Matching != 1 {
		t.Errorf("got %+v, want the exchange skipped and the other matching", rep)
	}
	for _, o := range rep.Operations {
		if o.OperationID == r.OperationID && o.Skipped != 1 {
			t.Errorf("got %+v, want the exchange skipped", o)
		}
	}
}

// TestAgainstARunningFake replays against another fake's URL.
func TestAgainstARunningFake(t *testing.T) {
	up := fake.NewTestServer(t, fake.WithSeed(7))
	tape := recordSession(t, up.URL, nil, "acme")
	target := fake.NewTestServer(t)
	rep := verify(t, tape, parity.Options{Against: target.URL})
	if !rep.OK() {
		t.Errorf("got\n%s%v\nwant every exchange matching", table(rep), rep.Differences)
	}
	if n := target.Journal().Total(); n != uint64(rep.Exchanges) {
		t.Errorf("got %d requests at the target, want %d", n, rep.Exchanges)
	}
}

// TestALongCassette records sessions for many orgs and verifies them:
// 10,000 exchanges with IBLFAKE_PARITY_EXCHANGES=10000 (about 2,000 by
// default, to keep go test ./... quick), logging the time verify takes
// and the heap it peaks at.
func TestALongCassette(t *testing.T) {
	want := 2000
	if v := os.Getenv("IBLFAKE_PARITY_EXCHANGES"); v != "" {
		want, _ = strconv.Atoi(v)
	}
	if testing.Short() {
		want = 300
	}
	up := fake.NewTestServer(t, fake.WithSeed(7), fake.WithJournalSize(1))
	var orgs []string
	for i := 0; len(orgs)*26 < want; i++ {
		orgs = append(orgs, fmt.Sprintf("org-%04d", i))
	}
	began := time.Now()
	tape := recordSession(t, up.URL, nil, orgs...)
	recorded := time.Since(began)
	st, _ := os.Stat(tape)
	runtime.GC()
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() { // sample the heap while verify runs
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	rep := verify(t, tape, parity.Options{})
	close(done)
	if !rep.OK() || rep.Exchanges < want {
		t.Fatalf("got %d of %d matching (wanted at least %d exchanges):\n%s", rep.Matching, rep.Exchanges, want, table(rep))
	}
	t.Logf("%d exchanges (%d orgs), cassette %.1f MiB, recorded through the proxy in %v; verify took %v, peak heap in use %.1f MiB",
		rep.Exchanges, len(orgs), float64(st.Size())/(1<<20), recorded.Round(time.Millisecond), rep.Duration.Round(time.Millisecond),
		float64(peak.Load())/(1<<20))
}
