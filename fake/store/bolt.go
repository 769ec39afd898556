package store

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// SchemaVersion is the layout version of the data a Bolt file holds (bucket
// names, key formats, entity JSON). Bump it when a change makes files
// written by an older iblfake unreadable; OpenBolt refuses a file whose
// version differs instead of serving corrupted reads.
const SchemaVersion = 1

// metaBucket (store.go) is Bolt's own bucket: it records the schema version.
const metaSchemaKey = "schema_version"

// MaxKeySize and MaxValueSize are bbolt's: these fail to compile (a negative
// constant converted to uint) if bbolt's limits ever differ from them.
const (
	_ = uint(MaxKeySize-bolt.MaxKeySize) + uint(bolt.MaxKeySize-MaxKeySize)
	_ = uint(MaxValueSize-bolt.MaxValueSize) + uint(bolt.MaxValueSize-MaxValueSize)
)

// Errors OpenBolt wraps; test with errors.Is.
var (
	// ErrInUse: another process (or another Bolt in this one) holds the file.
	ErrInUse = errors.New("in use by another process")
	// ErrSchemaVersion: the file was written with another SchemaVersion.
	ErrSchemaVersion = errors.New("incompatible schema version")
	// ErrDamaged: the file is a bbolt file that is no longer whole (empty,
	// truncated, meta pages that fail their checksum, pages that fail the
	// consistency check), so serving from it would panic, or fault and
	// kill the process, on the damaged pages.
	ErrDamaged = errors.New("damaged")
)

// Bolt is the persistent Backend: one bbolt file, each store bucket a bbolt
// bucket. Every Update commits, fsynced, before it returns, so a write that
// was acknowledged survives a crash and a failed or interrupted one leaves
// no trace. Updates that arrive together share a bbolt transaction and its
// fsync (group commit, bolt_batch.go), each function run once. Readers run
// on MVCC snapshots alongside the writer.
type Bolt struct {
	db    *bolt.DB
	path  string
	id    uint64 // its number in the process (Version)
	group boltGroup
}

var _ Backend = (*Bolt)(nil)

// BoltOption configures OpenBolt.
type BoltOption func(*boltConfig)

type boltConfig struct {
	lockTimeout time.Duration
}

// BoltLockTimeout sets how long OpenBolt waits for another holder of the
// file to let it go before failing with ErrInUse (default 500ms).
func BoltLockTimeout(d time.Duration) BoltOption {
	return func(c *boltConfig) { c.lockTimeout = d }
}

// OpenBolt opens (creating if needed) the bbolt file at path. It fails with
// an error wrapping ErrInUse when another process holds the file, with one
// wrapping ErrSchemaVersion when the file records another SchemaVersion,
// and with one wrapping ErrDamaged when the file is truncated or fails the
// consistency check it runs over every page before anything reads or
// writes the data (see checkOpen). It never panics on a damaged file.
func OpenBolt(path string, opts ...BoltOption) (*Bolt, error) {
	cfg := boltConfig{lockTimeout: 500 * time.Millisecond}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.lockTimeout <= 0 {
		// bbolt waits forever on 0; never hang a second process.
		cfg.lockTimeout = 500 * time.Millisecond
	}
	// Before bbolt maps the file for writing (which reads its freelist,
	// near the end of the file), make sure the file holds every page its
	// meta page claims: reading a missing one is a SIGBUS, not an error.
	if err := checkLength(path, cfg); err != nil {
		return nil, err
	}
	db, file, err := openGuarded(path, &bolt.Options{Timeout: cfg.lockTimeout, FreelistType: bolt.FreelistMapType, MmapFlags: mmapFlags})
	if err != nil {
		return nil, openError(path, err, cfg)
	}
	if err := checkOpen(db, file, path); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.Update(func(tx *bolt.Tx) error { return initMeta(tx, path) }); err != nil {
		db.Close()
		return nil, err
	}
	return &Bolt{db: db, path: path, id: storeIDs.Add(1), group: boltGroup{db: db}}, nil
}

