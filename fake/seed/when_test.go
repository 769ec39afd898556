package seed

import (
	"testing"
	"time"
)

// TestWhen: an entity's at is a time, a date or a distance from now.
func TestWhen(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	for at, want := range map[string]time.Time{
		"2026-01-31T08:30:00Z": time.Date(2026, 1, 31, 8, 30, 0, 0, time.UTC),
		"2026-01-31":           time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC),
		"-30d":                 now.AddDate(0, 0, -30),
		"2d":                   now.AddDate(0, 0, 2),
		"-90m":                 now.Add(-90 * time.Minute),
	} {
		if got, err := When(at, now); err != nil || !got.Equal(want) {
			t.Errorf("When(%q) = %v, %v; want %v", at, got, err, want)
		}
	}
	for _, bad := range []string{"yesterday", "-30days", "", "1e9d"} {
		if _, err := When(bad, now); err == nil {
			t.Errorf("When(%q) took it", bad)
		}
	}
}
