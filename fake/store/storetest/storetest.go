// Package storetest is the behaviour every store.Backend must have, as one
// test body that each backend's tests run against a fresh instance.
package storetest

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/iblfake/iblfake/fake/store"
)

// Run runs the whole suite; open must return a new, empty backend.
func Run(t *testing.T, open func(t *testing.T) store.Backend) {
	tests := map[string]func(*testing.T, store.Backend){
		"PutGet":              testPutGet,
		"RollbackOnError":     testRollback,
		"ScanPrefixOrder":     testScan,
		"Sequences":           testSequences,
		"ReadOnlyView":        testReadOnly,
		"SnapshotIsolation":   testSnapshot,
		"DeleteBucket":        testDeleteBucket,
		"ParallelWritersRace": testParallel,
		"KeyLimits":           testKeyLimits,
		"ValueLimit":          testValueLimit,
		"RefusedBuckets":      testRefusedBuckets,
		"Versions":            testVersions,
		"ConcurrentSnapshots": testConcurrentSnapshots,
		"FailuresInBatch":     testFailuresInBatch,
		"PanicLeavesNoTrace":  testPanicLeavesNoTrace,
		"MatchesModel":        testMatchesModel,
	}
	for name, fn := range tests {
		t.Run(name, func(t *testing.T) {
			b := open(t)
			t.Cleanup(func() { b.Close() })
			fn(t, b)
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, b store.Backend, bucket, key string) string {
	t.Helper()
	var out []byte
	must(t, b.View(func(tx store.Tx) error {
		if v := tx.Get(bucket, key); v != nil {
			out = append([]byte{}, v...)
		}
		return nil
	}))
	if out == nil {
		return "<nil>"
	}
	return string(out)
}

func testPutGet(t *testing.T, b store.Backend) {
	buf := []byte("one")
	must(t, b.Update(func(tx store.Tx) error { return tx.Put("b", "k", buf) }))
	buf[0] = 'X' // the store must have copied it
	if got := get(t, b, "b", "k"); got != "one" {
		t.Fatalf("Get=%q, want %q", got, "one")
	}
	if got := get(t, b, "b", "missing"); got != "<nil>" {
		t.Fatalf("Get(missing)=%q, want nil", got)
	}
	if got := get(t, b, "nobucket", "k"); got != "<nil>" {
		t.Fatalf("Get(no bucket)=%q, want nil", got)
	}
	must(t, b.Update(func(tx store.Tx) error { return tx.Delete("b", "k") }))
	if got := get(t, b, "b", "k"); got != "<nil>" {
		t.Fatalf("Get after Delete=%q, want nil", got)
	}
	must(t, b.Update(func(tx store.Tx) error { return tx.Delete("nobucket", "k") }))
}

func testRollback(t *testing.T, b store.Backend) {
	must(t, b.Update(func(tx store.Tx) error { return tx.Put("b", "keep", []byte("1")) }))
	boom := errors.New("boom")
	err := b.Update(func(tx store.Tx) error {
		if err := tx.Put("b", "keep", []byte("2")); err != nil {
			return err
		}
		if err := tx.Put("other", "new", []byte("x")); err != nil {
			return err
		}
		if _, err := tx.NextSequence("b"); err != nil {
			return err
		}
		// Inside the transaction its own writes are visible.
		if got := string(tx.Get("b", "keep")); got != "2" {
			t.Errorf("read-your-writes: %q", got)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update err=%v, want boom", err)
	}
	if got := get(t, b, "b", "keep"); got != "1" {
		t.Fatalf("after rollback Get=%q, want 1", got)
	}
	if got := get(t, b, "other", "new"); got != "<nil>" {
		t.Fatalf("rolled-back bucket visible: %q", got)
	}
	must(t, b.Update(func(tx store.Tx) error {
		n, err := tx.NextSequence("b")
		if n != 1 {
			t.Errorf("sequence after rollback=%d, want 1", n)
		}
		return err
	}))
}

func testScan(t *testing.T, b store.Backend) {
	keys := []string{"a\x00002", "a\x00001", "a\x00010", "ab\x00001", "b\x00001"}
	must(t, b.Update(func(tx store.Tx) error {
		for _, k := range keys {
			if err := tx.Put("s", k, []byte(k)); err != nil {
				return err
			}
		}
		return nil
	}))
	scan := func(prefix string, reverse bool, limit int) []string {
		var out []string
		must(t, b.View(func(tx store.Tx) error {
			tx.Scan("s", prefix, reverse, func(k string, v []byte) bool {
				if k != string(v) {
					t.Errorf("value of %q is %q", k, v)
				}
				out = append(out, k)
				return limit <= 0 || len(out) < limit
			})
			return nil
		}))
		return out
	}
	cases := []struct {
		prefix  string
		reverse bool
		limit   int
		want    string
	}{
		{"a\x00", false, 0, "[a\x00001 a\x00002 a\x00010]"},
		{"a\x00", true, 0, "[a\x00010 a\x00002 a\x00001]"},
		{"a", false, 0, "[a\x00001 a\x00002 a\x00010 ab\x00001]"},
		{"a\x00", true, 2, "[a\x00010 a\x00002]"},
		{"", false, 0, "[a\x00001 a\x00002 a\x00010 ab\x00001 b\x00001]"},
		{"", true, 1, "[b\x00001]"},
		{"zz", false, 0, "[]"},
	}
	for _, c := range cases {
		if got := fmt.Sprint(scan(c.prefix, c.reverse, c.limit)); got != c.want {
			t.Errorf("Scan(%q, reverse=%v)=%q, want %q", c.prefix, c.reverse, got, c.want)
		}
	}
	var n int
	must(t, b.View(func(tx store.Tx) error { n = store.Count(tx, "s", "a\x00"); return nil }))
	if n != 3 {
		t.Errorf("Count=%d, want 3", n)
	}
}

func testSequences(t *testing.T, b store.Backend) {
	for want := uint64(1); want <= 3; want++ {
		must(t, b.Update(func(tx store.Tx) error {
			got, err := tx.NextSequence("seq")
			if got != want {
				t.Errorf("NextSequence=%d, want %d", got, want)
			}
			return err
		}))
	}
	must(t, b.View(func(tx store.Tx) error {
		if got := tx.Sequence("seq"); got != 3 {
			t.Errorf("Sequence=%d, want 3", got)
		}
		if got := tx.Sequence("none"); got != 0 {
			t.Errorf("Sequence(no bucket)=%d, want 0", got)
		}
		if err := tx.SetSequence("seq", 9); !errors.Is(err, store.ErrReadOnly) {
			t.Errorf("SetSequence in View err=%v", err)
		}
		return nil
	}))
	must(t, b.Update(func(tx store.Tx) error { return tx.SetSequence("seq", 41) }))
	must(t, b.Update(func(tx store.Tx) error {
		got, err := tx.NextSequence("seq")
		if got != 42 {
			t.Errorf("NextSequence after SetSequence(41)=%d, want 42", got)
		}
		return err
	}))
	must(t, b.Update(func(tx store.Tx) error {
		got, err := tx.NextSequence("other")
		if got != 1 {
			t.Errorf("independent bucket sequence=%d, want 1", got)
		}
		return err
	}))
}

func testReadOnly(t *testing.T, b store.Backend) {
	must(t, b.Update(func(tx store.Tx) error { return tx.Put("b", "k", []byte("v")) }))
	must(t, b.View(func(tx store.Tx) error {
		if err := tx.Put("b", "k2", nil); !errors.Is(err, store.ErrReadOnly) {
			t.Errorf("Put in View err=%v", err)
		}
		if err := tx.Delete("b", "k"); !errors.Is(err, store.ErrReadOnly) {
			t.Errorf("Delete in View err=%v", err)
		}
		if _, err := tx.NextSequence("b"); !errors.Is(err, store.ErrReadOnly) {
			t.Errorf("NextSequence in View err=%v", err)
		}
		if err := tx.DeleteBucket("b"); !errors.Is(err, store.ErrReadOnly) {
			t.Errorf("DeleteBucket in View err=%v", err)
		}
		return nil
	}))
}

func testSnapshot(t *testing.T, b store.Backend) {
	must(t, b.Update(func(tx store.Tx) error { return tx.Put("b", "k", []byte("old")) }))
	inUpdate := make(chan struct{})
	release := make(chan struct{})
	done := make(chan error)
	go func() {
		done <- b.Update(func(tx store.Tx) error {
			if err := tx.Put("b", "k", []byte("new")); err != nil {
				return err
			}
			close(inUpdate)
			<-release
			return nil
		})
	}()
	<-inUpdate
	if got := get(t, b, "b", "k"); got != "old" {
		t.Errorf("uncommitted write visible to a reader: %q", got)
	}
	close(release)
	must(t, <-done)
	if got := get(t, b, "b", "k"); got != "new" {
		t.Errorf("committed write not visible: %q", got)
	}
}

func testDeleteBucket(t *testing.T, b store.Backend) {
	must(t, b.Update(func(tx store.Tx) error {
		if err := tx.Put("x", "k", []byte("v")); err != nil {
			return err
		}
		return tx.Put("y", "k", []byte("v"))
	}))
	must(t, b.Update(func(tx store.Tx) error { return tx.DeleteBucket("x") }))
	var names []string
	must(t, b.View(func(tx store.Tx) error { names = tx.Buckets(); return nil }))
	if fmt.Sprint(names) != "[y]" {
		t.Fatalf("Buckets=%v, want [y]", names)
	}
	if got := get(t, b, "x", "k"); got != "<nil>" {
		t.Fatalf("deleted bucket still has key: %q", got)
	}
}

// testParallel drives concurrent writers and readers; run with -race. Every
// writer's increment must land exactly once.
func testParallel(t *testing.T, b store.Backend) {
	const writers, each = 8, 50
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				err := b.Update(func(tx store.Tx) error {
					n, err := tx.NextSequence("p")
					if err != nil {
						return err
					}
					return tx.Put("p", fmt.Sprintf("%08d", n), []byte("x"))
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				_ = b.View(func(tx store.Tx) error { store.Count(tx, "p", ""); return nil })
			}
		}()
	}
	wg.Wait()
	var n int
	must(t, b.View(func(tx store.Tx) error { n = store.Count(tx, "p", ""); return nil }))
	if n != writers*each {
		t.Fatalf("keys=%d, want %d", n, writers*each)
	}
}

// testKeyLimits: every backend stores keys of 1 to MaxKeySize bytes and
// refuses the others with the error CheckKey gives, naming the bucket
// (bbolt cannot store them, so memory must not either). A refused Put
// writes nothing, not even its bucket, and the transaction goes on.
func testKeyLimits(t *testing.T, b store.Backend) {
	longest := strings.Repeat("k", store.MaxKeySize)
	must(t, b.Update(func(tx store.Tx) error { return tx.Put("b", longest, []byte("v")) }))
	if got := get(t, b, "b", longest); got != "v" {
		t.Fatalf("Get(key of MaxKeySize bytes) = %q, want %q", got, "v")
	}
	if err := store.CheckKey(longest); err != nil {
		t.Fatalf("CheckKey(key of MaxKeySize bytes) = %v, want nil", err)
	}
	cases := []struct {
		name, key string
		want      error
	}{
		{"empty", "", store.ErrKeyRequired},
		{"one byte too long", longest + "k", store.ErrKeyTooLarge},
		{"a megabyte", strings.Repeat("k", 1<<20), store.ErrKeyTooLarge},
	}
	for _, c := range cases {
		if err := store.CheckKey(c.key); !errors.Is(err, c.want) {
			t.Errorf("%s: CheckKey got %v, want %v", c.name, err, c.want)
		}
		must(t, b.Update(func(tx store.Tx) error {
			err := tx.Put("fresh", c.key, []byte("v"))
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), `"fresh"`) {
				t.Errorf("%s: Put got %v, want %v naming bucket \"fresh\"", c.name, err, c.want)
			}
			// The message says how long, but does not quote the key.
			if err != nil && len(err.Error()) > 200 {
				t.Errorf("%s: Put's error is %d bytes long, want a short one", c.name, len(err.Error()))
			}
			if got := tx.Buckets(); fmt.Sprint(got) != "[b]" {
				t.Errorf("%s: Buckets after the refused Put = %v, want [b]", c.name, got)
			}
			return tx.Put("b", "after "+c.name, []byte("v"))
		}))
		if got := get(t, b, "b", "after "+c.name); got != "v" {
			t.Errorf("%s: the write after the refused Put did not commit: Get = %q", c.name, got)
		}
	}
	// A key that cannot be stored cannot be there: reading or deleting it
	// is not an error.
	must(t, b.Update(func(tx store.Tx) error {
		if v := tx.Get("b", longest+"k"); v != nil {
			t.Errorf("Get(too long a key) = %q, want nil", v)
		}
		if err := tx.Delete("b", ""); err != nil {
			t.Errorf("Delete(empty key) got %v, want nil", err)
		}
		return tx.Delete("b", longest+"k")
	}))
}

// testValueLimit: a value over MaxValueSize is refused before it is
// copied. The 2 GiB slice is fresh zeroed memory the Put never reads, so
// it costs address space, not RAM.
func testValueLimit(t *testing.T, b store.Backend) {
	if testing.Short() {
		t.Skip("allocates 2 GiB of address space")
	}
	huge := make([]byte, store.MaxValueSize+1)
	err := b.Update(func(tx store.Tx) error { return tx.Put("b", "k", huge) })
	if !errors.Is(err, store.ErrValueTooLarge) || !strings.Contains(err.Error(), `"b"`) {
		t.Fatalf("Put(value of MaxValueSize+1 bytes) got %v, want ErrValueTooLarge naming bucket \"b\"", err)
	}
	if got := get(t, b, "b", "k"); got != "<nil>" {
		t.Fatalf("Get after the refused Put = %q, want nil", got)
	}
}

// testRefusedBuckets: every write to a bucket CheckBucket refuses (empty,
// reserved, too long) fails on every backend with CheckBucket's error, and
// the reserved bucket, which Bolt keeps its schema version in, is neither
// listed nor readable. The memory backend has no meta bucket but refuses
// its name all the same, so a state document that names it is refused on
// both, not a 500 on one.
func testRefusedBuckets(t *testing.T, b store.Backend) {
	const meta = "\x00iblfake.meta"
	writes := []struct {
		name  string
		write func(tx store.Tx, bucket string) error
	}{
		{"Put", func(tx store.Tx, bucket string) error { return tx.Put(bucket, "schema_version", []byte("2")) }},
		{"Delete", func(tx store.Tx, bucket string) error { return tx.Delete(bucket, "schema_version") }},
		{"NextSequence", func(tx store.Tx, bucket string) error { _, err := tx.NextSequence(bucket); return err }},
		{"SetSequence", func(tx store.Tx, bucket string) error { return tx.SetSequence(bucket, 9) }},
		{"DeleteBucket", func(tx store.Tx, bucket string) error { return tx.DeleteBucket(bucket) }},
	}
	cases := []struct {
		name, bucket string
		want         error
	}{
		{"reserved", meta, store.ErrReservedBucket},
		{"empty", "", store.ErrBucketRequired},
		{"too long", strings.Repeat("b", store.MaxKeySize+1), store.ErrKeyTooLarge},
	}
	for _, c := range cases {
		if err := store.CheckBucket(c.bucket); !errors.Is(err, c.want) {
			t.Errorf("%s: CheckBucket got %v, want %v", c.name, err, c.want)
		}
		for _, w := range writes {
			if err := b.Update(func(tx store.Tx) error { return w.write(tx, c.bucket) }); !errors.Is(err, c.want) {
				t.Errorf("%s: %s got %v, want %v", c.name, w.name, err, c.want)
			}
		}
	}
	for _, ok := range []string{"b", strings.Repeat("b", store.MaxKeySize)} {
		if err := store.CheckBucket(ok); err != nil {
			t.Errorf("CheckBucket(a name of %d bytes) = %v, want nil", len(ok), err)
		}
	}
	must(t, b.View(func(tx store.Tx) error {
		if v := tx.Get(meta, "schema_version"); v != nil {
			t.Errorf("Get(meta bucket) = %q, want nil", v)
		}
		if n := store.Count(tx, meta, ""); n != 0 {
			t.Errorf("Scan(meta bucket) saw %d keys, want 0", n)
		}
		if n := tx.Sequence(meta); n != 0 {
			t.Errorf("Sequence(meta bucket) = %d, want 0", n)
		}
		if got := tx.Buckets(); len(got) != 0 {
			t.Errorf("Buckets = %q, want none", got)
		}
		return nil
	}))
}

// testVersions: reads between two commits share a version, every commit
// (and only a commit) moves it, a write transaction has none, and two
// stores never share one.
func testVersions(t *testing.T, b store.Backend) {
	read := func() store.Version {
		t.Helper()
		var v store.Version
		must(t, b.View(func(tx store.Tx) error {
			var ok bool
			if v, ok = store.VersionOf(tx); !ok {
				t.Fatal("a read transaction has no version")
			}
			return nil
		}))
		return v
	}
	v1 := read()
	if read() != v1 {
		t.Fatal("two reads with no commit between have different versions")
	}
	must(t, b.Update(func(tx store.Tx) error {
		if _, ok := store.VersionOf(tx); ok {
			t.Fatal("a write transaction has a version")
		}
		return tx.Put("b", "k", []byte("v"))
	}))
	v2 := read()
	if v2 == v1 {
		t.Fatal("a commit left the version as it was")
	}
	_ = b.Update(func(tx store.Tx) error {
		_ = tx.Put("b", "k", []byte("w"))
		return errors.New("rolled back")
	})
	if read() != v2 {
		t.Fatal("a rolled-back transaction moved the version")
	}
	other := store.NewMemory()
	defer other.Close()
	must(t, other.View(func(tx store.Tx) error {
		if v, _ := store.VersionOf(tx); v == v2 || v == v1 {
			t.Fatal("two stores share a version")
		}
		return nil
	}))
}
