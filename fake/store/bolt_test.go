package store_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/fake/store/storetest"
	bolt "go.etcd.io/bbolt"
)

// openBolt opens a new file in t's temp dir. After the test has closed it,
// the file is reopened and bbolt's consistency check runs over it.
func openBolt(t *testing.T) (*store.Bolt, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "iblfake.db")
	b, err := store.OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Runs after the suite's own Close (cleanups run last-in first-out).
		_ = b.Close()
		again, err := store.OpenBolt(path)
		if err != nil {
			t.Errorf("reopen for check: %v", err)
			return
		}
		defer again.Close()
		if err := again.Check(); err != nil {
			t.Errorf("bbolt check: %v", err)
		}
	})
	return b, path
}

func TestBolt(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Backend {
		b, _ := openBolt(t)
		return b
	})
}

func TestBoltReopenKeepsData(t *testing.T) {
	b, path := openBolt(t)
	must(t, b.Update(func(tx store.Tx) error {
		if _, err := tx.NextSequence("b"); err != nil {
			return err
		}
		return tx.Put("b", "k", []byte("v"))
	}))
	must(t, b.Close())

	b, err := store.OpenBolt(path)
	must(t, err)
	defer b.Close()
	must(t, b.View(func(tx store.Tx) error {
		if got := string(tx.Get("b", "k")); got != "v" {
			t.Errorf("Get after reopen=%q, want %q", got, "v")
		}
		if got := fmt.Sprint(tx.Buckets()); got != "[b]" {
			t.Errorf("Buckets after reopen=%s, want [b] (meta bucket hidden)", got)
		}
		return nil
	}))
	must(t, b.Update(func(tx store.Tx) error {
		n, err := tx.NextSequence("b")
		if n != 2 {
			t.Errorf("NextSequence after reopen=%d, want 2", n)
		}
		return err
	}))
}

func TestBoltInUse(t *testing.T) {
	b, path := openBolt(t)
	// flock(2) locks belong to the open file description, so a second open
	// in this same process conflicts exactly as another process would.
	start := time.Now()
	second, err := store.OpenBolt(path)
	took := time.Since(start)
	if err == nil {
		second.Close()
		t.Fatal("second OpenBolt of a held file succeeded")
	}
	if !errors.Is(err, store.ErrInUse) || !strings.Contains(err.Error(), "in use by another process") {
		t.Errorf("err=%v, want ErrInUse", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("err=%v does not name the file", err)
	}
	if took > time.Second {
		t.Errorf("failing took %s, want under 1s", took)
	}
	t.Logf("in-use error after %s: %v", took.Round(time.Millisecond), err)

	// Once released, the file opens.
	must(t, b.Close())
	again, err := store.OpenBolt(path)
	must(t, err)
	must(t, again.Close())
}

func TestBoltSchemaVersionMismatch(t *testing.T) {
	b, path := openBolt(t)
	must(t, b.Update(func(tx store.Tx) error { return tx.Put("b", "k", []byte("v")) }))
	must(t, b.Close())

	// Stamp the file as written by a future iblfake.
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	must(t, err)
	must(t, db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("\x00iblfake.meta")).Put([]byte("schema_version"), []byte("99"))
	}))
	must(t, db.Close())

	_, err = store.OpenBolt(path)
	if !errors.Is(err, store.ErrSchemaVersion) {
		t.Fatalf("err=%v, want ErrSchemaVersion", err)
	}
	want := fmt.Sprintf("has schema version 99 but this iblfake reads schema version %d", store.SchemaVersion)
	if !strings.Contains(err.Error(), want) {
		t.Errorf("err=%q, want it to contain %q", err, want)
	}

	// The refused file was not touched: put the version back and the data is there.
	db, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	must(t, err)
	must(t, db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("\x00iblfake.meta")).Put([]byte("schema_version"), []byte(fmt.Sprint(store.SchemaVersion)))
	}))
	must(t, db.Close())
	b, err = store.OpenBolt(path)
	must(t, err)
	defer b.Close()
	must(t, b.View(func(tx store.Tx) error {
		if got := string(tx.Get("b", "k")); got != "v" {
			t.Errorf("Get=%q, want v", got)
		}
		return nil
	}))
}

