package parity_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iblfake/iblfake/cassette"
	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/contract"
	"github.com/iblfake/iblfake/parity"
	"github.com/iblfake/iblfake/spec"
)

// recordings holds cassettes the fake must keep matching: recordings of
// real tenants that settled a correction (README, "Check the fake against
// your tenant"), and fake-session.jsonl, the session of
// internal/paritytest recorded against the fake itself.
const recordings = "../testdata/recordings"

// TestRecordings verifies every cassette under testdata/recordings: each
// must replay with every exchange matching. With
// IBLFAKE_RECORDINGS_UPDATE=1 it first records fake-session.jsonl anew.
func TestRecordings(t *testing.T) {
	if os.Getenv("IBLFAKE_RECORDINGS_UPDATE") != "" {
		up := fake.NewTestServer(t, fake.WithSeed(7))
		tape := recordSession(t, up.URL, []string{"email"}, "acme")
		b, err := os.ReadFile(tape)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(recordings, "fake-session.jsonl"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(recordings, "*.jsonl"))
	if len(files) == 0 {
		t.Fatalf("no cassettes under %s, want at least fake-session.jsonl", recordings)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			rep := verify(t, f, parity.Options{})
			if !rep.OK() || rep.Torn != nil {
				t.Errorf("got %d differing, torn %v:\n%s%v", rep.Differing, rep.Torn, table(rep), rep.Differences)
			}
		})
	}
}

// TestFakeAndProxyResolveAlike: every request of every cassette under
// testdata/recordings, and each of them with its path's last character
// dropped and its method changed, is resolved to the same operation by the
// fake (its real handler, as its journal names the operation) and by the
// proxy's contract check (contract.Find), which share one resolver.
func TestFakeAndProxyResolveAlike(t *testing.T) {
	srv := fake.NewTestServer(t, fake.WithSeed(7))
	hc := *srv.Client
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	doc := contract.New(spec.MustLoad())
	files, _ := filepath.Glob(filepath.Join(recordings, "*.jsonl"))
	n := 0
	for _, f := range files {
		recs, _, err := cassette.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range recs {
			paths := []string{rec.Path, strings.TrimSuffix(rec.Path, "/"), rec.Path + "x/"}
			for _, p := range paths {
				for _, m := range []string{rec.Method, http.MethodGet, http.MethodPatch} {
					req, err := http.NewRequest(m, srv.URL+p, nil)
					if err != nil {
						t.Fatal(err)
					}
					resp, err := hc.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
					e := srv.Journal().Entries()
					got := e[len(e)-1].OperationID
					want := ""
					if mt := doc.Find(m, p); mt != nil {
						want = mt.OperationID
					}
					if got != want {
						t.Errorf("%s %s: the fake served %q, the proxy resolves %q", m, p, got, want)
					}
					n++
				}
			}
		}
	}
	if n < 100 {
		t.Fatalf("compared %d requests; the cassettes hold more", n)
	}
	t.Logf("%d requests resolved alike", n)
}
