package journal

import (
	"fmt"
	"strings"
	"testing"
)

// TestJournalNumbersEntriesAcrossTheRing: Recent and Lookup name entries by
// their sequence number (1 for the first since the last Clear) however far
// the ring has wrapped, and an entry that has left the ring is gone.
func TestJournalNumbersEntriesAcrossTheRing(t *testing.T) {
	t.Parallel()
	j := New(4)
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
	j := New(100)
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

// TestKeptExchangesAreBounded: however many requests arrive while watched,
// at most MaxExchanges keep their bodies (the newest).
func TestKeptExchangesAreBounded(t *testing.T) {
	t.Parallel()
	j := New(1000)
	_, _, stop := j.Watch(1)
	defer stop()
	for i := 0; i < MaxExchanges+50; i++ {
		j.AddExchange(Entry{}, &Exchange{RequestSize: i})
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

// TestTheJournalKeepsABoundedPrefixAndLetsGo: an entry keeps at most
// MaxEntryText bytes of a request's path and of its query, as its own
// copy; Clear drops what entries held.
func TestTheJournalKeepsABoundedPrefixAndLetsGo(t *testing.T) {
	long := strings.Repeat("é", MaxEntryText) // two bytes each: a cut must not split one
	got := Text(long)
	if len(got) > MaxEntryText || !strings.HasPrefix(long, got) || !strings.HasSuffix(got, "é") {
		t.Fatalf("journalText kept %d bytes, ending %q", len(got), got[len(got)-4:])
	}
	if short := "/api/x/"; Text(short) != short {
		t.Fatal("a short path was changed")
	}
	j := New(4)
	for range 3 {
		j.Add(Entry{Path: got, Query: got})
	}
	j.Clear()
	for i, e := range j.entries {
		if e.Path != "" || e.Query != "" {
			t.Fatalf("entry %d still holds %d bytes after Clear", i, len(e.Path)+len(e.Query))
		}
	}
	if len(j.Entries()) != 0 || j.Total() != 0 {
		t.Fatal("Clear left entries")
	}
}
