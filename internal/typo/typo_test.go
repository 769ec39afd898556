package typo

import "testing"

// TestDistance: each edit counts one, a transposition of neighbours too.
func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"name", "name", 0}, {"", "abc", 3}, {"abc", "", 3},
		{"nmae", "name", 1}, {"nam", "name", 1}, {"names", "name", 1}, {"nbme", "name", 1},
		{"kitten", "sitting", 3}, {"ca", "abc", 3}, {"issuers_list", "issuers_retrieve", 7},
	} {
		if got := Distance(tc.a, tc.b); got != tc.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := Distance(tc.b, tc.a); got != tc.want {
			t.Errorf("Distance(%q, %q) = %d, want %d (symmetric)", tc.b, tc.a, got, tc.want)
		}
	}
}

// TestClosest: the nearest word within the typo bound, the first of
// equals, none past the bound.
func TestClosest(t *testing.T) {
	known := []string{"issuers", "credentials", "licenses", "licences"}
	for _, tc := range []struct{ s, want string }{
		{"isuers", "issuers"}, {"credentails", "credentials"}, {"licenes", "licenses"},
		{"xyz", ""}, {"assertions", ""}, {"", ""},
	} {
		if got := Closest(tc.s, known); got != tc.want {
			t.Errorf("Closest(%q) = %q, want %q", tc.s, got, tc.want)
		}
	}
}
