package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// A damaged --db file must be refused at OpenBolt with an error, not found
// by a request. bbolt trusts its file: it maps it into memory and follows
// the page ids it reads, so a truncated file or pages overwritten with
// other bytes make it panic on an assertion (which a server turns into
// 500s, forever) or read past the end of the file or of the mapping (a
// SIGBUS or SIGSEGV, which kills the process with a runtime dump). OpenBolt
// therefore checks the file in three steps, each before the next one could
// be hurt by what it rules out:
//
//  1. checkLength: the file is at least as long as its meta page says,
//     read by a read-only open that touches nothing but the meta pages;
//  2. openGuarded: bolt.Open itself, which reads the freelist, with its
//     panics and faults turned into errors;
//  3. checkOpen: every page is read or bounds-checked (walkPages,
//     checkPages), then bbolt's consistency check runs (boltCheck), all
//     before the first request.
//
// The walk and bbolt's check cost time per key and per page: on a 1.2 GiB
// file OpenBolt takes about 0.4 s with 1.5 million keys and 0.6 s with 6
// million, against 0.02-0.05 s without them (TestBoltOpenLargeFile, warm
// page cache; MAP_POPULATE has read the file into memory either way).

// maxProblems is how many of the consistency check's findings an error
// quotes; a badly damaged file has thousands and the first say enough.
const maxProblems = 5

// damaged returns the error OpenBolt fails with for a damaged file.
func damaged(path, format string, args ...any) error {
	return fmt.Errorf("store: %s is %w: %s; restore it from a copy, or move it aside to start an empty database",
		path, ErrDamaged, fmt.Sprintf(format, args...))
}

// checkLength refuses a file shorter than the pages its meta page claims
// (high-water page id × page size). Such a file was truncated (a copy cut
// short, a full disk): bbolt maps the pages it expects, and reading one
// past the end of the file is a SIGBUS. A read-only open reads only the
// two meta pages, so this step is safe on any file; it maps without
// MAP_POPULATE, which would read the whole file for nothing. A path that
// does not exist (OpenBolt creates it) or is not a regular file (bolt.Open
// says what it is) is left to bolt.Open.
func checkLength(path string, cfg boltConfig) error {
	info, err := os.Stat(path)
	if err != nil || !info.Mode().IsRegular() {
		return nil
	}
	if info.Size() == 0 {
		// bbolt makes a new database of an empty file (as made by mktemp
		// or touch), and nothing is lost by doing so: there is nothing
		// to damage.
		return nil
	}
	db, err := bolt.Open(path, 0, &bolt.Options{Timeout: cfg.lockTimeout, ReadOnly: true})
	if err != nil {
		return openError(path, err, cfg)
	}
	defer db.Close()
	var claimed int64
	_ = db.View(func(tx *bolt.Tx) error { claimed = tx.Size(); return nil })
	// Stat again under the lock the open took: a writer that held the file
	// a moment ago may have grown it since.
	if info, err = os.Stat(path); err != nil {
		return fmt.Errorf("store: open %s: %w", path, err)
	}
	if info.Size() < claimed {
		page := int64(db.Info().PageSize)
		return damaged(path, "it was truncated: it is %d bytes but its meta page says %d (%d pages of %d bytes)",
			info.Size(), claimed, claimed/page, page)
	}
	return nil
}

// openGuarded is bolt.Open with its panics and memory faults turned into an
// error wrapping ErrDamaged (an overwritten freelist page makes it panic
// "invalid freelist page"). bolt.Open neither unlocks nor closes the file
// when it panics, so the file it opened is kept (through Options.OpenFile)
// and unlocked and closed here: the next OpenBolt of the same path gives
// the same answer, not ErrInUse. The memory map bbolt made of the file
// cannot be reached and stays until the process exits. The file is also
// returned, for checkPages to read.
func openGuarded(path string, opts *bolt.Options) (*bolt.DB, *os.File, error) {
	var file *os.File
	opts.OpenFile = func(name string, flag int, perm os.FileMode) (*os.File, error) {
		f, err := os.OpenFile(name, flag, perm)
		file = f
		return f, err
	}
	var db *bolt.DB
	err := guard(func() (err error) {
		db, err = bolt.Open(path, 0o600, opts)
		return err
	})
	if p, ok := err.(*recovered); ok {
		if file != nil {
			unlockFile(file)
			file.Close()
		}
		return nil, nil, damaged(path, "bbolt cannot open it: %s", p)
	}
	return db, file, err
}

