package parity_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/parity"
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
