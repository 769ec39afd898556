package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// MaxJSONDepth is how deeply a JSON request body may nest objects and
// arrays; a deeper one is a 400 before anything decodes it. The vendor's
// bodies nest four levels at most, and the real service does not survive
// much deeper ones (Python's recursion limit).
const MaxJSONDepth = 64

// ParseJSON parses a request body as DRF's JSONParser does and words every
// failure as it does: {"detail": "JSON parse error - <Python's reason>"}.
// Numbers stay json.Number, so an integer field can tell 1 from 1.0 and
// nothing is rounded before the handler sees it. It refuses, besides
// syntax errors, text that is not UTF-8 (Python's codec error; Go would
// paper over it with U+FFFD), a byte order mark (Python's json refuses
// it), NaN and Infinity (DRF's strict parsing), data after the value, and
// nesting deeper than MaxJSONDepth.
func ParseJSON(raw []byte) (any, error) {
	if v, ok := parsePlain(raw); ok { // the common case (jsonparse_fast.go)
		return v, nil
	}
	if !utf8.Valid(raw) {
		return nil, parseError(utf8DecodeError(raw))
	}
	if bytes.HasPrefix(raw, []byte("\xef\xbb\xbf")) {
		return nil, parseError("Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)")
	}
	if d := jsonDepth(raw, MaxJSONDepth); d > MaxJSONDepth {
		return nil, parseError(fmt.Sprintf("nesting deeper than %d levels.", MaxJSONDepth))
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, parseError(pythonSyntaxError(raw))
	}
	if rest := bytes.TrimLeft(raw[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		return nil, parseError("Extra data: " + position(raw, len(raw)-len(rest)))
	}
	return v, nil
}

func parseError(reason string) *Error {
	return Detail(http.StatusBadRequest, "JSON parse error - "+reason)
}

// pythonSyntaxError words the first syntax error in raw as Python's json
// module does ("Expecting value: line 1 column 5 (char 4)"), from what
// encoding/json's scanner reports.
func pythonSyntaxError(raw []byte) string {
	var se *json.SyntaxError
	if err := json.Unmarshal(raw, new(any)); !errors.As(err, &se) {
		return "Expecting value: " + position(raw, 0)
	}
	at := int(se.Offset) - 1 // the offending byte
	if at < 0 {
		at = 0
	}
	msg := se.Error()
	switch {
	case msg == "unexpected end of JSON input":
		if start, open := openString(raw); open {
			return "Unterminated string starting at: " + position(raw, start)
		}
		return "Expecting value: " + position(raw, len(raw))
	case strings.HasSuffix(msg, "looking for beginning of value"):
		for _, lit := range []string{"NaN", "Infinity", "-Infinity"} {
			if bytes.HasPrefix(raw[at:], []byte(lit)) {
				return fmt.Sprintf("Out of range float values are not JSON compliant: '%s'", lit)
			}
		}
		return "Expecting value: " + position(raw, at)
	case strings.HasSuffix(msg, "looking for beginning of object key string"):
		return "Expecting property name enclosed in double quotes: " + position(raw, at)
	case strings.HasSuffix(msg, "after object key"):
		return "Expecting ':' delimiter: " + position(raw, at)
	case strings.HasSuffix(msg, "after object key:value pair"), strings.HasSuffix(msg, "after array element"):
		return "Expecting ',' delimiter: " + position(raw, at)
	case strings.HasSuffix(msg, "in string literal"):
		return "Invalid control character at: " + position(raw, at)
	case strings.HasSuffix(msg, "in string escape code"):
		return "Invalid \\escape: " + position(raw, max(at-1, 0))
	case strings.Contains(msg, "hexadecimal character escape"):
		return "Invalid \\uXXXX escape: " + position(raw, max(at-2, 0))
	case strings.HasSuffix(msg, "after top-level value"):
		return "Extra data: " + position(raw, at)
	}
	return "Expecting value: " + position(raw, at)
}

// openString reports whether raw ends inside a string, and where it starts.
func openString(raw []byte) (start int, open bool) {
	escaped := false
	for i, b := range raw {
		switch {
		case open && escaped:
			escaped = false
		case open && b == '\\':
			escaped = true
		case b == '"':
			if !open {
				start = i
			}
			open = !open
		}
	}
	return start, open
}

// position is Python's "line L column C (char N)" for byte offset at: N
// counts characters, not bytes; lines and columns start at 1.
func position(raw []byte, at int) string {
	at = min(at, len(raw))
	before := raw[:at]
	char := utf8.RuneCount(before)
	line := bytes.Count(before, []byte("\n")) + 1
	col := char + 1
	if nl := bytes.LastIndexByte(before, '\n'); nl >= 0 {
		col = utf8.RuneCount(before[nl+1:]) + 1
	}
	return fmt.Sprintf("line %d column %d (char %d)", line, col, char)
}

// utf8DecodeError words the first invalid byte of b as Python's utf-8
// codec does.
func utf8DecodeError(b []byte) string {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || n != 1 {
			i += n
			continue
		}
		reason := "invalid start byte"
		if b[i] >= 0xc2 && b[i] <= 0xf4 {
			reason = "invalid continuation byte"
			if !utf8.FullRune(b[i:]) {
				reason = "unexpected end of data"
			}
		}
		return fmt.Sprintf("'utf-8' codec can't decode byte 0x%02x in position %d: %s", b[i], i, reason)
	}
	return "'utf-8' codec can't decode the body"
}

// JSONDepth returns how deeply data nests objects and arrays, stopping as
// soon as it passes limit. It does not check that data is valid JSON.
func JSONDepth(data []byte, limit int) int { return jsonDepth(data, limit) }

func jsonDepth(data []byte, limit int) int {
	depth, max, inString, escaped := 0, 0, false, false
	for _, b := range data {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case b == '\\':
				escaped = true
			case b == '"':
				inString = false
			}
		case b == '"':
			inString = true
		case b == '{' || b == '[':
			depth++
			if depth > max {
				max = depth
				if max > limit {
					return max
				}
			}
		case b == '}' || b == ']':
			depth--
		}
	}
	return max
}
