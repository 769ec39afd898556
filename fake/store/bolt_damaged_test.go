package store_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake/store"
	bolt "go.etcd.io/bbolt"
)

// goodFile writes an iblfake database holding a few thousand entries in a
// few buckets, over several transactions with deletions in between so that
// it has a freelist, branch pages and free pages, and returns its path and
// bytes. Every damaged file in these tests is made from one.
func goodFile(t *testing.T) (string, []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "good.db")
	b, err := store.OpenBolt(path)
	must(t, err)
	value := bytes.Repeat([]byte(`{"name":"learner","email":"learner@example.com"},`), 6)
	for round := range 4 {
		must(t, b.Update(func(tx store.Tx) error {
			for i := range 1000 {
				bucket := fmt.Sprintf("b%d", i%3)
				if err := tx.Put(bucket, fmt.Sprintf("%d-%06d", round, i), value); err != nil {
					return err
				}
				if round > 0 && i%4 == 0 {
					if err := tx.Delete(bucket, fmt.Sprintf("%d-%06d", round-1, i)); err != nil {
						return err
					}
				}
			}
			return nil
		}))
	}
	must(t, b.Close())
	raw, err := os.ReadFile(path)
	must(t, err)
	return path, raw
}

// fileLayout is what bbolt says about a file: its page size, the size its
// meta page claims (high-water mark × page size), and the ids of its live
// pages by type ("leaf", "branch", "freelist").
type fileLayout struct {
	pageSize, claimed int
	pages             map[string][]int
}

func layoutOf(t *testing.T, path string) fileLayout {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true, PreLoadFreelist: true})
	must(t, err)
	defer db.Close()
	l := fileLayout{pageSize: db.Info().PageSize, pages: map[string][]int{}}
	must(t, db.View(func(tx *bolt.Tx) error {
		l.claimed = int(tx.Size())
		for id := 2; ; {
			p, err := tx.Page(id)
			if err != nil || p == nil {
				return err
			}
			l.pages[p.Type] = append(l.pages[p.Type], id)
			id += 1 + p.OverflowCount // the pages of an overflow run have no header
		}
	}))
	return l
}

// withBytes returns a copy of raw with data written at off (extending it if
// needed), as dd conv=notrunc would.
func withBytes(raw []byte, off int, data []byte) []byte {
	out := bytes.Clone(raw)
	if n := off + len(data); n > len(out) {
		out = append(out, make([]byte, n-len(out))...)
	}
	copy(out[off:], data)
	return out
}

// keyPastEnd returns raw, one page longer, with the first element of the
// page at off pointing at a key one page past the new end. The elements
// follow the page's 16-byte header; a leaf element is flags, pos, ksize,
// vsize (uint32 each), a branch element pos, ksize (uint32) and the child's
// page id, pos counting from the element itself. Integers are in the
// machine's byte order, as bbolt maps them in place.
func keyPastEnd(raw []byte, off, page int, leaf bool) []byte {
	out := append(bytes.Clone(raw), make([]byte, page)...)
	elem := off + 16
	pos := elem
	if leaf {
		pos += 4
	}
	binary.NativeEndian.PutUint32(out[pos:], uint32(len(out)+page-elem))
	return out
}

func randomBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	out := make([]byte, n)
	for i := range out {
		out[i] = byte(r.Uint32())
	}
	return out
}