// checkOpen checks an opened file in the order that keeps every step safe
// from what the previous ones rule out, and returns an error wrapping
// ErrDamaged listing the first problems found:
//
//   - walkPages reads every reachable page through bbolt's API on a
//     guarded goroutine (bbolt's assertions panic, reads outside the file
//     fault, both recovered);
//   - checkPages reads the pages walkPages cannot reach into, the keys of
//     branch pages, from the file, and checks that they lie inside their
//     pages;
//   - boltCheck runs bbolt's consistency check (freelist, pages both free
//     and in use, unreachable pages, key order).
//
// bbolt's check runs on a goroutine of its own (Tx.Check starts one), on
// which a fault cannot be recovered, so it comes last: by then every byte
// it reads has been read, or bounds-checked, by the two steps before it.
func checkOpen(db *bolt.DB, file *os.File, path string) error {
	var problems []string
	err := guard(func() error {
		return db.View(func(tx *bolt.Tx) error {
			if err := walkPages(tx); err != nil {
				problems = append(problems, err.Error())
				return nil
			}
			if err := checkPages(tx, file, db.Info().PageSize); err != nil {
				problems = append(problems, err.Error())
				return nil
			}
			errs, n := boltCheck(tx, maxProblems)
			for _, e := range errs {
				problems = append(problems, e.Error())
			}
			if n > len(errs) {
				problems = append(problems, fmt.Sprintf("and %d more", n-len(errs)))
			}
			return nil
		})
	})
	if p, ok := err.(*recovered); ok {
		problems = append(problems, p.String())
	} else if err != nil {
		return fmt.Errorf("store: check %s: %w", path, err)
	}
	if len(problems) > 0 {
		return damaged(path, "the consistency check found: %s", strings.Join(problems, "; "))
	}
	return nil
}

// bbolt's page layout, which checkPages reads: a 16-byte header (id
// uint64, flags, count uint16, overflow uint32) and, on a branch page,
// count 16-byte elements (pos, ksize uint32, child id uint64), each key
// ksize bytes at pos bytes from its element. Integers are in the byte
// order of the machine that wrote them, as bbolt maps them in place.
const (
	pageHeaderSize    = 16
	branchElementSize = 16
)

// checkPages checks, for every page below the high-water mark that is not
// free, that its overflow pages end below the mark, and, for a branch
// page, that its elements and their keys lie inside the page. It reads
// the branch pages from the file, not from bbolt's map, so a key offset
// pointing anywhere is an error rather than a fault; walkPages has checked
// every other page a request or bbolt's check reads. It also keeps bbolt's
// check from looping over a page that claims billions of overflow pages.
func checkPages(tx *bolt.Tx, file *os.File, pageSize int) error {
	hwm := int(tx.Size() / int64(pageSize))
	for id := 2; id < hwm; { // pages 0 and 1 are the meta pages
		p, err := tx.Page(id)
		if err != nil || p == nil {
			return err
		}
		if p.Type == "free" {
			// A free page's header may be stale bytes (a page inside a
			// freed overflow run has none), so do not skip by it.
			id++
			continue
		}
		if id+p.OverflowCount >= hwm {
			return fmt.Errorf("page %d: its %d overflow pages run past the last page (%d)", id, p.OverflowCount, hwm-1)
		}
		if p.Type == "branch" {
			buf := make([]byte, (1+p.OverflowCount)*pageSize)
			if _, err := file.ReadAt(buf, int64(id)*int64(pageSize)); err != nil {
				return fmt.Errorf("page %d: %w", id, err)
			}
			if err := branchInBounds(buf, p.Count); err != nil {
				return fmt.Errorf("page %d: %w", id, err)
			}
		}
		id += 1 + p.OverflowCount // an overflow page has no header of its own
	}
	return nil
}

