package demo_test

import (
	"testing"

	"github.com/iblfake/iblfake/fake"
)

// BenchmarkDemoBuild is a whole --demo start-up in memory: the demo built
// through a server of its own, then imported (the README's figure).
func BenchmarkDemoBuild(b *testing.B) {
	for range b.N {
		s, err := fake.New(fake.WithSeed(42), fake.WithDemo(), fake.WithClockAt(day))
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}
