// Package typo finds what a misspelt name was meant to be, for the
// "did you mean" of the fake's refusals: a seed file's unknown key, a state
// document's unknown bucket, a scenario's unknown operation, the route an
// unmatched path came closest to. It imports nothing.
package typo

// Distance is the optimal string alignment distance between a and b, in
// bytes: an insertion, a deletion, a substitution or a transposition of
// neighbours each counts one, so "nmae" is one edit from "name".
func Distance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// Closest is the word of known nearest to s by Distance, if it is near
// enough to be a typo of it (fewer than len(s)/3+2 edits), else "". Of
// words equally near, the first in known wins.
func Closest(s string, known []string) string {
	best, bestD := "", len(s)/3+2
	for _, k := range known {
		if d := Distance(s, k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}
