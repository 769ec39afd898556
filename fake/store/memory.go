package store

import (
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/btree"
)

// Memory is the in-memory Backend, the default. It keeps two copies of
// the data (left-right): readers read the active copy; the writer changes
// the other one in place, publishes it with one atomic store on commit, and
// brings the copy it left level again at the start of the next write, once
// the readers still on it are gone. So readers take no lock and always see
// a whole committed state, a failed transaction is undone from its undo log
// before anyone sees it, and a write copies nothing: each change is applied
// twice (once in the transaction, once to level the other copy) to mutable
// B-trees, where the copy-on-write trees it replaced copied every node from
// the root to the changed leaf, per tree and per transaction (README,
// Performance).
//
// A reader that stays on the old copy for long (a View that is slow, or
// that writes through Update itself) does not hold writers up: after
// drainWait the writer leaves that copy to it and makes a new one that
// shares the active copy's nodes, copy-on-write, until each is changed.
type Memory struct {
	mu     sync.Mutex // serialises writers; guards spare and behind
	active atomic.Pointer[memSide]
	// spare is the copy the writer changes: level with active, or behind
	// it by the changes in behind (the last commit's).
	spare  *memSide
	behind []memOp
}

var _ Backend = (*Memory)(nil)

// drainWait is how long a writer waits for the readers of the copy it is
// about to change before it gives that copy up (Memory's comment). Readers
// are microseconds long; this is well past them, and well under what a
// copy-on-write fork costs the writes that follow it.
const drainWait = time.Millisecond

type memItem struct {
	key string
	val []byte
}

func memLess(a, b memItem) bool { return a.key < b.key }

// memDegree is the B-trees' degree (nodes of up to 63 items). With
// nothing copied on write, a wide node only costs the shift of an insert
// within its leaf.
const memDegree = 32

type memBucket struct {
	tree *btree.BTreeG[memItem]
	seq  uint64
}

// memSide is one copy of the data.
type memSide struct {
	buckets map[string]*memBucket
	// version is the store's and this copy's committed state (VersionOf).
	version Version
	// readers counts the Views reading this copy; the writer changes it
	// only when it is not the active copy and readers is 0. It has a cache
	// line of its own: every View on either core changes it, and every
	// read looks buckets up.
	_       [64]byte
	readers atomic.Int64
	_       [56]byte
}

// NewMemory returns an empty in-memory backend.
func NewMemory() *Memory {
	v := Version{store: storeIDs.Add(1), n: 1}
	m := &Memory{spare: &memSide{buckets: map[string]*memBucket{}, version: v}}
	m.active.Store(&memSide{buckets: map[string]*memBucket{}, version: v})
	return m
}

// View runs fn on the latest committed state. Its transaction is valid
// only while fn runs (as bbolt's is), so it is recycled: a read costs no
// allocation of its own.
func (m *Memory) View(fn func(Tx) error) error {
	s := m.enter()
	defer s.readers.Add(-1)
	tx := viewTxs.Get().(*memTx)
	tx.side = s
	err := fn(tx)
	tx.side = nil
	viewTxs.Put(tx)
	return err
}

var viewTxs = sync.Pool{New: func() any { return &memTx{} }}

// enter counts a reader in on the active copy and returns it. The count is
// taken before the copy is checked to be still the active one, so a writer
// that saw no reader on a copy it had just replaced never has one reading
// it afterwards: such a reader sees the switch and tries again.
func (m *Memory) enter() *memSide {
	for {
		s := m.active.Load()
		s.readers.Add(1)
		if m.active.Load() == s {
			return s
		}
		s.readers.Add(-1)
	}
}

// Update runs fn in a write transaction; see Backend.
func (m *Memory) Update(fn func(Tx) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.level()
	base := m.active.Load()
	tx := &memTx{side: m.spare, m: m}
	done := false
	defer func() {
		if !done { // fn panicked: leave no trace, then let the panic go on
			tx.undo()
		}
		tx.side, tx.m = nil, nil
	}()
	err := fn(tx)
	done = true
	if err != nil {
		tx.undo()
		return err
	}
	if len(m.behind) == 0 {
		return nil
	}
	m.spare.version = Version{store: base.version.store, n: base.version.n + 1}
	m.active.Store(m.spare)
	m.spare = base
	return nil
}