// openError turns an error of bolt.Open into one that names the file and
// says what is wrong with it.
func openError(path string, err error, cfg boltConfig) error {
	var errno syscall.Errno
	var perr *fs.PathError
	switch {
	case errors.Is(err, ErrDamaged):
		return err // already says so (openGuarded)
	case errors.Is(err, bolterrors.ErrTimeout):
		return fmt.Errorf("store: %s is %w (its lock was not released within %s); stop the other iblfake or use another --db file",
			path, ErrInUse, cfg.lockTimeout)
	case errors.Is(err, bolterrors.ErrChecksum):
		// bbolt's magic number and version are there, so it is a bbolt
		// file, but neither meta page is what was written.
		return damaged(path, "both of its meta pages fail their checksum")
	case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrVersionMismatch):
		return fmt.Errorf("store: %s is not an iblfake database: %w", path, err)
	case errors.As(err, &perr):
		// The system refused (a directory, permissions): not the file's
		// content. The error already names the file.
		return fmt.Errorf("store: %w", err)
	case errors.As(err, &errno):
		// The same, from a system call bbolt made on the open file (mmap,
		// flock, an I/O error).
		return fmt.Errorf("store: open %s: %w", path, err)
	default:
		// bbolt's own complaints about what it read, such as "file size
		// too small" for a file of one page.
		return damaged(path, "bbolt cannot open it: %v", err)
	}
}

// initMeta stamps a new file with SchemaVersion and checks an existing one.
func initMeta(tx *bolt.Tx, path string) error {
	meta := tx.Bucket([]byte(metaBucket))
	if meta == nil {
		empty := true
		_ = tx.ForEach(func([]byte, *bolt.Bucket) error { empty = false; return nil })
		if !empty {
			return fmt.Errorf("store: %s is a bbolt file but not an iblfake database (it has no iblfake metadata)", path)
		}
		meta, err := tx.CreateBucket([]byte(metaBucket))
		if err != nil {
			return err
		}
		if err := meta.Put([]byte("created_at"), []byte(time.Now().UTC().Format(time.RFC3339))); err != nil {
			return err
		}
		return meta.Put([]byte(metaSchemaKey), []byte(strconv.Itoa(SchemaVersion)))
	}
	raw := meta.Get([]byte(metaSchemaKey))
	v, err := strconv.Atoi(string(raw))
	if err != nil {
		return fmt.Errorf("store: %s: unreadable schema version %q: %w", path, raw, ErrSchemaVersion)
	}
	if v != SchemaVersion {
		return fmt.Errorf("store: %s has schema version %d but this iblfake reads schema version %d: %w; "+
			"use a new --db file (or the iblfake that wrote it)", path, v, SchemaVersion, ErrSchemaVersion)
	}
	return nil
}

// Path returns the file's path.
func (b *Bolt) Path() string { return b.path }

// View runs fn on a consistent snapshot; see Backend.
func (b *Bolt) View(fn func(Tx) error) error {
	return b.db.View(func(tx *bolt.Tx) error { return fn(boltTx{tx: tx, store: b.id}) })
}

// Update runs fn in a bbolt write transaction, perhaps shared with other
// Updates (boltGroup), and returns once it is committed; see Backend.
func (b *Bolt) Update(fn func(Tx) error) error {
	return b.group.update(b.id, fn)
}

// Close waits for open transactions, then releases the file and its lock.
func (b *Bolt) Close() error { return b.db.Close() }

// Check runs bbolt's consistency check over the whole file and returns the
// problems it finds, joined (nil for a sound file).
func (b *Bolt) Check() error {
	var errs []error
	err := b.db.View(func(tx *bolt.Tx) error {
		errs, _ = boltCheck(tx, -1)
		return nil
	})
	return errors.Join(append(errs, err)...)
}

type boltTx struct {
	tx    *bolt.Tx
	store uint64     // Bolt.id
	g     *boltGroup // logs an Update's changes; nil in a View
}

// version is the file's transaction id, which bbolt increments on every
// commit and every read transaction between two commits shares.
func (t boltTx) version() (Version, bool) {
	return Version{store: t.store, n: uint64(t.tx.ID())}, !t.tx.Writable()
}

func (t boltTx) bucket(name string) *bolt.Bucket {
	if name == metaBucket {
		return nil
	}
	return t.tx.Bucket([]byte(name))
}

// writable refuses a write in a View, or to a bucket no backend writes.
func (t boltTx) writable(name string) error {
	if !t.tx.Writable() {
		return ErrReadOnly
	}
	return CheckBucket(name)
}

// writeBucket returns the bucket, created if needed, for a write.
func (t boltTx) writeBucket(name string) (*bolt.Bucket, error) {
	if err := t.writable(name); err != nil {
		return nil, err
	}
	b, err := t.tx.CreateBucketIfNotExists([]byte(name))
	if err != nil {
		return nil, fmt.Errorf("store: bucket %q: %w", name, err)
	}
	return b, nil
}

