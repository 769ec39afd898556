package storetest

import (
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/iblfake/iblfake/fake/store"
)

// model is what a store holds, kept the plain way: the reference the
// backend is compared with after every transaction.
type model map[string]*modelBucket

type modelBucket struct {
	keys map[string]string
	seq  uint64
}

func (m model) clone() model {
	out := model{}
	for name, b := range m {
		out[name] = &modelBucket{keys: maps.Clone(b.keys), seq: b.seq}
	}
	return out
}

func (m model) bucket(name string) *modelBucket {
	if m[name] == nil {
		m[name] = &modelBucket{keys: map[string]string{}}
	}
	return m[name]
}

// testMatchesModel runs random transactions (puts, overwrites, deletes,
// sequences, buckets deleted and remade; a fifth of them failing, some
// panicking) against the backend and a model, and checks after each op
// that the transaction reads its own writes and after each transaction
// that a View reads exactly the model: a backend that keeps more than one
// copy of its data, or replays changes, must keep every copy right.
func testMatchesModel(t *testing.T, b store.Backend) {
	rng := rand.New(rand.NewPCG(7, 26))
	want := model{}
	buckets := []string{"b0", "b1", "b2", "b3"}
	for txn := range 300 {
		next := want.clone()
		fail := rng.IntN(5) == 0
		panics := fail && rng.IntN(3) == 0
		ops := 1 + rng.IntN(6)
		if rng.IntN(20) == 0 {
			ops = 200 // now and then a large one
		}
		fn := func(tx store.Tx) error {
			for range ops {
				bk := buckets[rng.IntN(len(buckets))]
				key := fmt.Sprintf("k%02d", rng.IntN(20))
				switch r := rng.IntN(20); {
				case r < 11:
					val := fmt.Sprintf("v%d-%d", txn, rng.IntN(1000))
					must(t, tx.Put(bk, key, []byte(val)))
					next.bucket(bk).keys[key] = val
				case r < 15:
					must(t, tx.Delete(bk, key))
					if next[bk] != nil {
						delete(next[bk].keys, key)
					}
				case r < 17:
					n, err := tx.NextSequence(bk)
					must(t, err)
					nb := next.bucket(bk)
					nb.seq++
					if n != nb.seq {
						t.Fatalf("txn %d: NextSequence(%s) = %d, want %d", txn, bk, n, nb.seq)
					}
				case r < 18:
					n := uint64(rng.IntN(100))
					must(t, tx.SetSequence(bk, n))
					next.bucket(bk).seq = n
				default:
					must(t, tx.DeleteBucket(bk))
					delete(next, bk)
				}
				if err := sameAs(tx, next); err != nil {
					t.Fatalf("txn %d, inside: %v", txn, err)
				}
			}
			if panics {
				panic(errFailed)
			}
			if fail {
				return errFailed
			}
			return nil
		}
		err := func() (err error) {
			defer func() {
				if r := recover(); r != nil {
					err = r.(error)
				}
			}()
			return b.Update(fn)
		}()
		if fail != errors.Is(err, errFailed) || (!fail && err != nil) {
			t.Fatalf("txn %d: Update = %v, want failure %v", txn, err, fail)
		}
		if !fail {
			want = next
		}
		must(t, b.View(func(tx store.Tx) error {
			if err := sameAs(tx, want); err != nil {
				t.Fatalf("txn %d, after: %v", txn, err)
			}
			return nil
		}))
	}
}

// sameAs compares everything tx reads with m.
func sameAs(tx store.Tx, m model) error {
	if got, want := tx.Buckets(), slices.Sorted(maps.Keys(m)); !slices.Equal(got, want) {
		return fmt.Errorf("tx.Buckets() = %v, want %v", got, want)
	}
	for name, mb := range m {
		if got := tx.Sequence(name); got != mb.seq {
			return fmt.Errorf("Sequence(%s) = %d, want %d", name, got, mb.seq)
		}
		var got []string
		tx.Scan(name, "", false, func(k string, v []byte) bool { got = append(got, k+"="+string(v)); return true })
		var want []string
		for _, k := range slices.Sorted(maps.Keys(mb.keys)) {
			want = append(want, k+"="+mb.keys[k])
		}
		if !slices.Equal(got, want) {
			return fmt.Errorf("bucket %s holds %v, want %v", name, got, want)
		}
		for k, v := range mb.keys {
			if got := string(tx.Get(name, k)); got != v {
				return fmt.Errorf("Get(%s, %s) = %q, want %q", name, k, got, v)
			}
		}
	}
	return nil
}
