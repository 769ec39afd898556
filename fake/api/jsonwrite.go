package api

import (
	"strconv"
	"unicode/utf8"
)

// The answers the fake serves most (a page of credentials) are assembled
// from bytes it rendered before, instead of encoding views with
// encoding/json on every request. These appenders write the few values
// around those bytes exactly as JSON (encoding/json with HTML escaping
// off) writes them; jsonwrite_test.go holds them to that, byte for byte.

// AppendString appends s as a JSON string, as encoding/json writes it with
// SetEscapeHTML(false): '"' and '\\' escaped, control characters as \b,
// \f, \n, \r, \t or \u00XX, invalid UTF-8 as \ufffd, and U+2028 and U+2029
// escaped.
func AppendString(dst []byte, s string) []byte { return appendString(dst, s, false) }

// AppendStringEscapeHTML appends s as a JSON string as json.Marshal
// writes it: AppendString's escapes, and <, > and & as \u003c, \u003e and
// \u0026.
func AppendStringEscapeHTML(dst []byte, s string) []byte { return appendString(dst, s, true) }

func appendString(dst []byte, s string, html bool) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && (!html || (b != '<' && b != '>' && b != '&')) {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// AppendNullableString appends *s as a JSON string, or null for nil.
func AppendNullableString(dst []byte, s *string) []byte {
	if s == nil {
		return append(dst, "null"...)
	}
	return AppendString(dst, *s)
}

// AppendNullableStringEscapeHTML is AppendNullableString as json.Marshal
// writes it (AppendStringEscapeHTML).
func AppendNullableStringEscapeHTML(dst []byte, s *string) []byte {
	if s == nil {
		return append(dst, "null"...)
	}
	return AppendStringEscapeHTML(dst, *s)
}

// AppendInt appends n as a JSON number.
func AppendInt(dst []byte, n int) []byte { return strconv.AppendInt(dst, int64(n), 10) }
