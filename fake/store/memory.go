package store

import (
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/google/btree"
)

// Memory is the in-memory Backend, the default. Each bucket is a B-tree;
// a write transaction clones (copy-on-write, lazily) the trees it touches
// and publishes them atomically on commit, so readers always see a complete
// committed state without locking and a failed transaction leaves no trace.
type Memory struct {
	mu    sync.Mutex // serialises writers
	state atomic.Pointer[memState]
}

var _ Backend = (*Memory)(nil)

type memItem struct {
	key string
	val []byte
}

func memLess(a, b memItem) bool { return a.key < b.key }

type memBucket struct {
	tree *btree.BTreeG[memItem]
	seq  uint64
}

type memState struct {
	buckets map[string]*memBucket
	// version is the store's and this state's number (VersionOf): every
	// committed change makes a new state with the next number.
	version Version
}

// NewMemory returns an empty in-memory backend.
func NewMemory() *Memory {
	m := &Memory{}
	m.state.Store(&memState{buckets: map[string]*memBucket{}, version: Version{store: storeIDs.Add(1), n: 1}})
	return m
}

// View runs fn on the latest committed state. Its transaction is valid
// only while fn runs (as bbolt's is), so it is recycled: a read costs no
// allocation of its own.
func (m *Memory) View(fn func(Tx) error) error {
	tx := viewTxs.Get().(*memTx)
	tx.base = m.state.Load()
	err := fn(tx)
	tx.base = nil
	viewTxs.Put(tx)
	return err
}

var viewTxs = sync.Pool{New: func() any { return &memTx{} }}

// Update runs fn in a write transaction; see Backend.
func (m *Memory) Update(fn func(Tx) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	tx := &memTx{base: m.state.Load(), writable: true, dirty: map[string]*memBucket{}}
	if err := fn(tx); err != nil {
		return err
	}
	if len(tx.dirty) == 0 {
		return nil
	}
	next := &memState{buckets: make(map[string]*memBucket, len(tx.base.buckets)+len(tx.dirty)),
		version: Version{store: tx.base.version.store, n: tx.base.version.n + 1}}
	for name, b := range tx.base.buckets {
		next.buckets[name] = b
	}
	for name, b := range tx.dirty {
		if b == nil {
			delete(next.buckets, name)
		} else {
			next.buckets[name] = b
		}
	}
	m.state.Store(next)
	return nil
}

// Close is a no-op for memory.
func (m *Memory) Close() error { return nil }

type memTx struct {
	base     *memState
	writable bool
	// dirty holds the buckets this transaction changed (nil = deleted).
	dirty map[string]*memBucket
}

func (tx *memTx) version() (Version, bool) { return tx.base.version, !tx.writable }

func (tx *memTx) bucket(name string) *memBucket {
	if b, ok := tx.dirty[name]; ok {
		return b
	}
	return tx.base.buckets[name]
}

// check refuses a write in a View, or to a bucket no backend writes (the
// names bbolt refuses or Bolt keeps, so that both backends agree).
func (tx *memTx) check(bucket string) error {
	if !tx.writable {
		return ErrReadOnly
	}
	return CheckBucket(bucket)
}

// writeBucket returns a bucket this transaction may modify.
func (tx *memTx) writeBucket(name string) (*memBucket, error) {
	if err := tx.check(name); err != nil {
		return nil, err
	}
	if b, ok := tx.dirty[name]; ok && b != nil {
		return b, nil
	}
	var nb *memBucket
	if old := tx.base.buckets[name]; old != nil && !tx.deleted(name) {
		nb = &memBucket{tree: old.tree.Clone(), seq: old.seq}
	} else {
		nb = &memBucket{tree: btree.NewG(32, memLess)}
	}
	tx.dirty[name] = nb
	return nb, nil
}

func (tx *memTx) deleted(name string) bool {
	b, ok := tx.dirty[name]
	return ok && b == nil
}

func (tx *memTx) Get(bucket, key string) []byte {
	b := tx.bucket(bucket)
	if b == nil {
		return nil
	}
	it, ok := b.tree.Get(memItem{key: key})
	if !ok {
		return nil
	}
	return it.val
}

func (tx *memTx) Put(bucket, key string, value []byte) error {
	if !tx.writable {
		return ErrReadOnly
	}
	// bbolt's limits, so that a key --db refuses is refused here too.
	if err := checkPut(bucket, key, value); err != nil {
		return err
	}
	b, err := tx.writeBucket(bucket)
	if err != nil {
		return err
	}
	v := make([]byte, len(value))
	copy(v, value)
	b.tree.ReplaceOrInsert(memItem{key: key, val: v})
	return nil
}

func (tx *memTx) Delete(bucket, key string) error {
	if err := tx.check(bucket); err != nil {
		return err
	}
	if tx.bucket(bucket) == nil {
		return nil
	}
	b, err := tx.writeBucket(bucket)
	if err != nil {
		return err
	}
	b.tree.Delete(memItem{key: key})
	return nil
}

func (tx *memTx) NextSequence(bucket string) (uint64, error) {
	b, err := tx.writeBucket(bucket)
	if err != nil {
		return 0, err
	}
	b.seq++
	return b.seq, nil
}

func (tx *memTx) Sequence(bucket string) uint64 {
	if b := tx.bucket(bucket); b != nil {
		return b.seq
	}
	return 0
}

func (tx *memTx) SetSequence(bucket string, n uint64) error {
	b, err := tx.writeBucket(bucket)
	if err != nil {
		return err
	}
	b.seq = n
	return nil
}

func (tx *memTx) Scan(bucket, prefix string, reverse bool, fn func(string, []byte) bool) {
	b := tx.bucket(bucket)
	if b == nil {
		return
	}
	visit := func(it memItem) bool {
		if !strings.HasPrefix(it.key, prefix) {
			return false
		}
		return fn(it.key, it.val)
	}
	if !reverse {
		b.tree.AscendGreaterOrEqual(memItem{key: prefix}, visit)
		return
	}
	if prefix == "" {
		b.tree.Descend(visit)
		return
	}
	b.tree.DescendLessOrEqual(memItem{key: prefix + "\xff"}, visit)
}

func (tx *memTx) Buckets() []string {
	var out []string
	for name := range tx.base.buckets {
		if !tx.deleted(name) {
			out = append(out, name)
		}
	}
	for name, b := range tx.dirty {
		if b != nil && tx.base.buckets[name] == nil {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

func (tx *memTx) DeleteBucket(bucket string) error {
	if err := tx.check(bucket); err != nil {
		return err
	}
	tx.dirty[bucket] = nil
	return nil
}
