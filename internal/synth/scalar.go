package synth

import (
	"encoding/base64"
	"fmt"
	"math"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
)

// str makes a string for s: its format, else its pattern, else a value
// that fits the property's name, then fitted to the length bounds.
func (g *gen) str(s *openapi3.Schema, seed uint64, name string) any {
	g.seed(seed)
	v, fixed := "", false
	// A pattern says more than a loose format ("decimal" with its digits);
	// a strict format (a date-time, an email) wins over a pattern.
	if s.Pattern != "" && !strictFormats[s.Format] {
		v, fixed = g.fromPattern(s.Pattern, seed)
	}
	if !fixed {
		g.seed(seed)
		v, fixed = g.formatted(s.Format, name, seed)
		// A URL that must also end as a pattern says (a file's extension):
		// the pattern's string as its last segment.
		if fixed && s.Pattern != "" && (s.Format == "uri" || s.Format == "url") {
			if re, err := regexp.Compile(s.Pattern); err == nil && !re.MatchString(v) {
				if p, ok := g.fromPattern(s.Pattern, seed); ok && re.MatchString(v+"/"+p) {
					v += "/" + p
				}
			}
		}
	}
	if !fixed && v == "" {
		v = g.byName(name, seed)
	}
	return fitLength(v, s, fixed)
}

// strictFormats are the formats whose values a validator checks.
var strictFormats = map[string]bool{"date-time": true, "date": true, "time": true, "email": true, "uuid": true, "ipv4": true, "ipv6": true, "uri": true}

// formatted makes a string of a known format; fixed says the value must
// not be padded or cut (it would no longer be of its format).
func (g *gen) formatted(format, name string, seed uint64) (string, bool) {
	f := g.faker
	switch format {
	case "date-time":
		return g.instant(name).Format("2006-01-02T15:04:05.000000Z"), true
	case "date":
		return g.instant(name).Format("2006-01-02"), true
	case "time":
		return g.instant(name).Format("15:04:05"), true
	case "email":
		return strings.ToLower(f.Email()), true
	case "uri", "url", "uri-reference":
		return g.url(name, seed), true
	case "uuid":
		return f.UUID(), true
	case "ipv4":
		return f.IPv4Address(), true
	case "ipv6":
		return f.IPv6Address(), true
	case "hostname":
		return strings.ToLower(f.DomainName()), true
	case "byte":
		return base64.StdEncoding.EncodeToString([]byte(f.Word())), true
	case "binary":
		return f.LetterN(16), false
	case "decimal":
		return fmt.Sprintf("%.2f", f.Float64Range(0, 1000)), true
	}
	return "", false
}

// instant is a date-time in the year before the fake's clock; a
// property named for what is to come (expires, ends) falls after it. It
// counts from the start of the clock's UTC day, so an answer stays the
// same all day while the clock moves on.
func (g *gen) instant(name string) time.Time {
	span := time.Duration(g.rng.Int64N(int64(365 * 24 * time.Hour))).Truncate(time.Microsecond)
	now := g.opts.Now.UTC().Truncate(24 * time.Hour)
	n := strings.ToLower(name)
	for _, future := range []string{"expir", "end", "due", "until", "deadline", "valid_to"} {
		if strings.Contains(n, future) {
			return now.Add(span)
		}
	}
	return now.Add(-span)
}

// orgWord is an org-like key: the tenant when there is one.
func orgWord(g *gen) string {
	if g.opts.Tenant != "" {
		return g.opts.Tenant
	}
	return strings.ToLower(g.faker.Word())
}

// fitLength pads or cuts v to s's length bounds (by characters, as
// JSON Schema counts them); a formatted value is only padded.
func fitLength(v string, s *openapi3.Schema, fixed bool) string {
	n := utf8.RuneCountInString(v)
	if s.MaxLength != nil && uint64(n) > *s.MaxLength && !fixed {
		v = string([]rune(v)[:*s.MaxLength])
		n = int(*s.MaxLength)
	}
	if uint64(n) < s.MinLength {
		v += strings.Repeat("x", int(s.MinLength)-n)
	}
	return v
}

// integer makes an integer within s's bounds, of a size that fits the
// property's name.
func (g *gen) integer(s *openapi3.Schema, seed uint64, name string) any {
	g.seed(seed)
	lo, hi := int64(1), int64(1000)
	n := strings.ToLower(name)
	switch {
	case strings.Contains(n, "count") || strings.Contains(n, "total") || strings.HasPrefix(n, "num"):
		lo, hi = 0, 120
	case strings.HasSuffix(n, "id") || strings.HasSuffix(n, "_pk"):
		lo, hi = 1, 100000
	case strings.Contains(n, "year"):
		lo, hi = 2020, 2026
	case strings.Contains(n, "percent") || strings.Contains(n, "score") || strings.Contains(n, "progress"):
		lo, hi = 0, 100
	case n == "page" || strings.Contains(n, "page"):
		lo, hi = 1, 5
	}
	if s.Format == "int32" {
		lo, hi = max(lo, math.MinInt32), min(hi, math.MaxInt32)
	}
	if s.Min != nil {
		m := int64(math.Ceil(*s.Min))
		if s.ExclusiveMin.IsTrue() && float64(m) == *s.Min {
			m++
		}
		lo = max(lo, m)
		if hi < lo {
			hi = lo + 100
		}
	}
	if s.Max != nil {
		m := int64(math.Floor(*s.Max))
		if s.ExclusiveMax.IsTrue() && float64(m) == *s.Max {
			m--
		}
		hi = min(hi, m)
		if lo > hi {
			lo = hi - min(100, hi-math.MinInt64/2)
		}
	}
	if hi < lo {
		hi = lo
	}
	v := lo + g.rng.Int64N(hi-lo+1)
	if s.MultipleOf != nil && *s.MultipleOf >= 1 {
		m := int64(*s.MultipleOf)
		v = (v / m) * m
		if v < lo {
			v += m
		}
	}
	return v
}

// number makes a number within s's bounds, with two decimals.
func (g *gen) number(s *openapi3.Schema, seed uint64, name string) any {
	g.seed(seed)
	lo, hi := 0.0, 1000.0
	if strings.Contains(strings.ToLower(name), "percent") || strings.Contains(strings.ToLower(name), "rate") {
		hi = 100
	}
	if s.Min != nil {
		lo = max(lo, *s.Min)
		if hi < lo {
			hi = lo + 100
		}
	}
	if s.Max != nil {
		hi = min(hi, *s.Max)
		if lo > hi {
			lo = hi - 100
		}
	}
	v := math.Round((lo+g.rng.Float64()*(hi-lo))*100) / 100
	if s.ExclusiveMin.IsTrue() && s.Min != nil && v <= *s.Min {
		v = *s.Min + (hi-*s.Min)/2
	}
	if s.ExclusiveMax.IsTrue() && s.Max != nil && v >= *s.Max {
		v = lo + (*s.Max-lo)/2
	}
	return v
}

// fromPattern makes a string matching pattern, trying a few draws.
func (g *gen) fromPattern(pattern string, seed uint64) (string, bool) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return "", false
	}
	for try := range 8 {
		g.seed(Mix(seed, "pattern"+itoa(try)))
		s, ok := fromRegexp(pattern, g.rng)
		if ok && re.MatchString(s) {
			return s, true
		}
	}
	return "", false
}

// capitalize upper-cases a word's first letter (gofakeit's words are
// ASCII).
func capitalize(w string) string {
	if w == "" || w[0] < 'a' || w[0] > 'z' {
		return w
	}
	return string(w[0]-'a'+'A') + w[1:]
}
