package api

import (
	"encoding/json"
	"unicode/utf8"
)

// Nearly every request body is plain JSON: objects, arrays, strings
// without escapes, numbers, true, false and null. parsePlain reads such a
// body in one pass into exactly what ParseJSON's encoding/json decoder
// makes of it (map[string]any, []any, string, json.Number, bool, nil; a
// repeated key's last value), without the decoder's copy of the body and
// its scanner's per-value state: the decoder was a twentieth of an issue
// request. Anything else (an escape in a string, a syntax error, text that
// is not UTF-8, nesting past MaxJSONDepth) it does not read, and ParseJSON
// reads the body as before, which also words every error.
// TestParsePlainIsEncodingJSON holds it to encoding/json.

// parsePlain returns raw's value and true, or false when raw is not a
// plain JSON document.
func parsePlain(raw []byte) (any, bool) {
	if !utf8.Valid(raw) {
		return nil, false
	}
	p := plainParser{raw: raw}
	if len(raw) <= sharedTextMax {
		p.text = string(raw)
	}
	v, ok := p.value(0)
	if !ok {
		return nil, false
	}
	p.space()
	return v, p.i == len(raw)
}

type plainParser struct {
	raw []byte
	i   int
	// text is raw as one string, whose substrings the keys and strings
	// are (one allocation for all of them), for bodies up to
	// sharedTextMax: a larger body's strings are copied one by one, so
	// that a string kept from it does not keep the whole body.
	text string
}

// sharedTextMax is the largest body whose strings share one allocation.
const sharedTextMax = 4 << 10

func (p *plainParser) space() {
	for p.i < len(p.raw) {
		switch p.raw[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// value reads the value at p.i, depth objects and arrays deep.
func (p *plainParser) value(depth int) (any, bool) {
	p.space()
	if p.i >= len(p.raw) {
		return nil, false
	}
	switch c := p.raw[p.i]; {
	case c == '{':
		return p.object(depth + 1)
	case c == '[':
		return p.array(depth + 1)
	case c == '"':
		if s, ok := p.string(); ok {
			return s, true
		}
		return nil, false
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	}
	return nil, false
}

func (p *plainParser) literal(lit string) bool {
	if len(p.raw)-p.i < len(lit) || string(p.raw[p.i:p.i+len(lit)]) != lit {
		return false
	}
	p.i += len(lit)
	return true
}

func (p *plainParser) object(depth int) (any, bool) {
	if depth > MaxJSONDepth {
		return nil, false
	}
	p.i++ // {
	m := map[string]any{}
	p.space()
	if p.i < len(p.raw) && p.raw[p.i] == '}' {
		p.i++
		return m, true
	}
	for {
		p.space()
		if p.i >= len(p.raw) || p.raw[p.i] != '"' {
			return nil, false
		}
		k, ok := p.string()
		if !ok {
			return nil, false
		}
		p.space()
		if p.i >= len(p.raw) || p.raw[p.i] != ':' {
			return nil, false
		}
		p.i++
		v, ok := p.value(depth)
		if !ok {
			return nil, false
		}
		m[k] = v
		p.space()
		if p.i >= len(p.raw) {
			return nil, false
		}
		switch p.raw[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return m, true
		default:
			return nil, false
		}
	}
}

func (p *plainParser) array(depth int) (any, bool) {
	if depth > MaxJSONDepth {
		return nil, false
	}
	p.i++ // [
	a := []any{}
	p.space()
	if p.i < len(p.raw) && p.raw[p.i] == ']' {
		p.i++
		return a, true
	}
	for {
		v, ok := p.value(depth)
		if !ok {
			return nil, false
		}
		a = append(a, v)
		p.space()
		if p.i >= len(p.raw) {
			return nil, false
		}
		switch p.raw[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return a, true
		default:
			return nil, false
		}
	}
}

// string reads a string without escapes or control characters (its
// bytes are valid UTF-8: parsePlain checked the whole body).
func (p *plainParser) string() (string, bool) {
	start := p.i + 1
	for j := start; j < len(p.raw); j++ {
		switch c := p.raw[j]; {
		case c == '"':
			p.i = j + 1
			if p.text != "" {
				return p.text[start:j], true
			}
			return string(p.raw[start:j]), true
		case c == '\\' || c < 0x20:
			return "", false
		}
	}
	return "", false
}

// number reads a number as JSON's grammar spells it, as its literal text
// (json.Number, as the decoder's UseNumber keeps it).
func (p *plainParser) number() (any, bool) {
	start, j := p.i, p.i
	digits := func() int {
		n := 0
		for j < len(p.raw) && p.raw[j] >= '0' && p.raw[j] <= '9' {
			j++
			n++
		}
		return n
	}
	if p.raw[j] == '-' {
		j++
	}
	switch {
	case j < len(p.raw) && p.raw[j] == '0':
		j++
	case digits() == 0:
		return nil, false
	}
	if j < len(p.raw) && p.raw[j] == '.' {
		j++
		if digits() == 0 {
			return nil, false
		}
	}
	if j < len(p.raw) && (p.raw[j] == 'e' || p.raw[j] == 'E') {
		j++
		if j < len(p.raw) && (p.raw[j] == '+' || p.raw[j] == '-') {
			j++
		}
		if digits() == 0 {
			return nil, false
		}
	}
	p.i = j
	return json.Number(p.raw[start:j]), true
}
