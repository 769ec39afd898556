package fake

import (
	"strings"
	"testing"
)

// TestTheJournalKeepsABoundedPrefixAndLetsGo: an entry keeps at most
// MaxEntryText bytes of a request's path and of its query, as its own
// copy; Clear drops what entries held.
func TestTheJournalKeepsABoundedPrefixAndLetsGo(t *testing.T) {
	long := strings.Repeat("é", MaxEntryText) // two bytes each: a cut must not split one
	got := journalText(long)
	if len(got) > MaxEntryText || !strings.HasPrefix(long, got) || !strings.HasSuffix(got, "é") {
		t.Fatalf("journalText kept %d bytes, ending %q", len(got), got[len(got)-4:])
	}
	if short := "/api/x/"; journalText(short) != short {
		t.Fatal("a short path was changed")
	}
	j := NewJournal(4)
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