// level brings spare level with the active copy: it applies the last
// commit's changes to it once its readers are gone, or, when one stays
// past drainWait, leaves it to them and forks a new spare from the active
// copy.
func (m *Memory) level() {
	if len(m.behind) == 0 {
		return
	}
	active := m.active.Load()
	if drained(m.spare) {
		for i := range m.behind {
			m.behind[i].redo(m.spare)
		}
		m.spare.version = active.version
	} else {
		m.spare = active.fork()
	}
	clear(m.behind) // let go of the values
	if cap(m.behind) > maxKeptLog {
		m.behind = nil // a large import's log is not kept for ever
	}
	m.behind = m.behind[:0]
}

// maxKeptLog is the longest change log level keeps for reuse.
const maxKeptLog = 1 << 12

// drained reports whether s has no reader, waiting up to drainWait.
func drained(s *memSide) bool {
	if s.readers.Load() == 0 {
		return true
	}
	deadline := time.Now().Add(drainWait)
	for s.readers.Load() != 0 {
		if time.Now().After(deadline) {
			return false
		}
		runtime.Gosched()
	}
	return true
}

// fork returns a new copy of s that shares its B-tree nodes, each copied
// by whichever tree changes it first. s is the active copy: Clone only
// gives its trees a new copy-on-write context, which readers never read.
func (s *memSide) fork() *memSide {
	f := &memSide{buckets: make(map[string]*memBucket, len(s.buckets)), version: s.version}
	for name, b := range s.buckets {
		f.buckets[name] = &memBucket{tree: b.tree.Clone(), seq: b.seq}
	}
	return f
}

// Close is a no-op for memory.
func (m *Memory) Close() error { return nil }

// memOpKind is what a memOp changed.
type memOpKind uint8

const (
	opPut memOpKind = iota
	opDelete
	opSequence
	opDropBucket
)

// memOp is one change a write transaction made to its copy: what to do
// again to the other copy (redo) and how to take it back (undo).
type memOp struct {
	kind   memOpKind
	bucket string
	item   memItem // opPut: the item written; opDelete: the key
	seq    uint64  // opSequence: the new sequence
	// Undo: the item replaced or removed (had says whether there was one),
	// the sequence before, the bucket dropped, and whether the change made
	// its bucket.
	old     memItem
	had     bool
	oldSeq  uint64
	dropped *memBucket
	created bool
}

// redo applies op to s, the other copy.
func (op *memOp) redo(s *memSide) {
	switch op.kind {
	case opPut:
		s.bucket(op.bucket).tree.ReplaceOrInsert(op.item)
	case opDelete:
		if b := s.buckets[op.bucket]; b != nil {
			b.tree.Delete(op.item)
		}
	case opSequence:
		s.bucket(op.bucket).seq = op.seq
	case opDropBucket:
		delete(s.buckets, op.bucket)
	}
}

// undo takes op back from s, the copy it was made in; ops are undone last
// first, so s is as op found it.
func (op *memOp) undo(s *memSide) {
	switch op.kind {
	case opPut, opDelete:
		b := s.buckets[op.bucket]
		if op.had {
			b.tree.ReplaceOrInsert(op.old)
		} else {
			b.tree.Delete(op.item)
		}
	case opSequence:
		s.buckets[op.bucket].seq = op.oldSeq
	case opDropBucket:
		s.buckets[op.bucket] = op.dropped
	}
	if op.created {
		delete(s.buckets, op.bucket)
	}
}

// bucket returns s's bucket name, made if missing.
func (s *memSide) bucket(name string) *memBucket {
	b := s.buckets[name]
	if b == nil {
		b = &memBucket{tree: btree.NewG(memDegree, memLess)}
		s.buckets[name] = b
	}
	return b
}

// memTx is a transaction on one copy: a View's (m nil) reads the active
// copy, an Update's changes the spare one and logs each change in
// m.behind.
type memTx struct {
	side *memSide
	m    *Memory // nil in a View
}

