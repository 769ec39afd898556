package drf

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestAppendDateTimeIsLayout: AppendDateTime writes what time's layouts
// wrote for it before (FormatDateTime's two layouts, in UTC), over random
// instants (seeded) of every year from -20000 to 20000, in random zones,
// with and without microseconds, and at the year range's edges.
func TestAppendDateTimeIsLayout(t *testing.T) {
	layout := func(t time.Time) string {
		t = t.UTC()
		if t.Nanosecond()/1000 == 0 {
			return t.Format("2006-01-02T15:04:05Z")
		}
		return t.Format("2006-01-02T15:04:05.000000Z")
	}
	rng := rand.New(rand.NewPCG(26, 7))
	zones := []*time.Location{time.UTC, time.FixedZone("", 3600), time.FixedZone("", -12*3600), time.FixedZone("", 5*3600+45*60)}
	times := []time.Time{
		time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 0, 0, 0, time.FixedZone("", -3600)), {},
		time.Date(2026, 1, 2, 3, 4, 5, 999, time.UTC), time.Date(2026, 1, 2, 3, 4, 5, 1000, time.UTC),
		time.Date(2026, 1, 2, 3, 4, 5, 10000, time.UTC), time.Date(2026, 1, 2, 3, 4, 5, 999999999, time.UTC),
	}
	for range 50000 {
		year := rng.IntN(40001) - 20000
		if rng.IntN(2) == 0 {
			year = 1900 + rng.IntN(200)
		}
		ns := rng.IntN(1e9)
		switch rng.IntN(4) {
		case 0:
			ns = 0
		case 1:
			ns = rng.IntN(1000) // under a microsecond
		}
		times = append(times, time.Date(year, time.Month(1+rng.IntN(12)), 1+rng.IntN(31), rng.IntN(24), rng.IntN(60), rng.IntN(60), ns,
			zones[rng.IntN(len(zones))]))
	}
	for _, at := range times {
		want := layout(at)
		if got := string(AppendDateTime([]byte("x"), at)[1:]); got != want {
			t.Fatalf("AppendDateTime(%v) = %s, layout %s", at, got, want)
		}
		if got := FormatDateTime(at); got != want {
			t.Fatalf("FormatDateTime(%v) = %s, layout %s", at, got, want)
		}
	}
}
