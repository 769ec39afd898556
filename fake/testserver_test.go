package fake_test

import (
	"net/http"
	"net/http/httptest"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake"
)

// BenchmarkNewTestServer measures what NewTestServer does (build a fake,
// serve it over httptest, close both) after the first in the process.
func BenchmarkNewTestServer(b *testing.B) {
	fake.NewTestServer(b) // the first pays for parsing the document
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, err := fake.New()
		if err != nil {
			b.Fatal(err)
		}
		hs := httptest.NewServer(s.Handler())
		hs.Close()
		_ = s.Close()
	}
}

// TestManyTestServersLeakNothing starts and stops 1,000 fakes in one
// process, each answering one request, and checks goroutines and heap come
// back to where they started.
func TestManyTestServersLeakNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	one := func() {
		t.Run("server", func(t *testing.T) {
			srv := fake.NewTestServer(t)
			resp, err := srv.Client.Get(srv.URL + "/_fake/health")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			srv.Client.CloseIdleConnections()
		})
	}
	for i := 0; i < 20; i++ { // warm up pools and caches
		one()
	}
	settle := func() (int, uint64) {
		var ms runtime.MemStats
		for i := 0; i < 20; i++ {
			runtime.GC()
			time.Sleep(5 * time.Millisecond)
		}
		http.DefaultClient.CloseIdleConnections()
		runtime.ReadMemStats(&ms)
		return runtime.NumGoroutine(), ms.HeapAlloc
	}
	g0, h0 := settle()
	start := time.Now()
	const n = 1000
	for i := 0; i < n; i++ {
		one()
	}
	per := time.Since(start) / n
	g1, h1 := settle()
	t.Logf("%d servers: %s each (start, one request, stop); goroutines %d -> %d; heap %.1f -> %.1f MiB",
		n, per, g0, g1, float64(h0)/(1<<20), float64(h1)/(1<<20))
	if g1 > g0+5 {
		t.Errorf("goroutines grew from %d to %d over %d servers", g0, g1, n)
	}
	if h1 > h0+8<<20 {
		t.Errorf("heap grew from %.1f to %.1f MiB over %d servers", float64(h0)/(1<<20), float64(h1)/(1<<20), n)
	}
}

// TestBinaryDoesNotLinkTesting: the command's dependencies leave out the
// testing package, which NewTestServer would otherwise pull into every
// production binary (fake.TB stands in for testing.TB).
func TestBinaryDoesNotLinkTesting(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/iblfake/iblfake").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range strings.Fields(string(out)) {
		if p == "testing" {
			t.Fatal("the iblfake command links the testing package")
		}
	}
}
