package fake

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake/journal"
	"github.com/iblfake/iblfake/scenarios"
	"github.com/labstack/echo/v4"
)

// TestBodiesAreKeptOnlyWhileWatched runs requests through the real handler
// over loopback: none keeps its bodies while nobody watches the journal;
// while someone does, each keeps its headers (API keys masked) and at most
// journal.MaxExchangeBody of each body; and once the last watcher stops, every
// kept body is dropped.
func TestBodiesAreKeptOnlyWhileWatched(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("y", 100<<10)
	sc, err := scenarios.Parse("big.yaml", []byte("name: big\nrules:\n  - match: {operation: credentials_orgs_users_issuers_retrieve}\n"+
		"    respond: {status: 200, body: {detail: "+big+"}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(WithScenarioDefinition(sc, true))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	hs := httptest.NewServer(s.Handler())
	defer hs.Close()
	base := hs.URL + "/api/credentials/orgs/acme/users/admin/issuers/"
	send := func(method, body string) {
		t.Helper()
		req, _ := http.NewRequest(method, base, strings.NewReader(body))
		req.Header.Set("Authorization", "Api-Token secret-key")
		req.Header.Set("Content-Type", "application/json")
		resp, err := hs.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	post := func(body string) { t.Helper(); send(http.MethodPost, body) }
	post(`{"name": "Unwatched"}`)
	if w := s.journal.Recent(1, 0); len(w) != 1 || w[0].Exchange != nil {
		t.Fatalf("a request answered while nobody watched kept its bodies: %+v", w)
	}

	ch, _, stop := s.journal.Watch(16)
	post(`{"name": "journal.Watched"}`)
	long := `{"name": "` + strings.Repeat("x", 100<<10) + `"}`
	send(http.MethodGet, long) // the scenario answers with a 100 KiB body
	var got []journal.Watched
	for len(got) < 2 {
		select {
		case w := <-ch:
			got = append(got, w)
		case <-time.After(5 * time.Second):
			t.Fatal("the watcher saw no request")
		}
	}
	x := got[0].Exchange
	if x == nil {
		t.Fatal("a request answered while watched kept no exchange")
	}
	if !bytes.Contains(x.RequestBody, []byte("journal.Watched")) || !bytes.Contains(x.ResponseBody, []byte(`"name":"journal.Watched"`)) {
		t.Errorf("bodies = %q / %q", x.RequestBody, x.ResponseBody)
	}
	if a := x.RequestHeader.Get("Authorization"); a != "Api-Token [secret]" {
		t.Errorf("the request's Authorization was kept as %q, want it masked", a)
	}
	if x.ResponseHeader.Get("Content-Type") == "" {
		t.Error("the response headers were not kept")
	}
	bx := got[1].Exchange
	if len(bx.RequestBody) != journal.MaxExchangeBody || bx.RequestSize != len(long) || len(bx.ResponseBody) != journal.MaxExchangeBody || bx.ResponseSize <= len(big) {
		t.Errorf("a 100 KiB exchange kept %d of %d and %d of %d bytes, want %d of each", len(bx.RequestBody), bx.RequestSize,
			len(bx.ResponseBody), bx.ResponseSize, journal.MaxExchangeBody)
	}
	if w, ok := s.journal.Lookup(got[0].Seq); !ok || w.Exchange != x {
		t.Error("Lookup does not return the kept exchange")
	}
	stop()
	if w, _ := s.journal.Lookup(got[0].Seq); w.Exchange != nil {
		t.Error("the exchange was still kept after the last watcher stopped")
	}
	post(`{"name": "After"}`)
	if w := s.journal.Recent(1, 0); w[0].Exchange != nil {
		t.Error("a request after the last watcher stopped kept its bodies")
	}
}

// TestNothingIsCapturedWhileUnwatched: with nobody watching, the journal
// leaves a request's answer writer as it is (no copy of any body is
// made); with a watcher, it tees it.
func TestNothingIsCapturedWhileUnwatched(t *testing.T) {
	t.Parallel()
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var teed bool
	s.echo.GET("/api/probe/", func(c echo.Context) error {
		_, teed = c.Response().Writer.(*teeWriter)
		return c.NoContent(http.StatusNoContent)
	})
	probe := func() bool {
		s.Handler().ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/api/probe/", nil))
		return teed
	}
	if probe() {
		t.Error("an unwatched request's answer was teed")
	}
	_, _, stop := s.journal.Watch(1)
	if !probe() {
		t.Error("a watched request's answer was not teed")
	}
	stop()
	if probe() {
		t.Error("after the watcher stopped, a request's answer was teed")
	}
}
