package cassette

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAWriterNeverWritesALineNoReaderReads: a record longer as a line
// than the limit is refused whole, and the records around it stay
// readable. (The limit is MaxLineBytes, 256 MiB; lowered here.)
func TestAWriterNeverWritesALineNoReaderReads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.jsonl")
	w, err := Create(path, SyncOnClose)
	if err != nil {
		t.Fatal(err)
	}
	w.maxLine = 300
	small := &Record{Seq: 1, Method: "GET", Path: "/a"}
	big := &Record{Seq: 2, Method: "GET", Path: "/b"}
	big.Response.SetBody([]byte(`"` + strings.Repeat("x", 400) + `"`))
	if err := w.Append(small); err != nil {
		t.Fatal(err)
	}
	if err := w.Append(big); err == nil || !strings.Contains(err.Error(), "over the limit of 300") {
		t.Errorf("got %v, want the long record refused", err)
	}
	if err := w.Append(&Record{Seq: 3, Method: "GET", Path: "/c"}); err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	recs, torn, err := ReadFile(path)
	if err != nil || torn != nil || len(recs) != 2 || recs[0].Seq != 1 || recs[1].Seq != 3 {
		t.Errorf("got %d records, torn %v, %v; want records 1 and 3", len(recs), torn, err)
	}
	raw, _ := os.ReadFile(path)
	if strings.Contains(string(raw), "xxx") {
		t.Errorf("got %s, want nothing of the refused record written", raw)
	}
}
