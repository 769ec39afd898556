package fake

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/iblfake/iblfake/fake/journal"
	"github.com/iblfake/iblfake/fake/store"
)

// TestServer is a fake served over httptest for one test.
type TestServer struct {
	*Server
	// URL is the base URL, e.g. http://127.0.0.1:41234.
	URL string
	// Client talks to the server.
	Client *http.Client
}

// TB is what NewTestServer needs of a test: *testing.T, *testing.B and
// testing.TB have it. Declared here so that the package, and so the
// production binary, does not link the testing package (httptest does not
// either).
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Cleanup(func())
	TempDir() string
}

// testStore opens the backend IBLFAKE_TEST_STORE names ("memory" or
// "bolt", a file in the test's temporary directory), so one run of the
// suite covers each backend.
func testStore(t TB, name string) (store.Backend, error) {
	switch name {
	case "memory":
		return store.NewMemory(), nil
	case "bolt":
		return store.OpenBolt(filepath.Join(t.TempDir(), "iblfake.db"))
	}
	return nil, fmt.Errorf("unknown backend %q (memory, bolt)", name)
}

// NewTestServer starts a fake for t and stops it when t ends. Every response
// it sends on a vendor route is validated against the corrected document; a
// mismatch fails t. Options are those of New. The environment variable
// IBLFAKE_TEST_STORE=bolt runs it on a bbolt file instead of memory.
func NewTestServer(t TB, opts ...Option) *TestServer {
	t.Helper()
	check := WithResponseValidation(func(r *http.Request, op string, status int, err error) {
		if err != nil {
			t.Errorf("iblfake: %s %s (%s) answered %d, which the document does not allow: %v",
				r.Method, r.URL.Path, op, status, err)
		}
	})
	base := []Option{check}
	if b := os.Getenv("IBLFAKE_TEST_STORE"); b != "" {
		st, err := testStore(t, b)
		if err != nil {
			t.Fatalf("iblfake: IBLFAKE_TEST_STORE=%s: %v", b, err)
		}
		base = append(base, WithStore(st))
	}
	s, err := New(append(base, opts...)...)
	if err != nil {
		t.Fatalf("iblfake: %v", err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		hs.Close()
		_ = s.Close()
	})
	return &TestServer{Server: s, URL: hs.URL, Client: hs.Client()}
}

// Requests returns the requests of the journal m picks (journal.Match:
// operation, tenant, status, method, path), oldest first, each with its
// headers and bodies when the server keeps them (WithJournalBodies).
func (ts *TestServer) Requests(m journal.Match) []journal.Watched { return ts.Journal().Find(m) }

// AssertRequests fails t unless exactly want requests of the journal match
// m, as WireMock's verify does, and returns them. The failure lists what
// the journal holds, the near misses first (the same operation or path
// with another status, tenant or method), so a typo in the test or a
// wrong call in the code shows at once.
func (ts *TestServer) AssertRequests(t TB, m journal.Match, want int) []journal.Watched {
	t.Helper()
	got := ts.Requests(m)
	if len(got) == want {
		return got
	}
	var b strings.Builder
	fmt.Fprintf(&b, "iblfake: %d requests match %s, want %d", len(got), m, want)
	all := ts.Journal().Find(journal.Match{})
	if len(all) == 0 {
		b.WriteString("; the journal is empty")
	} else {
		b.WriteString("; the journal holds:")
		near := func(e journal.Entry) bool {
			return m.Operation != "" && (journal.Match{Operation: m.Operation}).Matches(e) ||
				m.Path != "" && (journal.Match{Path: m.Path}).Matches(e)
		}
		slices.SortStableFunc(all, func(a, b journal.Watched) int {
			switch na, nb := near(a.Entry), near(b.Entry); {
			case na && !nb:
				return -1
			case nb && !na:
				return 1
			}
			return 0
		})
		for i, w := range all {
			if i == 20 {
				fmt.Fprintf(&b, "\n  ... and %d more", len(all)-i)
				break
			}
			e := w.Entry
			fmt.Fprintf(&b, "\n  %s %s -> %d  operation %s  tenant %s", e.Method, e.Path, e.Status, orDash(e.OperationID), orDash(e.Tenant))
			if e.Closest != "" {
				fmt.Fprintf(&b, "  (closest: %s)", e.Closest)
			}
		}
	}
	t.Errorf("%s", b.String())
	return got
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