func TestBoltRefusesForeignFiles(t *testing.T) {
	dir := t.TempDir()
	// A bbolt file some other program wrote.
	path := filepath.Join(dir, "other.db")
	db, err := bolt.Open(path, 0o600, nil)
	must(t, err)
	must(t, db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("theirs"))
		if err != nil {
			return err
		}
		return b.Put([]byte("k"), []byte("v"))
	}))
	must(t, db.Close())
	if _, err := store.OpenBolt(path); err == nil || !strings.Contains(err.Error(), "not an iblfake database") {
		t.Errorf("foreign bbolt file: err=%v", err)
	}
}

func TestBoltMetaBucketIsReserved(t *testing.T) {
	b, _ := openBolt(t)
	err := b.Update(func(tx store.Tx) error { return tx.Put("\x00iblfake.meta", "schema_version", []byte("2")) })
	if !errors.Is(err, store.ErrReservedBucket) {
		t.Errorf("Put to meta bucket err=%v", err)
	}
	err = b.Update(func(tx store.Tx) error { return tx.DeleteBucket("\x00iblfake.meta") })
	if !errors.Is(err, store.ErrReservedBucket) {
		t.Errorf("DeleteBucket(meta) err=%v", err)
	}
	must(t, b.View(func(tx store.Tx) error {
		if v := tx.Get("\x00iblfake.meta", "schema_version"); v != nil {
			t.Errorf("meta visible through Get: %q", v)
		}
		return nil
	}))
}

// TestBoltScanPrefixEdges covers the reverse-scan bound for prefixes ending
// in 0xff, which a "prefix+\xff" upper bound would get wrong.
func TestBoltScanPrefixEdges(t *testing.T) {
	b, _ := openBolt(t)
	keys := []string{"a", "a\xff", "a\xff\x01", "a\xff\xff", "b", "\xff", "\xff\xff"}
	must(t, b.Update(func(tx store.Tx) error {
		for _, k := range keys {
			if err := tx.Put("s", k, []byte("v")); err != nil {
				return err
			}
		}
		return nil
	}))
	scan := func(prefix string) string {
		var out []string
		must(t, b.View(func(tx store.Tx) error {
			tx.Scan("s", prefix, true, func(k string, _ []byte) bool { out = append(out, fmt.Sprintf("%q", k)); return true })
			return nil
		}))
		return strings.Join(out, " ")
	}
	for prefix, want := range map[string]string{
		"a":     `"a\xff\xff" "a\xff\x01" "a\xff" "a"`,
		"a\xff": `"a\xff\xff" "a\xff\x01" "a\xff"`,
		"\xff":  `"\xff\xff" "\xff"`,
		"c":     ``,
	} {
		if got := scan(prefix); got != want {
			t.Errorf("reverse Scan(%q)=%s, want %s", prefix, got, want)
		}
	}
}

// TestBoltWriteLatency measures single-write Updates, each its own fsynced
// transaction; it only logs (the figure depends on the disk).
func TestBoltWriteLatency(t *testing.T) {
	if testing.Short() {
		t.Skip("timing")
	}
	b, path := openBolt(t)
	const n = 1000
	start := time.Now()
	for i := 0; i < n; i++ {
		must(t, b.Update(func(tx store.Tx) error { return tx.Put("w", fmt.Sprintf("%08d", i), []byte(`{"n":1}`)) }))
	}
	writes := time.Since(start)
	must(t, b.Close())
	start = time.Now()
	b, err := store.OpenBolt(path)
	must(t, err)
	open := time.Since(start)
	defer b.Close()
	t.Logf("%d single-write Updates: %s (%s each); reopen: %s",
		n, writes.Round(time.Millisecond), (writes / n).Round(time.Microsecond), open.Round(time.Microsecond))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestBoltEmptyFileIsNew: an empty file (mktemp, touch) opens as a new
// database, as bbolt makes one of it; there is nothing in it to damage.
func TestBoltEmptyFileIsNew(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := store.OpenBolt(path)
	if err != nil {
		t.Fatalf("OpenBolt(empty file) = %v, want a new database", err)
	}
	defer b.Close()
	if err := b.Update(func(tx store.Tx) error { return tx.Put("b", "k", []byte("v")) }); err != nil {
		t.Fatal(err)
	}
}
