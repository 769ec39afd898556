package synth

import (
	"math/rand/v2"
	"regexp/syntax"
	"strings"
	"unicode"
)

// fromRegexp makes a string the pattern matches, walking its parse tree
// (regexp/syntax): literals as written, a class's first ranges, repeats a
// few times at most. ok is false for a pattern it cannot walk.
func fromRegexp(pattern string, rng *rand.Rand) (string, bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "", false
	}
	var b strings.Builder
	ok := walkRegexp(re.Simplify(), rng, &b, 0)
	return b.String(), ok
}

func walkRegexp(re *syntax.Regexp, rng *rand.Rand, b *strings.Builder, depth int) bool {
	if depth > 50 || b.Len() > 4096 {
		return false
	}
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			if re.Flags&syntax.FoldCase != 0 {
				r = unicode.ToLower(r)
			}
			b.WriteRune(r)
		}
	case syntax.OpCharClass:
		b.WriteRune(classRune(re.Rune, rng))
	case syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		b.WriteRune(rune('a' + rng.IntN(26)))
	case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpEmptyMatch:
	case syntax.OpCapture:
		return walkRegexp(re.Sub[0], rng, b, depth+1)
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		lo, hi := repeatBounds(re)
		n := lo
		if hi > lo {
			n += rng.IntN(hi - lo + 1)
		}
		for range n {
			if !walkRegexp(re.Sub[0], rng, b, depth+1) {
				return false
			}
		}
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if !walkRegexp(sub, rng, b, depth+1) {
				return false
			}
		}
	case syntax.OpAlternate:
		return walkRegexp(re.Sub[rng.IntN(len(re.Sub))], rng, b, depth+1)
	default:
		return false
	}
	return true
}

// repeatBounds is how many times a repeat is walked: its minimum, and at
// most two more.
func repeatBounds(re *syntax.Regexp) (lo, hi int) {
	switch re.Op {
	case syntax.OpStar:
		return 0, 2
	case syntax.OpPlus:
		return 1, 3
	case syntax.OpQuest:
		return 0, 1
	}
	lo, hi = re.Min, re.Max
	if hi < 0 || hi > lo+2 {
		hi = lo + 2
	}
	return lo, hi
}

// classRune picks a printable rune from a class's ranges (pairs lo, hi),
// preferring ASCII letters and digits.
func classRune(ranges []rune, rng *rand.Rand) rune {
	var picks []rune
	for i := 0; i+1 < len(ranges); i += 2 {
		lo, hi := ranges[i], ranges[i+1]
		for _, r := range "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_" {
			if r >= lo && r <= hi {
				picks = append(picks, r)
			}
		}
	}
	if len(picks) > 0 {
		return picks[rng.IntN(len(picks))]
	}
	if len(ranges) >= 2 {
		lo := ranges[0]
		if lo < ' ' {
			lo = ' '
		}
		if lo <= ranges[1] {
			return lo
		}
	}
	return 'a'
}
