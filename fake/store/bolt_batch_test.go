package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestBoltGroupCommitsTogether: Updates that arrive while another one
// holds the transaction commit with it, in one bbolt commit (one fsync),
// failing ones among them included, and each gets its own result.
func TestBoltGroupCommitsTogether(t *testing.T) {
	b, err := OpenBolt(filepath.Join(t.TempDir(), "group.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	committed := func() uint64 {
		var n uint64
		_ = b.View(func(tx Tx) error { v, _ := VersionOf(tx); n = v.n; return nil })
		return n
	}
	before := committed()
	const writers = 16
	fail := errors.New("fails")
	errs := make([]error, writers)
	entered := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		errs[0] = b.Update(func(tx Tx) error {
			close(entered)
			// Hold the turn until every other writer waits for it.
			for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
				b.group.mu.Lock()
				n := len(b.group.waiting)
				b.group.mu.Unlock()
				if n == writers-1 {
					break
				}
			}
			return tx.Put("b", "00", []byte("v"))
		})
	}()
	<-entered
	for i := 1; i < writers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = b.Update(func(tx Tx) error {
				if err := tx.Put("b", fmt.Sprintf("%02d", i), []byte("v")); err != nil {
					return err
				}
				if i%4 == 0 {
					return fail
				}
				return nil
			})
		}()
	}
	wg.Wait()
	if got := committed() - before; got != 1 {
		t.Errorf("%d writers queued behind one made %d commits, want 1", writers, got)
	}
	var keys int
	_ = b.View(func(tx Tx) error { keys = Count(tx, "b", ""); return nil })
	for i, err := range errs {
		if want := i%4 == 0 && i > 0; errors.Is(err, fail) != want || (!want && err != nil) {
			t.Errorf("writer %d: Update = %v", i, err)
		}
	}
	if want := writers - (writers-1)/4; keys != want {
		t.Errorf("%d keys committed, want %d", keys, want)
	}
}

// TestBoltGroupSealsALargeBatch: a function that writes more than the
// redo log keeps commits on its own, so a function queued behind it that
// fails cannot cost it the changes the log no longer holds.
func TestBoltGroupSealsALargeBatch(t *testing.T) {
	b, err := OpenBolt(filepath.Join(t.TempDir(), "sealed.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	const keys = maxRedo + 10
	fail := errors.New("fails")
	entered := make(chan struct{})
	done := make(chan error)
	go func() {
		done <- b.Update(func(tx Tx) error {
			close(entered)
			for i := range keys {
				if err := tx.Put("big", fmt.Sprintf("%06d", i), []byte("v")); err != nil {
					return err
				}
			}
			for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
				b.group.mu.Lock()
				n := len(b.group.waiting)
				b.group.mu.Unlock()
				if n == 1 {
					break
				}
			}
			return nil
		})
	}()
	<-entered
	if err := b.Update(func(tx Tx) error {
		_ = tx.Put("small", "k", []byte("v"))
		return fail
	}); !errors.Is(err, fail) {
		t.Errorf("the failing Update = %v", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	_ = b.View(func(tx Tx) error {
		if n := Count(tx, "big", ""); n != keys {
			t.Errorf("the large transaction committed %d keys, want %d", n, keys)
		}
		if tx.Get("small", "k") != nil {
			t.Error("the failed transaction left a trace")
		}
		return nil
	})
}
