package store

import (
	"errors"
	"fmt"
	"sync"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// boltGroup is Bolt's group commit: Updates that arrive while another one
// runs or commits share its bbolt transaction and its one fsync, as
// bbolt's DB.Batch shares them, but without DB.Batch's wait for more
// callers (a caller alone commits at once) and without ever running a
// function twice: DB.Batch reruns every function of a batch when one of
// them fails, and the store's callers may not be run twice (a handler's
// function appends to its answer as it goes).
//
// The transaction passes from caller to caller, each running its own
// function in its own goroutine (so a panic unwinds the request that
// caused it). Every change a function makes is logged (redo). When a
// function fails, its changes are taken out of the batch: if it was the
// batch's first, by rolling the transaction back; otherwise by rolling it
// back and applying the log of the functions before it to a new one, which
// gives them the very state they wrote. The last caller of a batch (no one
// waiting, or the batch full) commits it and hands every function of it
// the result: an Update returns only once its changes are on disk, or
// known not to be.
type boltGroup struct {
	db *bolt.DB

	mu      sync.Mutex
	busy    bool        // a caller holds the turn
	waiting []*boltCall // callers waiting for the turn, first come first

	// What the caller holding the turn owns:
	tx     *bolt.Tx    // the batch's transaction; nil before its first function
	redo   []boltOp    // the changes of the batch's functions, in order
	sealed bool        // redo grew past maxRedo: the batch takes no more functions
	batch  []*boltCall // the functions that succeeded, waiting for the commit
}

// maxBatch bounds how many functions share a commit, so that under a
// steady stream of writers every one of them is acknowledged soon.
const maxBatch = 128

// maxRedo bounds the redo log: a transaction that writes more (a state
// import) commits alone rather than keep a copy of its log.
const maxRedo = 1 << 16

// boltCall is one Update waiting in the group.
type boltCall struct {
	turn chan struct{} // the transaction is this caller's
	done chan error    // the batch's commit result
}

var boltCalls = sync.Pool{New: func() any {
	return &boltCall{turn: make(chan struct{}, 1), done: make(chan error, 1)}
}}

// boltOp is one change a function made, to be made again (boltGroup).
type boltOp struct {
	kind   memOpKind
	bucket string
	key    string
	val    []byte // opPut: the store's own copy, which bbolt keeps until commit
	seq    uint64 // opSequence
}

// update runs fn in the group's transaction; see Backend.Update.
func (g *boltGroup) update(id uint64, fn func(Tx) error) (err error) {
	c := boltCalls.Get().(*boltCall)
	defer boltCalls.Put(c)
	g.mu.Lock()
	if g.busy {
		g.waiting = append(g.waiting, c)
		g.mu.Unlock()
		<-c.turn
	} else {
		g.busy = true
		g.mu.Unlock()
	}
	if g.tx == nil {
		tx, err := g.db.Begin(true)
		if err != nil {
			g.endTurn(c)
			return err
		}
		g.tx = tx
	}
	mark, first := len(g.redo), len(g.batch) == 0
	ran := false
	defer func() {
		if !ran { // fn panicked: take it out of the batch, then let the panic go on
			g.drop(mark, first)
			g.endTurn(c)
		}
	}()
	err = fn(boltTx{tx: g.tx, store: id, g: g})
	ran = true
	if err != nil {
		g.drop(mark, first)
		g.endTurn(c)
		return err
	}
	g.batch = append(g.batch, c)
	if committed, err := g.endTurn(c); committed {
		return err
	}
	return <-c.done
}

// drop takes the changes logged since mark out of the batch.
func (g *boltGroup) drop(mark int, first bool) {
	_ = g.tx.Rollback()
	g.tx = nil
	clear(g.redo[mark:])
	g.redo = g.redo[:mark]
	g.sealed = false // what sealed the batch, if anything, is gone
	if first {
		return
	}
	tx, err := g.db.Begin(true)
	if err == nil {
		err = replay(tx, g.redo)
		if err != nil {
			_ = tx.Rollback()
		}
	}
	if err != nil {
		// The batch's functions cannot have their changes back: none of
		// them commits, and each says why.
		g.finish(fmt.Errorf("store: bbolt batch: %w", err), nil)
		return
	}
	g.tx = tx
}

// replay makes ops again in tx.
func replay(tx *bolt.Tx, ops []boltOp) error {
	for _, op := range ops {
		var err error
		switch op.kind {
		case opPut:
			var b *bolt.Bucket
			if b, err = tx.CreateBucketIfNotExists([]byte(op.bucket)); err == nil {
				err = b.Put([]byte(op.key), op.val)
			}
		case opDelete:
			if b := tx.Bucket([]byte(op.bucket)); b != nil {
				err = b.Delete([]byte(op.key))
			}
		case opSequence:
			var b *bolt.Bucket
			if b, err = tx.CreateBucketIfNotExists([]byte(op.bucket)); err == nil {
				err = b.SetSequence(op.seq)
			}
		case opDropBucket:
			if err = tx.DeleteBucket([]byte(op.bucket)); errors.Is(err, bolterrors.ErrBucketNotFound) {
				err = nil
			}
		}
		if err != nil {
			return fmt.Errorf("%s: %w", op.bucket, err)
		}
	}
	return nil
}

// log records a change of the running function, unless the batch is
// sealed (it then takes no further function, so none can fail after it).
func (g *boltGroup) log(op boltOp) {
	if g.sealed {
		return
	}
	if len(g.redo) >= maxRedo {
		g.sealed = true
		return
	}
	g.redo = append(g.redo, op)
}

// endTurn ends the turn of self, the caller holding it: the transaction
// goes to the next caller waiting, or, with none (or the batch full or
// sealed), the batch commits, each of its other functions gets the result,
// and the turn goes to a caller that came meanwhile. committed says
// whether self committed; err is then the commit's result.
func (g *boltGroup) endTurn(self *boltCall) (committed bool, err error) {
	g.mu.Lock()
	if len(g.waiting) > 0 && len(g.batch) < maxBatch && !g.sealed {
		g.handOn()
		return false, nil
	}
	g.mu.Unlock()
	if g.tx != nil {
		err = g.commit(self)
	}
	g.finish(err, self)
	g.release()
	return true, err
}

// release gives the turn to a caller waiting, if any.
func (g *boltGroup) release() {
	g.mu.Lock()
	if len(g.waiting) > 0 {
		g.handOn()
	} else {
		g.busy = false
		g.mu.Unlock()
	}
}

// commit commits the batch. Should bbolt panic doing it, the functions
// waiting for the result are told, and the turn goes on, before the panic
// does: none of them waits for ever.
func (g *boltGroup) commit(self *boltCall) error {
	tx := g.tx
	g.tx = nil
	done := false
	defer func() {
		if !done {
			_ = tx.Rollback()
			g.finish(errCommitPanicked, self)
			g.release()
		}
	}()
	err := tx.Commit()
	done = true
	return err
}

var errCommitPanicked = errors.New("store: bbolt panicked committing the transaction")

// handOn gives the turn to the first caller waiting; g.mu is held and
// released.
func (g *boltGroup) handOn() {
	next := g.waiting[0]
	g.waiting[0] = nil
	g.waiting = g.waiting[1:]
	if len(g.waiting) == 0 {
		g.waiting = g.waiting[:0:0] // let the slice's start go, not grow for ever
	}
	g.mu.Unlock()
	next.turn <- struct{}{}
}

// finish ends the batch: every function in it but self's gets err.
func (g *boltGroup) finish(err error, self *boltCall) {
	for i, c := range g.batch {
		if c != self {
			c.done <- err
		}
		g.batch[i] = nil
	}
	g.batch = g.batch[:0]
	clear(g.redo) // let go of the values
	g.redo = g.redo[:0]
	if cap(g.redo) > maxKeptLog {
		g.redo = nil // a large import's log is not kept for ever
	}
	g.sealed = false
}
