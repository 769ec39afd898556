package fake

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestAuthFieldsAreStringsFields holds authFields and knownScheme to what
// they replace (strings.Fields, and strings.ToLower before comparing) over
// random Authorization headers (seeded): ASCII and Unicode white space,
// case, the Kelvin sign and dotted capital I (which lower-case to ASCII).
func TestAuthFieldsAreStringsFields(t *testing.T) {
	pieces := []string{"Api-Token", "api-token", "API-KEY", "Token", "bEaReR", "Basic", "key", "k3y",
		" ", "  ", "\t", "\n", "\v", "\f", "\r", "\u00a0", "\u0085", "\u2003", "\u212a", "Apİ-Token", "é"}
	rng := rand.New(rand.NewPCG(15, 6))
	for range 50000 {
		var b strings.Builder
		for range rng.IntN(6) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		h := b.String()
		want := strings.Fields(h)
		got, n := authFields(h)
		if n != min(len(want), 3) {
			t.Fatalf("authFields(%q): %d fields, strings.Fields %d", h, n, len(want))
		}
		for i := range min(n, 2) {
			if got[i] != want[i] {
				t.Fatalf("authFields(%q)[%d] = %q, strings.Fields: %q", h, i, got[i], want[i])
			}
		}
		for _, f := range want {
			if knownScheme(f) != slices.Contains(authSchemes, strings.ToLower(f)) {
				t.Fatalf("knownScheme(%q) = %v", f, knownScheme(f))
			}
		}
	}
}