// branchInBounds checks that the count elements of the branch page in buf
// and their keys lie inside buf.
func branchInBounds(buf []byte, count int) error {
	if end := pageHeaderSize + count*branchElementSize; end > len(buf) {
		return fmt.Errorf("branch page of %d elements does not fit in its %d bytes", count, len(buf))
	}
	for i := range count {
		elem := pageHeaderSize + i*branchElementSize
		pos := binary.NativeEndian.Uint32(buf[elem:])
		ksize := binary.NativeEndian.Uint32(buf[elem+4:])
		if end := int64(elem) + int64(pos) + int64(ksize); end > int64(len(buf)) {
			return fmt.Errorf("branch element %d: its key (%d bytes at %d) lies outside the page", i, ksize, int64(elem)+int64(pos))
		}
	}
	return nil
}

// boltCheck runs bbolt's consistency check on tx and returns the first max
// problems it reports (all when max < 0) and how many it reported. It reads
// the check's channel to the end, or the check's goroutine would block
// forever on its next report.
func boltCheck(tx *bolt.Tx, max int) ([]error, int) {
	var errs []error
	n := 0
	for err := range tx.Check() {
		if max < 0 || n < max {
			errs = append(errs, err)
		}
		n++
	}
	return errs, n
}

// recovered is a panic (or a memory fault) that guard recovered.
type recovered struct{ value any }

func (r *recovered) Error() string { return r.String() }

func (r *recovered) String() string {
	// A fault SetPanicOnFault turned into a panic carries its address.
	if f, ok := r.value.(interface{ Addr() uintptr }); ok {
		return fmt.Sprintf("reading its pages faulted at address %#x, outside the file", f.Addr())
	}
	return fmt.Sprint(r.value)
}

// guard runs fn on a goroutine of its own on which memory faults (a read
// past the end of a mapped file, or of the mapping) panic instead of
// killing the process, and returns fn's error, or a *recovered for a panic
// or fault. SetPanicOnFault applies to one goroutine only, so fn must not
// hand its reads to others (as bbolt's Tx.Check does).
func guard(fn func() error) error {
	done := make(chan error, 1)
	go func() {
		// Locked to its thread so that a goroutine that recovered from a
		// fault exits locked, which retires the thread that took the
		// signal instead of returning it to the scheduler.
		runtime.LockOSThread()
		debug.SetPanicOnFault(true)
		defer func() {
			if r := recover(); r != nil {
				done <- &recovered{r}
				return
			}
			debug.SetPanicOnFault(false)
			runtime.UnlockOSThread()
		}()
		done <- fn()
	}()
	return <-done
}

// walkPages reads every page of the file reachable from its root: every
// bucket, every key (checking they are in order, as bbolt's B+tree needs)
// and every byte page of every value. bbolt's assertions (a page that does
// not carry its own id, the sign of bytes written over it) panic and reads
// outside the file fault, so it must run under guard.
func walkPages(tx *bolt.Tx) error {
	var sum byte
	err := walkBucket(tx, nil, &sum)
	// Keep the bytes read: without a use of sum the compiler may drop
	// loads that exist only to fault.
	runtime.KeepAlive(sum)
	return err
}

// cursorBucket is what *bolt.Tx (the root bucket) and *bolt.Bucket share.
type cursorBucket interface {
	Cursor() *bolt.Cursor
	Bucket(name []byte) *bolt.Bucket
}

func walkBucket(b cursorBucket, name []byte, sum *byte) error {
	var prev []byte
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if prev != nil && bytes.Compare(prev, k) >= 0 {
			return fmt.Errorf("bucket %s: key %s is not after key %s", quote(name), quote(k), quote(prev))
		}
		prev = k
		touch(k, sum)
		if v == nil { // a nested bucket (every store bucket is one, in the root)
			if child := b.Bucket(k); child != nil {
				if err := walkBucket(child, k, sum); err != nil {
					return err
				}
			}
			continue
		}
		touch(v, sum)
	}
	return nil
}

// osPage is the size of the unit in which a read can fault.
var osPage = os.Getpagesize()

// touch reads one byte of every memory page b spans, which faults if any of
// them lies outside the file.
func touch(b []byte, sum *byte) {
	for i := 0; i < len(b); i += osPage {
		*sum ^= b[i]
	}
	if len(b) > 0 {
		*sum ^= b[len(b)-1]
	}
}

// quote formats a key or bucket name for an error, cut to a readable length.
func quote(b []byte) string {
	if b == nil {
		return "(root)"
	}
	if len(b) > 40 {
		return fmt.Sprintf("%q... (%d bytes)", b[:40], len(b))
	}
	return fmt.Sprintf("%q", b)
}