// TestBoltRefusesDamagedFiles opens files damaged in the ways disks, copies
// and people damage them. Each must fail with an error naming the file and
// saying what is wrong (ErrDamaged for an iblfake file that is no longer
// whole), never panic, never die of SIGBUS, never open and then fail on
// reads; and OpenBolt must leave the file as it found it, for recovery.
func TestBoltRefusesDamagedFiles(t *testing.T) {
	_, good := goodFile(t)
	dir := t.TempDir()
	l := layoutOf(t, filepath.Join(dir, writeFile(t, dir, "layout.db", good)))
	page := l.pageSize
	leaves, branches := l.pages["leaf"], l.pages["branch"]
	if len(leaves) < 8 || len(branches) == 0 || len(l.pages["freelist"]) != 1 || len(l.pages["free"]) == 0 {
		t.Fatalf("the good file is too simple to damage usefully: %d leaf, %d branch, %d freelist, %d free pages",
			len(leaves), len(branches), len(l.pages["freelist"]), len(l.pages["free"]))
	}
	if l.claimed > len(good) {
		t.Fatalf("the good file is %d bytes but its meta page claims %d", len(good), l.claimed)
	}
	// at returns the offset of the live leaf page a fraction through the file.
	at := func(frac float64) int { return leaves[int(frac*float64(len(leaves)-1))] * page }
	freelist := l.pages["freelist"][0] * page

	cases := []struct {
		name string
		data []byte // nil: a directory
		// want is a part of the error; damaged says it wraps ErrDamaged.
		want    string
		damaged bool
	}{
		// bbolt panicked reading a freelist page that is not there.
		{"truncated to 10 KiB", good[:10<<10], "truncated", true},
		// The meta page claims more pages than there are. bbolt maps as
		// many, so reading the last (its freelist) reads past the end of
		// the file: a SIGBUS that kills the process.
		{"truncated one page short of its meta", good[:l.claimed-page], "truncated", true},
		// Here the map ends before the freelist: bbolt reads whatever
		// memory lies beyond it (a panic, or a SIGSEGV).
		{"truncated to half", good[:len(good)/2], "truncated", true},
		{"truncated to one page", good[:page], "file size too small", true},
		{"64 KiB of random bytes a quarter in", withBytes(good, at(0.25), randomBytes(1, 64<<10)), "consistency check", true},
		{"64 KiB of random bytes half way", withBytes(good, at(0.5), randomBytes(2, 64<<10)), "consistency check", true},
		{"64 KiB of random bytes three quarters in", withBytes(good, at(0.75), randomBytes(3, 64<<10)), "consistency check", true},
		{"random bytes over one leaf page", withBytes(good, leaves[len(leaves)/3]*page, randomBytes(4, page)), "consistency check", true},
		// A page whose header survives but whose elements do not.
		{"random bytes over a leaf page's elements", withBytes(good, leaves[len(leaves)/2]*page+16, randomBytes(5, page-16)), "consistency check", true},
		// A page intact but for the offset of its first key, which now
		// points one page past the end of the file (made one page longer,
		// so that bbolt's map reaches past its end). bbolt's check reads
		// keys on a goroutine of its own, where that SIGBUS would kill the
		// process; OpenBolt reads (leaf) or bounds-checks (branch) every
		// key first.
		{"a leaf key pointing past the end of the file", keyPastEnd(good, leaves[len(leaves)/2]*page, page, true), "faulted", true},
		{"a branch key pointing past the end of the file", keyPastEnd(good, branches[0]*page, page, false), "lies outside the page", true},
		{"random bytes over a branch page", withBytes(good, branches[0]*page, randomBytes(6, page)), "consistency check", true},
		{"random bytes over the freelist", withBytes(good, freelist, randomBytes(7, page)), "freelist", true},
		// Both meta pages keep bbolt's magic number but fail their checksum.
		{"both meta pages' checksums broken", withBytes(withBytes(good, 16+40, []byte{0xff}), page+16+40, []byte{0xff}), "checksum", true},
		{"all zeros", make([]byte, len(good)), "not an iblfake database", false},
		{"a text file", []byte(strings.Repeat("this is not a database\n", 400)), "not an iblfake database", false},
		{"a directory", nil, "is a directory", false},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, fmt.Sprintf("damaged%d.db", i))
			if c.data == nil {
				must(t, os.Mkdir(path, 0o700))
			} else {
				writeFile(t, dir, filepath.Base(path), c.data)
			}
			// Twice: a refused file must not stay locked by the first
			// attempt, so the second gives the same answer (not ErrInUse).
			for attempt := 1; attempt <= 2; attempt++ {
				b, err := store.OpenBolt(path)
				if err == nil {
					b.Close()
					t.Fatalf("attempt %d: OpenBolt succeeded, want an error containing %q", attempt, c.want)
				}
				if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
					t.Fatalf("attempt %d: got %q, want an error naming %s and containing %q", attempt, err, path, c.want)
				}
				if got := errors.Is(err, store.ErrDamaged); got != c.damaged {
					t.Fatalf("attempt %d: errors.Is(%q, ErrDamaged) = %v, want %v", attempt, err, got, c.damaged)
				}
				if attempt == 1 {
					t.Log(err)
				}
			}
			if c.data != nil {
				after, err := os.ReadFile(path)
				must(t, err)
				if !bytes.Equal(after, c.data) {
					t.Fatalf("OpenBolt changed the refused file (%d bytes before, %d after)", len(c.data), len(after))
				}
			}
		})
	}
}

// TestBoltGoodFileOpens: the check OpenBolt runs passes a sound file, which
// keeps its data and stays writable.
func TestBoltGoodFileOpens(t *testing.T) {
	path, _ := goodFile(t)
	b, err := store.OpenBolt(path)
	if err != nil {
		t.Fatalf("got %v, want the good file to open", err)
	}
	defer b.Close()
	must(t, b.Check())
	var n int
	must(t, b.View(func(tx store.Tx) error {
		for _, name := range tx.Buckets() {
			n += store.Count(tx, name, "")
		}
		return nil
	}))
	if want := 4*1000 - 3*250; n != want {
		t.Fatalf("got %d entries, want %d", n, want)
	}
	must(t, b.Update(func(tx store.Tx) error { return tx.Put("b0", "after", []byte("x")) }))
}

// TestBoltReadOnlyFile: a file iblfake may read but not write is refused
// with the system's reason, before any check, not reported as damaged.
func TestBoltReadOnlyFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root may write any file")
	}
	path, _ := goodFile(t)
	must(t, os.Chmod(path, 0o400))
	_, err := store.OpenBolt(path)
	if err == nil || !strings.Contains(err.Error(), "permission denied") || !strings.Contains(err.Error(), path) {
		t.Fatalf("got %v, want permission denied naming %s", err, path)
	}
	if errors.Is(err, store.ErrDamaged) {
		t.Fatalf("got %v, want it not to wrap ErrDamaged", err)
	}
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	must(t, os.WriteFile(filepath.Join(dir, name), data, 0o600))
	return name
}
