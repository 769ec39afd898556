package store_test

import (
	"sync"
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/fake/store/storetest"
)

func TestMemory(t *testing.T) {
	storetest.Run(t, func(*testing.T) store.Backend { return store.NewMemory() })
}

// TestMemorySlowReaders runs the suite again with a reader that stays on
// each copy of the data longer than a writer waits for it, so that
// writers keep leaving copies to it and forking new ones (memory.go): the
// forked copies, which share nodes copy-on-write, must behave as the
// others do.
func TestMemorySlowReaders(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Backend {
		m := store.NewMemory()
		stop, done := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(done)
			for {
				select {
				case <-stop:
					return
				default:
				}
				_ = m.View(func(store.Tx) error { time.Sleep(3 * time.Millisecond); return nil })
			}
		}()
		t.Cleanup(func() { close(stop); <-done })
		return m
	})
}

// TestMemoryReaderDoesNotHoldWriters: a View that writes through Update
// and waits for other writers does not hold them up (nor itself), and
// reads its own snapshot throughout.
func TestMemoryReaderDoesNotHoldWriters(t *testing.T) {
	m := store.NewMemory()
	must(t, m.Update(func(tx store.Tx) error { return tx.Put("b", "k", []byte("0")) }))
	err := m.View(func(view store.Tx) error {
		for i := range 3 { // nested: the second leaves this reader's copy to it
			must(t, m.Update(func(tx store.Tx) error { return tx.Put("b", "nested", []byte{'0' + byte(i)}) }))
		}
		var wg sync.WaitGroup
		finished := make(chan struct{})
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 25 {
					must(t, m.Update(func(tx store.Tx) error { return tx.Put("b", "k", []byte{'a' + byte(w), '0' + byte(i%10)}) }))
				}
			}()
		}
		go func() { wg.Wait(); close(finished) }()
		select {
		case <-finished:
		case <-time.After(30 * time.Second):
			t.Fatal("writers are held up by a reader")
		}
		if got := string(view.Get("b", "k")); got != "0" {
			t.Errorf("the reader's snapshot changed under it: Get = %q, want 0", got)
		}
		if got := view.Get("b", "nested"); got != nil {
			t.Errorf("the reader sees a write committed after it began: %q", got)
		}
		return nil
	})
	must(t, err)
	if got := get(t, m, "b", "nested"); got != "2" {
		t.Errorf("after the View, nested = %q, want 2", got)
	}
}

func get(t *testing.T, b store.Backend, bucket, key string) string {
	t.Helper()
	var out string
	must(t, b.View(func(tx store.Tx) error { out = string(tx.Get(bucket, key)); return nil }))
	return out
}
