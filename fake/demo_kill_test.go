package fake_test

import (
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake/store"
)

// TestDemoBuildIsAllOrNothing (M9): a SIGKILL while --demo builds leaves
// the --db file either without the demo or with all of it, never a part;
// the same command afterwards builds it whole.
func TestDemoBuildIsAllOrNothing(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	args := func(db string) []string {
		return []string{"--addr", "127.0.0.1:0", "--db", db, "--demo", "--seed", "42", "--log-level", "info"}
	}
	entries := func(db string) int {
		t.Helper()
		b, err := store.OpenBolt(db)
		if err != nil {
			t.Fatalf("open %s after the kill: %v", db, err)
		}
		defer b.Close()
		n := 0
		_ = b.View(func(tx store.Tx) error {
			for _, bk := range tx.Buckets() {
				n += store.Count(tx, bk, "")
			}
			return nil
		})
		return n
	}
	ref := filepath.Join(dir, "ref.db")
	p := startProc(t, bin, true, args(ref)...)
	if st := getStatus(t, http.DefaultClient, p.url+"/_fake/health"); st != 200 {
		t.Fatalf("health = %d", st)
	}
	_ = p.cmd.Process.Kill()
	<-p.done
	whole := entries(ref)
	if whole < 1000 {
		t.Fatalf("a whole demo holds %d entries; the build changed", whole)
	}
	killed := 0
	for i, after := range []time.Duration{20 * time.Millisecond, 80 * time.Millisecond, 150 * time.Millisecond, 250 * time.Millisecond, 400 * time.Millisecond} {
		db := filepath.Join(dir, fmt.Sprintf("killed%d.db", i))
		p := startProc(t, bin, false, args(db)...)
		time.Sleep(after)
		_ = p.cmd.Process.Kill()
		<-p.done
		switch n := entries(db); n {
		case 0:
			killed++
		case whole:
		default:
			t.Fatalf("killed after %s: the file holds %d entries, want 0 or the whole demo's %d\n%s", after, n, whole, p.log())
		}
		again := startProc(t, bin, true, args(db)...)
		_ = again.cmd.Process.Kill()
		<-again.done
		if n := entries(db); n != whole {
			t.Fatalf("rerun after the kill at %s: %d entries, want %d", after, n, whole)
		}
	}
	t.Logf("5 kills during --demo (%d before the import): each left nothing or the whole demo (%d entries)", killed, whole)
}
