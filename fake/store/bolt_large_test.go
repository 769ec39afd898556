package store_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake/store"
)

// TestBoltOpenLargeFile times OpenBolt (and Check) on a large file, the
// cost an iblfake pays at start-up on a big --db. It builds the file only
// when asked, as it takes tens of seconds and as much disk as its size:
//
//	IBLFAKE_STORE_LARGE_MB=400 go test -run TestBoltOpenLargeFile -v ./fake/store/
//
// IBLFAKE_STORE_LARGE_MB is the size to aim for, in 1.5 million keys (or
// IBLFAKE_STORE_LARGE_KEYS) with values sized to reach it: OpenBolt's
// reading of the file costs per key, bbolt's check per page.
// IBLFAKE_STORE_LARGE_DB names a file to build once and reuse, so that two
// versions of OpenBolt can be timed on the same bytes. The figures are for
// a warm page cache: the file was just written or opened.
func TestBoltOpenLargeFile(t *testing.T) {
	mb, _ := strconv.Atoi(os.Getenv("IBLFAKE_STORE_LARGE_MB"))
	path := os.Getenv("IBLFAKE_STORE_LARGE_DB")
	if mb <= 0 && path == "" {
		t.Skip("set IBLFAKE_STORE_LARGE_MB (and optionally IBLFAKE_STORE_LARGE_DB) to time OpenBolt on a large file")
	}
	if path == "" {
		path = filepath.Join(t.TempDir(), "large.db")
	}
	if _, err := os.Stat(path); os.IsNotExist(err) {
		buildLargeFile(t, path, mb)
	}
	info, err := os.Stat(path)
	must(t, err)

	const runs = 3
	var opens, checks []time.Duration
	for range runs {
		start := time.Now()
		b, err := store.OpenBolt(path)
		must(t, err)
		opens = append(opens, time.Since(start))
		start = time.Now()
		must(t, b.Check())
		checks = append(checks, time.Since(start))
		must(t, b.Close())
	}
	t.Logf("file %d MiB: OpenBolt %s, then Check %s (median of %d, warm cache)",
		info.Size()>>20, median(opens).Round(time.Millisecond), median(checks).Round(time.Millisecond), runs)
}

// buildLargeFile writes keys (1.5 million unless IBLFAKE_STORE_LARGE_KEYS
// says) whose values bring the file to about mb MiB, in transactions of
// 50,000 keys.
func buildLargeFile(t *testing.T, path string, mb int) {
	t.Helper()
	if mb <= 0 {
		mb = 400
	}
	keys, _ := strconv.Atoi(os.Getenv("IBLFAKE_STORE_LARGE_KEYS"))
	if keys <= 0 {
		keys = 1_500_000
	}
	const batch = 50_000
	// bbolt fills pages written in key order to about half (its default
	// FillPercent), so the file is about twice the bytes stored.
	size := max(int(int64(mb)<<20/2/int64(keys))-16, 8)
	value := make([]byte, size)
	for i := range value {
		value[i] = 'a' + byte(i%26)
	}
	start := time.Now()
	b, err := store.OpenBolt(path)
	must(t, err)
	for from := 0; from < keys; from += batch {
		must(t, b.Update(func(tx store.Tx) error {
			for i := from; i < min(from+batch, keys); i++ {
				if err := tx.Put(fmt.Sprintf("bucket%d", i%4), fmt.Sprintf("%016x", i), value); err != nil {
					return err
				}
			}
			return nil
		}))
	}
	must(t, b.Close())
	info, err := os.Stat(path)
	must(t, err)
	t.Logf("built %d keys (%d-byte values), %d MiB, in %s", keys, size, info.Size()>>20, time.Since(start).Round(time.Second))
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}
