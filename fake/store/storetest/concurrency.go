package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake/store"
)

// The cases here hold what a backend that runs writers together (a group
// commit, a batch of transactions sharing one commit) must keep of the
// Backend contract: each function runs once, a failed or panicking one
// leaves no trace while the others commit, and readers only ever see whole
// committed states.

// testConcurrentSnapshots: writers each move one unit between two
// accounts, count the move and record it under its number, all in one
// transaction, while readers check in every View that the accounts still
// sum to zero, that the count matches the records, and that two reads of
// one Version saw the same count.
func testConcurrentSnapshots(t *testing.T, b store.Backend) {
	const writers, each, readers = 6, 40, 4
	move := func(tx store.Tx, w int) error {
		n := readInt(tx, "bank", "moves") + 1
		from, to := "a"+strconv.Itoa(w%3), "a"+strconv.Itoa((w+1)%3)
		for _, p := range []struct {
			k string
			v int
		}{{"moves", n}, {from, readInt(tx, "bank", from) - 1}, {to, readInt(tx, "bank", to) + 1}} {
			if err := tx.Put("bank", p.k, []byte(strconv.Itoa(p.v))); err != nil {
				return err
			}
		}
		return tx.Put("moves", fmt.Sprintf("%06d", n), []byte(strconv.Itoa(w)))
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var mu sync.Mutex
	seen := map[store.Version]int{}
	for range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				_ = b.View(func(tx store.Tx) error {
					n := readInt(tx, "bank", "moves")
					sum := readInt(tx, "bank", "a0") + readInt(tx, "bank", "a1") + readInt(tx, "bank", "a2")
					if sum != 0 {
						t.Errorf("a reader saw the accounts sum to %d (after %d moves): a part of a transaction", sum, n)
					}
					if c := store.Count(tx, "moves", ""); c != n {
						t.Errorf("a reader saw %d moves recorded and a count of %d", c, n)
					}
					if v, ok := store.VersionOf(tx); ok {
						mu.Lock()
						if prev, had := seen[v]; had && prev != n {
							t.Errorf("two reads of one version saw %d and %d moves", prev, n)
						}
						seen[v] = n
						mu.Unlock()
					}
					return nil
				})
			}
		}()
	}
	var ww sync.WaitGroup
	for w := range writers {
		ww.Add(1)
		go func() {
			defer ww.Done()
			for range each {
				if err := b.Update(func(tx store.Tx) error { return move(tx, w) }); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	ww.Wait()
	close(stop)
	wg.Wait()
	must(t, b.View(func(tx store.Tx) error {
		if n := readInt(tx, "bank", "moves"); n != writers*each {
			t.Errorf("moves = %d, want %d: a write was lost", n, writers*each)
		}
		return nil
	}))
}

func readInt(tx store.Tx, bucket, key string) int {
	n, _ := strconv.Atoi(string(tx.Get(bucket, key)))
	return n
}

// errFailed is what the failing writers of testFailuresInBatch return.
var errFailed = errors.New("this transaction fails")

// testFailuresInBatch: writers queue behind a slow one (so a backend that
// batches them runs them together), a third of them fail after changing
// every kind of thing (keys overwritten and deleted, a bucket deleted and
// one made, sequences taken and set) and a third panic; each function
// runs exactly once, the failed ones leave no trace, and every other one
// commits, with its own sequence number.
func testFailuresInBatch(t *testing.T, b store.Backend) {
	must(t, b.Update(func(tx store.Tx) error {
		if err := tx.Put("keep", "victim", []byte("orig")); err != nil {
			return err
		}
		return tx.Put("drop", "k", []byte("v"))
	}))
	const writers = 24
	runs := make([]int, writers)
	seqs := make([]uint64, writers)
	outcome := make([]string, writers)
	write := func(i int) func(tx store.Tx) error {
		return func(tx store.Tx) error {
			runs[i]++
			n, err := tx.NextSequence("ctr")
			if err != nil {
				return err
			}
			seqs[i] = n
			if err := tx.Put("w", fmt.Sprintf("%02d", i), []byte("v")); err != nil {
				return err
			}
			if i%3 == 0 {
				return nil
			}
			for _, err := range []error{
				tx.Put("keep", "victim", []byte("changed")),
				tx.Delete("keep", "victim"),
				tx.DeleteBucket("drop"),
				tx.Put("drop", "k", []byte("remade")),
				tx.Put(fmt.Sprintf("new%02d", i), "k", []byte("v")),
				tx.SetSequence("ctr", 1000),
			} {
				if err != nil {
					return err
				}
			}
			if i%3 == 1 {
				return errFailed
			}
			panic(fmt.Sprintf("writer %d panics", i))
		}
	}
	run := func(i int) {
		defer func() {
			if r := recover(); r != nil {
				if want := fmt.Sprintf("writer %d panics", i); r != want {
					t.Errorf("writer %d: Update panicked with %v, want %q", i, r, want)
				}
				outcome[i] = "panicked"
			}
		}()
		err := b.Update(write(i))
		switch {
		case err == nil:
			outcome[i] = "committed"
		case errors.Is(err, errFailed):
			outcome[i] = "failed"
		default:
			t.Errorf("writer %d: %v", i, err)
		}
	}
	entered := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		// Writer 0 holds its transaction while the others arrive.
		err := b.Update(func(tx store.Tx) error {
			close(entered)
			time.Sleep(50 * time.Millisecond)
			return write(0)(tx)
		})
		outcome[0] = "committed"
		if err != nil {
			t.Errorf("writer 0: %v", err)
		}
	}()
	<-entered
	for i := 1; i < writers; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); run(i) }()
	}
	wg.Wait()
	var committed []uint64
	for i := range writers {
		want := [...]string{"committed", "failed", "panicked"}[i%3]
		if outcome[i] != want || runs[i] != 1 {
			t.Errorf("writer %d %s after %d runs of its function, want %s after 1", i, outcome[i], runs[i], want)
		}
		if want == "committed" {
			committed = append(committed, seqs[i])
		}
	}
	slices.Sort(committed)
	for i, n := range committed {
		if n != uint64(i+1) {
			t.Errorf("the committed writers' sequence numbers are %v, want 1 to %d once each", committed, len(committed))
			break
		}
	}
	must(t, b.View(func(tx store.Tx) error {
		if got := string(tx.Get("keep", "victim")); got != "orig" {
			t.Errorf("keep/victim = %q, want %q", got, "orig")
		}
		if got := string(tx.Get("drop", "k")); got != "v" {
			t.Errorf("drop/k = %q, want %q (a failed DeleteBucket left a trace)", got, "v")
		}
		if got := fmt.Sprint(tx.Buckets()); got != "[ctr drop keep w]" {
			t.Errorf("Buckets = %s, want [ctr drop keep w]", got)
		}
		if got := tx.Sequence("ctr"); got != uint64(len(committed)) {
			t.Errorf("Sequence(ctr) = %d, want %d", got, len(committed))
		}
		var keys []string
		tx.Scan("w", "", false, func(k string, _ []byte) bool { keys = append(keys, k); return true })
		for _, k := range keys {
			if i, _ := strconv.Atoi(k); i%3 != 0 {
				t.Errorf("w/%s of a writer that did not commit is there", k)
			}
		}
		if len(keys) != len(committed) {
			t.Errorf("w has %d keys, want %d", len(keys), len(committed))
		}
		return nil
	}))
}

// testPanicLeavesNoTrace: a function that panics after writing leaves
// nothing, the panic reaches Update's caller, and the store takes the
// next write.
func testPanicLeavesNoTrace(t *testing.T, b store.Backend) {
	must(t, b.Update(func(tx store.Tx) error { return tx.Put("b", "k", []byte("1")) }))
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Errorf("recovered %v, want the function's panic", r)
			}
		}()
		_ = b.Update(func(tx store.Tx) error {
			_ = tx.Put("b", "k", []byte("2"))
			_ = tx.Put("other", "k", []byte("x"))
			_ = tx.DeleteBucket("b")
			panic("boom")
		})
	}()
	if got := get(t, b, "b", "k"); got != "1" {
		t.Fatalf("after the panic Get = %q, want 1", got)
	}
	if got := get(t, b, "other", "k"); got != "<nil>" {
		t.Fatalf("after the panic, a bucket it made holds %q", got)
	}
	must(t, b.Update(func(tx store.Tx) error { return tx.Put("b", "k", []byte("3")) }))
	if got := get(t, b, "b", "k"); got != "3" {
		t.Fatalf("the write after the panic: Get = %q, want 3", got)
	}
}