func (tx *memTx) version() (Version, bool) { return tx.side.version, tx.m == nil }

// undo takes back every change tx made, last first.
func (tx *memTx) undo() {
	log := tx.m.behind
	for i := len(log) - 1; i >= 0; i-- {
		log[i].undo(tx.side)
	}
	clear(log)
	tx.m.behind = log[:0]
}

// check refuses a write in a View, or to a bucket no backend writes (the
// names bbolt refuses or Bolt keeps, so that both backends agree).
func (tx *memTx) check(bucket string) error {
	if tx.m == nil {
		return ErrReadOnly
	}
	return CheckBucket(bucket)
}

// writeBucket returns the bucket, made if needed, and whether it was.
func (tx *memTx) writeBucket(name string) (*memBucket, bool) {
	if b := tx.side.buckets[name]; b != nil {
		return b, false
	}
	return tx.side.bucket(name), true
}

func (tx *memTx) log(op memOp) { tx.m.behind = append(tx.m.behind, op) }

func (tx *memTx) Get(bucket, key string) []byte {
	b := tx.side.buckets[bucket]
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
	if err := tx.checkPut(bucket, key, value); err != nil {
		return err
	}
	v := make([]byte, len(value))
	copy(v, value)
	tx.put(bucket, key, v)
	return nil
}

func (tx *memTx) putOwned(bucket, key string, v []byte) error {
	if err := tx.checkPut(bucket, key, v); err != nil {
		return err
	}
	if v == nil {
		v = []byte{} // a value, not "no value": Get tells them apart
	}
	tx.put(bucket, key, v)
	return nil
}

// checkPut refuses a Put in a View, and what bbolt refuses (checkPut), so
// that a key --db refuses is refused here too.
func (tx *memTx) checkPut(bucket, key string, value []byte) error {
	if tx.m == nil {
		return ErrReadOnly
	}
	return checkPut(bucket, key, value)
}

// put stores v, which the store now owns, under key.
func (tx *memTx) put(bucket, key string, v []byte) {
	b, created := tx.writeBucket(bucket)
	it := memItem{key: key, val: v}
	old, had := b.tree.ReplaceOrInsert(it)
	tx.log(memOp{kind: opPut, bucket: bucket, item: it, old: old, had: had, created: created})
}

func (tx *memTx) Delete(bucket, key string) error {
	if err := tx.check(bucket); err != nil {
		return err
	}
	b := tx.side.buckets[bucket]
	if b == nil {
		return nil
	}
	it := memItem{key: key}
	if old, had := b.tree.Delete(it); had {
		tx.log(memOp{kind: opDelete, bucket: bucket, item: it, old: old, had: true})
	}
	return nil
}

func (tx *memTx) NextSequence(bucket string) (uint64, error) {
	if err := tx.check(bucket); err != nil {
		return 0, err
	}
	b, created := tx.writeBucket(bucket)
	tx.setSeq(bucket, b, b.seq+1, created)
	return b.seq, nil
}

func (tx *memTx) setSeq(bucket string, b *memBucket, n uint64, created bool) {
	tx.log(memOp{kind: opSequence, bucket: bucket, seq: n, oldSeq: b.seq, created: created})
	b.seq = n
}

func (tx *memTx) Sequence(bucket string) uint64 {
	if b := tx.side.buckets[bucket]; b != nil {
		return b.seq
	}
	return 0
}

func (tx *memTx) SetSequence(bucket string, n uint64) error {
	if err := tx.check(bucket); err != nil {
		return err
	}
	b, created := tx.writeBucket(bucket)
	tx.setSeq(bucket, b, n, created)
	return nil
}

func (tx *memTx) Scan(bucket, prefix string, reverse bool, fn func(string, []byte) bool) {
	b := tx.side.buckets[bucket]
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
	for name := range tx.side.buckets {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

func (tx *memTx) DeleteBucket(bucket string) error {
	if err := tx.check(bucket); err != nil {
		return err
	}
	b := tx.side.buckets[bucket]
	if b == nil {
		return nil
	}
	delete(tx.side.buckets, bucket)
	tx.log(memOp{kind: opDropBucket, bucket: bucket, dropped: b})
	return nil
}
