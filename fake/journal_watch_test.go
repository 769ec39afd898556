package fake

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/iblfake/iblfake/scenarios"
	"github.com/labstack/echo/v4"
)

// TestJournalNumbersEntriesAcrossTheRing: Recent and Lookup name entries by
// their sequence number (1 for the first since the last Clear) however far
// the ring has wrapped, and an entry that has left the ring is gone.
func TestJournalNumbersEntriesAcrossTheRing(t *testing.T) {
	t.Parallel()
	j := NewJournal(4)
	for i := 1; i <= 10; i++ {
		j.Add(Entry{Path: fmt.Sprintf("/%d", i)})
	}
	got := j.Recent(10, 0)
	if len(got) != 4 || got[0].Seq != 7 || got[3].Seq != 10 {
		t.Fatalf("Recent(10, 0) = %+v, want seqs 7..10", got)
	}
	for _, w := range got {
		if w.Entry.Path != fmt.Sprintf("/%d", w.Seq) {
			t.Errorf("seq %d holds %s", w.Seq, w.Entry.Path)
		}
	}
	if r := j.Recent(2, 0); len(r) != 2 || r[0].Seq != 9 {
		t.Errorf("Recent(2, 0) = %+v, want seqs 9, 10", r)
	}
	if r := j.Recent(10, 8); len(r) != 2 || r[0].Seq != 9 {
		t.Errorf("Recent(10, 8) = %+v, want seqs 9, 10", r)
	}
	if r := j.Recent(10, 10); len(r) != 0 {
		t.Errorf("Recent(10, 10) = %+v, want none", r)
	}
	if w, ok := j.Lookup(8); !ok || w.Entry.Path != "/8" {
		t.Errorf("Lookup(8) = %+v, %v", w, ok)
	}
	for _, seq := range []uint64{0, 6, 11} {
		if _, ok := j.Lookup(seq); ok {
			t.Errorf("Lookup(%d) found an entry the ring does not hold", seq)
		}
	}
	j.Clear()
	if _, ok := j.Lookup(8); ok || len(j.Recent(10, 0)) != 0 {
		t.Error("Clear left entries behind")
	}
}

// TestJournalWatchersSeeEveryEntryInOrder: a watcher gets each entry added
// after it subscribed, in sequence order, and one whose buffer is full
// loses entries and is told how many, without holding up Add.
func TestJournalWatchersSeeEveryEntryInOrder(t *testing.T) {
	t.Parallel()
	j := NewJournal(100)
	j.Add(Entry{Path: "/before"})
	ch, dropped, stop := j.Watch(3)
	defer stop()
	for i := 0; i < 5; i++ {
		j.Add(Entry{Path: fmt.Sprintf("/%d", i)})
	}
	for want := uint64(2); want <= 4; want++ {
		w := <-ch
		if w.Seq != want {
			t.Fatalf("watched seq %d, want %d", w.Seq, want)
		}
	}
	if n := dropped(); n != 2 {
		t.Errorf("dropped = %d, want 2 (a buffer of 3 and 5 entries)", n)
	}
	if !j.Watching() {
		t.Error("Watching() = false with a watcher")
	}
	stop()
	stop() // twice is harmless
	if j.Watching() {
		t.Error("Watching() = true after the only watcher stopped")
	}
}

// TestBodiesAreKeptOnlyWhileWatched runs requests through the real handler
// over loopback: none keeps its bodies while nobody watches the journal;
// while someone does, each keeps its headers (API keys masked) and at most
// MaxExchangeBody of each body; and once the last watcher stops, every
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
	post(`{"name": "Watched"}`)
	long := `{"name": "` + strings.Repeat("x", 100<<10) + `"}`
	send(http.MethodGet, long) // the scenario answers with a 100 KiB body
	var got []Watched
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
	if !bytes.Contains(x.RequestBody, []byte("Watched")) || !bytes.Contains(x.ResponseBody, []byte(`"name":"Watched"`)) {
		t.Errorf("bodies = %q / %q", x.RequestBody, x.ResponseBody)
	}
	if a := x.RequestHeader.Get("Authorization"); a != "Api-Token [secret]" {
		t.Errorf("the request's Authorization was kept as %q, want it masked", a)
	}
	if x.ResponseHeader.Get("Content-Type") == "" {
		t.Error("the response headers were not kept")
	}
	bx := got[1].Exchange
	if len(bx.RequestBody) != MaxExchangeBody || bx.RequestSize != len(long) || len(bx.ResponseBody) != MaxExchangeBody || bx.ResponseSize <= len(big) {
		t.Errorf("a 100 KiB exchange kept %d of %d and %d of %d bytes, want %d of each", len(bx.RequestBody), bx.RequestSize,
			len(bx.ResponseBody), bx.ResponseSize, MaxExchangeBody)
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

// TestKeptExchangesAreBounded: however many requests arrive while watched,
// at most MaxExchanges keep their bodies (the newest).
func TestKeptExchangesAreBounded(t *testing.T) {
	t.Parallel()
	j := NewJournal(1000)
	_, _, stop := j.Watch(1)
	defer stop()
	for i := 0; i < MaxExchanges+50; i++ {
		j.add(Entry{}, &Exchange{RequestSize: i})
	}
	if len(j.exchanges) != MaxExchanges {
		t.Fatalf("kept %d exchanges, want %d", len(j.exchanges), MaxExchanges)
	}
	if w, _ := j.Lookup(uint64(MaxExchanges + 50)); w.Exchange == nil || w.Exchange.RequestSize != MaxExchanges+49 {
		t.Errorf("the newest exchange is not kept: %+v", w.Exchange)
	}
	if w, _ := j.Lookup(1); w.Exchange != nil {
		t.Error("the oldest exchange is still kept")
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
