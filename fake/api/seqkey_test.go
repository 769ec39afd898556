package api

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestSeqKeyIsSprintf: SeqKey and AppendSeqKey write what fmt's %016x
// writes (the keys every store already holds), for the edges and random
// numbers of every magnitude.
func TestSeqKeyIsSprintf(t *testing.T) {
	rng := rand.New(rand.NewPCG(26, 2))
	ns := []uint64{0, 1, 9, 10, 15, 16, 255, 256, 1<<32 - 1, 1 << 32, 1<<63 - 1, 1 << 63, 1<<64 - 1}
	for range 5000 {
		ns = append(ns, rng.Uint64()>>rng.UintN(64))
	}
	for _, n := range ns {
		want := fmt.Sprintf("%016x", n)
		if got := SeqKey(n); got != want {
			t.Fatalf("SeqKey(%d) = %q, want %q", n, got, want)
		}
		if got := string(AppendSeqKey([]byte("p|"), n)); got != "p|"+want {
			t.Fatalf("AppendSeqKey(p|, %d) = %q", n, got)
		}
	}
}
