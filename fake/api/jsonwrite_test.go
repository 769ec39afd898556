package api

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// randomString draws a string from what encoding/json treats specially:
// quotes, backslashes, every control character, HTML characters, DEL,
// multi-byte runes, U+2028/U+2029 and invalid UTF-8.
func randomString(rng *rand.Rand) string {
	pieces := []string{"a", "Z", "0", " ", `"`, `\`, "/", "<", ">", "&", "\x7f", "é", "€", "😀",
		"\u2028", "\u2029", "\xff", "\xc3", "\xe2\x80", "\xed\xa0\x80", "\ufffd", "\u00a0"}
	var b []byte
	for range rng.IntN(12) {
		if rng.IntN(4) == 0 {
			b = append(b, byte(rng.IntN(0x20))) // a control character
		} else {
			b = append(b, pieces[rng.IntN(len(pieces))]...)
		}
	}
	return string(b)
}

// TestAppendStringIsEncodingJSON holds AppendString to encoding/json with
// HTML escaping off, and AppendStringEscapeHTML to json.Marshal, over random strings (seeded) and every single byte.
func TestAppendStringIsEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 1))
	var cases []string
	for b := range 256 {
		cases = append(cases, string([]byte{byte(b)}))
	}
	for range 20000 {
		cases = append(cases, randomString(rng))
	}
	for _, s := range cases {
		want, err := Encode(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := AppendString([]byte("x"), s); !bytes.Equal(got[1:], want) {
			t.Fatalf("AppendString(%q) = %s, encoding/json: %s", s, got[1:], want)
		}
		want, _ = json.Marshal(s) // HTML escaped
		if got := AppendStringEscapeHTML([]byte("x"), s); !bytes.Equal(got[1:], want) {
			t.Fatalf("AppendStringEscapeHTML(%q) = %s, json.Marshal: %s", s, got[1:], want)
		}
	}
	var null *string
	if got := AppendNullableString(nil, null); string(got) != "null" {
		t.Fatalf("AppendNullableString(nil) = %s", got)
	}
	if got := AppendNullableStringEscapeHTML(nil, null); string(got) != "null" {
		t.Fatalf("AppendNullableStringEscapeHTML(nil) = %s", got)
	}
	for _, n := range []int{0, -1, 7, 1 << 40} {
		want, _ := json.Marshal(n)
		if got := AppendInt(nil, n); !bytes.Equal(got, want) {
			t.Fatalf("AppendInt(%d) = %s, want %s", n, got, want)
		}
	}
}
