package api

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// decodeJSON is ParseJSON's encoding/json path: the decoder with
// UseNumber, nothing after the value.
func decodeJSON(raw []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	if len(bytes.TrimLeft(raw[dec.InputOffset():], " \t\r\n")) > 0 {
		return nil, false
	}
	return v, true
}

// randomJSON writes a random JSON value, depth levels deep at most, from
// pieces that are plain and pieces that are not (escapes, odd numbers,
// odd spacing, repeated keys).
func randomJSON(rng *rand.Rand, b *strings.Builder, depth int) {
	space := func() {
		if rng.IntN(4) == 0 {
			b.WriteString([]string{" ", "\n", "\t", "\r", "  "}[rng.IntN(5)])
		}
	}
	space()
	switch n := rng.IntN(10); {
	case n < 2 && depth > 0:
		b.WriteByte('{')
		for i := range rng.IntN(4) {
			if i > 0 {
				b.WriteByte(',')
			}
			space()
			b.WriteString([]string{`"a"`, `"b"`, `"a"`, `"é"`, `""`, `"k\"q"`, `"\u00e9"`}[rng.IntN(7)])
			space()
			b.WriteByte(':')
			randomJSON(rng, b, depth-1)
		}
		space()
		b.WriteByte('}')
	case n < 4 && depth > 0:
		b.WriteByte('[')
		for i := range rng.IntN(4) {
			if i > 0 {
				b.WriteByte(',')
			}
			randomJSON(rng, b, depth-1)
		}
		space()
		b.WriteByte(']')
	case n < 6:
		b.WriteString([]string{`"x"`, `""`, `"user1"`, `"日本 😀"`, `"<&>"`, `"a\nb"`, `"\ud83d\ude00"`, `"\ud800"`,
			`"tab	in"`, `"/"`, `"\/"`, `"\u0000"`}[rng.IntN(12)])
	case n < 8:
		b.WriteString([]string{"0", "-0", "1", "-1", "10", "1.5", "1e3", "1E+3", "-2.5e-3", "123456789012345678901234567890",
			"1e400", "0.0", "01", "1.", ".5", "-", "+1", "1e", "0x1", "NaN"}[rng.IntN(20)])
	default:
		b.WriteString([]string{"true", "false", "null", "tru", "nul", "True"}[rng.IntN(6)])
	}
	space()
}

// TestParsePlainIsEncodingJSON holds parsePlain to encoding/json's
// decoder (UseNumber, nothing after the value): over random documents
// (seeded), plain and not, then with random bytes changed, cut or added,
// every document parsePlain reads is one the decoder reads to the same
// value, and it reads most plain ones (so it is not passing by reading
// nothing).
func TestParsePlainIsEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(26, 5))
	read, decoded := 0, 0
	check := func(raw []byte) {
		got, ok := parsePlain(raw)
		want, wantOK := decodeJSON(raw)
		if wantOK {
			decoded++
		}
		if !ok {
			return
		}
		read++
		if !wantOK || !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: parsePlain %#v, encoding/json %#v (%v)", raw, got, want, wantOK)
		}
	}
	for range 30000 {
		var b strings.Builder
		randomJSON(rng, &b, rng.IntN(5))
		raw := []byte(b.String())
		check(raw)
		if rng.IntN(50) == 0 { // past sharedTextMax: strings copied one by one
			check([]byte(`["` + strings.Repeat("x", sharedTextMax) + `",` + string(raw) + `]`))
		}
		if len(raw) > 0 {
			m := bytes.Clone(raw)
			switch rng.IntN(3) {
			case 0:
				m[rng.IntN(len(m))] = "{}[]\",:0-e. \x00\xff\\tn"[rng.IntN(17)]
			case 1:
				m = m[:rng.IntN(len(m))]
			default:
				i := rng.IntN(len(m) + 1)
				m = append(m[:i:i], append([]byte{"{}[]\",: 1"[rng.IntN(9)]}, raw[i:]...)...)
			}
			check(m)
		}
	}
	for _, raw := range []string{"", " ", "\xef\xbb\xbf{}", strings.Repeat("[", 64) + strings.Repeat("]", 64),
		strings.Repeat("[", 65) + strings.Repeat("]", 65), `{"a":1}x`, `{"a":1} `, `{"a":1,}`, `[1,]`, "\"\xff\""} {
		check([]byte(raw))
	}
	if got, ok := parsePlain([]byte(strings.Repeat("[", 65) + strings.Repeat("]", 65))); ok {
		t.Fatalf("parsePlain read 65 levels: %v", got)
	}
	if read < decoded/3 {
		t.Fatalf("parsePlain read %d of the %d documents encoding/json reads: too few to prove anything", read, decoded)
	}
	t.Logf("parsePlain read %d of the %d documents encoding/json reads, each to the same value", read, decoded)
}

// BenchmarkParseJSON parses the perf harness's issue body: ParseJSON
// (parsePlain) beside the encoding/json decoder it used for every body.
func BenchmarkParseJSON(b *testing.B) {
	raw := []byte(`{"recipient":{"identity":"user12345"},"course":"course-v1:perf+C1+2024"}`)
	b.Run("ParseJSON", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if _, err := ParseJSON(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decoder", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			if _, ok := decodeJSON(raw); !ok {
				b.Fatal("no")
			}
		}
	})
}