func (t boltTx) Get(bucket, key string) []byte {
	b := t.bucket(bucket)
	if b == nil {
		return nil
	}
	return b.Get([]byte(key))
}

func (t boltTx) Put(bucket, key string, value []byte) error {
	if err := t.checkPut(bucket, key, value); err != nil {
		return err
	}
	// bbolt keeps the slice until commit; the caller may reuse its buffer.
	v := make([]byte, len(value))
	copy(v, value)
	return t.put(bucket, key, v)
}

func (t boltTx) putOwned(bucket, key string, v []byte) error {
	if err := t.checkPut(bucket, key, v); err != nil {
		return err
	}
	return t.put(bucket, key, v)
}

// checkPut refuses a Put in a View, and what bbolt cannot store. It runs
// before the bucket is made: a refused Put leaves no trace, and the memory
// backend refuses the same keys with the same errors.
func (t boltTx) checkPut(bucket, key string, value []byte) error {
	if !t.tx.Writable() {
		return ErrReadOnly
	}
	return checkPut(bucket, key, value)
}

// put stores v, which bbolt now keeps until the commit, under key.
func (t boltTx) put(bucket, key string, v []byte) error {
	b, err := t.writeBucket(bucket)
	if err != nil {
		return err
	}
	if err := b.Put([]byte(key), v); err != nil {
		return fmt.Errorf("store: %s/%q: %w", bucket, key, err)
	}
	t.g.log(boltOp{kind: opPut, bucket: bucket, key: key, val: v})
	return nil
}

func (t boltTx) Delete(bucket, key string) error {
	if err := t.writable(bucket); err != nil {
		return err
	}
	b := t.bucket(bucket)
	if b == nil {
		return nil
	}
	if err := b.Delete([]byte(key)); err != nil {
		return err
	}
	t.g.log(boltOp{kind: opDelete, bucket: bucket, key: key})
	return nil
}

func (t boltTx) NextSequence(bucket string) (uint64, error) {
	b, err := t.writeBucket(bucket)
	if err != nil {
		return 0, err
	}
	n, err := b.NextSequence()
	if err != nil {
		return 0, err
	}
	t.g.log(boltOp{kind: opSequence, bucket: bucket, seq: n})
	return n, nil
}

func (t boltTx) Sequence(bucket string) uint64 {
	if b := t.bucket(bucket); b != nil {
		return b.Sequence()
	}
	return 0
}

func (t boltTx) SetSequence(bucket string, n uint64) error {
	b, err := t.writeBucket(bucket)
	if err != nil {
		return err
	}
	if err := b.SetSequence(n); err != nil {
		return err
	}
	t.g.log(boltOp{kind: opSequence, bucket: bucket, seq: n})
	return nil
}

func (t boltTx) Scan(bucket, prefix string, reverse bool, fn func(string, []byte) bool) {
	b := t.bucket(bucket)
	if b == nil {
		return
	}
	c := b.Cursor()
	p := []byte(prefix)
	var k, v []byte
	switch {
	case !reverse:
		k, v = c.Seek(p)
	case len(p) == 0:
		k, v = c.Last()
	default:
		// Position on the last key with the prefix: seek to the first key
		// past every key that has it, then step back.
		if end := prefixEnd(p); end == nil {
			k, v = c.Last()
		} else if k, _ = c.Seek(end); k == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
	}
	for ; k != nil && bytes.HasPrefix(k, p); k, v = step(c, reverse) {
		if v == nil && b.Bucket(k) != nil {
			continue // a nested bucket; the store never makes them
		}
		if !fn(string(k), v) {
			return
		}
	}
}

func step(c *bolt.Cursor, reverse bool) ([]byte, []byte) {
	if reverse {
		return c.Prev()
	}
	return c.Next()
}

// prefixEnd returns the smallest key greater than every key starting with
// p, or nil when there is none (p is all 0xff).
func prefixEnd(p []byte) []byte {
	end := bytes.Clone(p)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

func (t boltTx) Buckets() []string {
	var out []string
	_ = t.tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
		if string(name) != metaBucket {
			out = append(out, string(name))
		}
		return nil
	})
	return out // bbolt iterates in key order, which is sorted
}

func (t boltTx) DeleteBucket(bucket string) error {
	if err := t.writable(bucket); err != nil {
		return err
	}
	err := t.tx.DeleteBucket([]byte(bucket))
	if errors.Is(err, bolterrors.ErrBucketNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	t.g.log(boltOp{kind: opDropBucket, bucket: bucket})
	return nil
}
