package store_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/iblfake/iblfake/fake/store"
)

// The store's benchmarks write as the harness's POST cell does (README,
// Performance): each transaction takes a sequence and writes three trees,
// an entity under a random id and two index entries, one under a new
// user's key and one appended under its credential, into a store that
// already holds benchPrefill of them.

const benchPrefill = 20_000

// issueLike writes the n-th entity in one transaction.
func issueLike(b store.Backend, rng *rand.Rand, n int64, entity []byte) error {
	return b.Update(func(tx store.Tx) error { return writeIssue(tx, rng, n, entity) })
}

func writeIssue(tx store.Tx, rng *rand.Rand, n int64, entity []byte) error {
	id := fmt.Sprintf("%08x-%04x-%04x-%012x", rng.Uint32(), rng.Uint32()&0xffff, rng.Uint32()&0xffff, rng.Uint64()&0xffffffffffff)
	seq, err := tx.NextSequence("assertions")
	if err != nil {
		return err
	}
	s := fmt.Sprintf("%020d", seq)
	index := []byte(id + "\x00cred\x000\x000\x001733600000000000\x00course-v1:perf+C1+2024")
	if err := tx.Put("assertions.by_user", "perf\x00user"+fmt.Sprint(n)+"\x00"+s, index); err != nil {
		return err
	}
	if err := tx.Put("assertions.by_cred", "cred\x00"+s, index); err != nil {
		return err
	}
	return tx.Put("assertions", id, entity)
}

func benchEntity() []byte {
	e := make([]byte, 1500)
	for i := range e {
		e[i] = 'a' + byte(i%26)
	}
	return e
}

func prefill(b *testing.B, s store.Backend) {
	b.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	entity := benchEntity()
	for chunk := range int64(benchPrefill / 1000) {
		err := s.Update(func(tx store.Tx) error {
			for i := range int64(1000) {
				if err := writeIssue(tx, rng, -chunk*1000-i, entity); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func benchBackends(b *testing.B, fn func(b *testing.B, s store.Backend)) {
	b.Run("memory", func(b *testing.B) {
		s := store.NewMemory()
		defer s.Close()
		fn(b, s)
	})
	b.Run("bolt", func(b *testing.B) {
		s, err := store.OpenBolt(filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		fn(b, s)
	})
}

// BenchmarkIssueWrite is one writer at a time.
func BenchmarkIssueWrite(b *testing.B) {
	benchBackends(b, func(b *testing.B, s store.Backend) {
		prefill(b, s)
		rng := rand.New(rand.NewPCG(3, 4))
		entity := benchEntity()
		b.ReportAllocs()
		b.ResetTimer()
		for i := range int64(b.N) {
			if err := issueLike(s, rng, i, entity); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkIssueWriteParallel is 16 writers at once, as the harness's
// connections are.
func BenchmarkIssueWriteParallel(b *testing.B) {
	benchBackends(b, func(b *testing.B, s store.Backend) {
		prefill(b, s)
		entity := benchEntity()
		var n, seed atomic.Int64
		b.ReportAllocs()
		b.SetParallelism(8) // 16 goroutines on 2 cores
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			rng := rand.New(rand.NewPCG(uint64(seed.Add(1)), 5))
			for pb.Next() {
				if err := issueLike(s, rng, n.Add(1), entity); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// BenchmarkReadPage is a list read: a page of ten index entries under one
// prefix and the entity each names, from 16 readers at once.
func BenchmarkReadPage(b *testing.B) {
	benchBackends(b, func(b *testing.B, s store.Backend) {
		prefill(b, s)
		b.ReportAllocs()
		b.SetParallelism(8)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				_ = s.View(func(tx store.Tx) error {
					n := 0
					tx.Scan("assertions.by_cred", "cred\x00", true, func(_ string, v []byte) bool {
						id, _, _ := bytes.Cut(v, []byte("\x00"))
						if tx.Get("assertions", string(id)) == nil {
							b.Error("index entry without its entity")
						}
						n++
						return n < 10
					})
					return nil
				})
			}
		})
	})
}
