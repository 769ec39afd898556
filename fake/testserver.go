package fake

import (
	"fmt"
	"os"
	"path/filepath"

	"net/http"
	"net/http/httptest"

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
