// Package drf holds rules of Django and Django REST Framework that the fake
// and the proxy's contract check both follow, free of the server: how a
// request's date-time is read and written, and how a paginator reads its
// query. It imports nothing of the project.
package drf

import (
	"errors"
	"strconv"
	"time"
)

// Messages of DRF's DateTimeField, kept as constants so tests assert them.
const (
	MsgDateTimeFormat = "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
	MsgDateTimeRange  = "Datetime value out of range."
)

// Errors ParseDateTime returns; test with errors.Is.
var (
	// ErrDateTimeFormat: the text is not a date-time Django parses.
	ErrDateTimeFormat = errors.New("not a date-time")
	// ErrDateTimeRange: a valid date-time whose offset moves it outside
	// years 1-9999 in UTC, which Python's datetime cannot hold.
	ErrDateTimeRange = errors.New("date-time out of range")
)

// ParseDateTime reads a request date-time as DRF's DateTimeField does with
// Django's parse_datetime: YYYY-MM-DD, then optionally [T or space]hh:mm,
// :ss, a fraction of up to nine digits after '.' or ',' (kept to the
// microsecond, as Python keeps it), and an offset Z, ±HH, ±HHMM or ±HH:MM.
// Month, day, hour, minute and second may have one digit, as Django's
// regular expression allows.
//
// A value without an offset is in the server's time zone, which is UTC (the
// vendor's Python SDK sends datetime.now() that way:
// 2026-01-15T09:30:00.123456). The result is in UTC. A value whose offset
// takes it outside years 1-9999 is ErrDateTimeRange, as DRF's
// enforce_timezone fails with "Datetime value out of range."; anything
// else unreadable is ErrDateTimeFormat.
func ParseDateTime(s string) (time.Time, error) {
	p := dtParser{s: s}
	year := p.digits(4, 4)
	p.expect('-')
	month := p.digits(1, 2)
	p.expect('-')
	day := p.digits(1, 2)
	var hour, minute, sec, nsec int
	offset := 0
	if !p.done() {
		if c := p.peek(); c == 'T' || c == 't' || c == ' ' {
			p.i++
		} else {
			p.bad = true
		}
		hour = p.digits(1, 2)
		p.expect(':')
		minute = p.digits(1, 2)
		if !p.bad && p.peek() == ':' {
			p.i++
			sec = p.digits(1, 2)
			if c := p.peek(); !p.bad && (c == '.' || c == ',') {
				p.i++
				start := p.i
				frac := p.digits(1, 9)
				for n := p.i - start; n < 9; n++ {
					frac *= 10
				}
				nsec = frac / 1000 * 1000 // Python keeps microseconds
			}
		}
		offset = p.zone()
	}
	if p.bad || !p.done() || year < 1 || month < 1 || month > 12 || day < 1 ||
		day > daysIn(time.Month(month), year) || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, ErrDateTimeFormat
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC).Add(-time.Duration(offset) * time.Second)
	if y := t.Year(); y < 1 || y > 9999 {
		return time.Time{}, ErrDateTimeRange
	}
	return t, nil
}

// DateTimeMessage is DRF's message for an error of ParseDateTime.
func DateTimeMessage(err error) string {
	if errors.Is(err, ErrDateTimeRange) {
		return MsgDateTimeRange
	}
	return MsgDateTimeFormat
}

// dtParser reads ParseDateTime's input left to right; any mismatch sets bad.
type dtParser struct {
	s   string
	i   int
	bad bool
}

func (p *dtParser) done() bool { return p.i >= len(p.s) }

func (p *dtParser) peek() byte {
	if p.done() {
		return 0
	}
	return p.s[p.i]
}

func (p *dtParser) expect(c byte) {
	if p.peek() != c {
		p.bad = true
		return
	}
	p.i++
}

// digits reads between min and max ASCII digits.
func (p *dtParser) digits(min, max int) int {
	start := p.i
	for p.i < len(p.s) && p.i-start < max && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		p.i++
	}
	if p.i-start < min {
		p.bad = true
		return 0
	}
	n, _ := strconv.Atoi(p.s[start:p.i])
	return n
}

// zone reads an optional offset and returns it in seconds east of UTC.
func (p *dtParser) zone() int {
	switch p.peek() {
	case 0:
		return 0
	case 'Z', 'z':
		p.i++
		return 0
	case '+', '-':
	default:
		p.bad = true
		return 0
	}
	sign := 1
	if p.s[p.i] == '-' {
		sign = -1
	}
	p.i++
	h := p.digits(2, 2)
	m := 0
	if p.peek() == ':' {
		p.i++
		m = p.digits(2, 2)
	} else if !p.done() {
		m = p.digits(2, 2)
	}
	if h > 23 || m > 59 { // Python: the offset must be within a day
		p.bad = true
	}
	return sign * (h*3600 + m*60)
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// FormatDateTime formats t as Django REST Framework renders a datetime:
// ISO 8601 in UTC with "Z", and microseconds (all six digits, as Python's
// isoformat writes them) only when there are some.
func FormatDateTime(t time.Time) string {
	var b [32]byte
	return string(AppendDateTime(b[:0], t))
}

// AppendDateTime appends FormatDateTime(t) to b. Years 0-9999 are
// written digit by digit (time's layout interpreter was most of an
// assertion's rendering); others go through the layout.
func AppendDateTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	micro := t.Nanosecond() / 1000
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		if micro == 0 {
			return t.AppendFormat(b, "2006-01-02T15:04:05Z")
		}
		return t.AppendFormat(b, "2006-01-02T15:04:05.000000Z")
	}
	hour, minute, sec := t.Clock()
	b = appendDigits(b, year, 4)
	b = appendDigits(append(b, '-'), int(month), 2)
	b = appendDigits(append(b, '-'), day, 2)
	b = appendDigits(append(b, 'T'), hour, 2)
	b = appendDigits(append(b, ':'), minute, 2)
	b = appendDigits(append(b, ':'), sec, 2)
	if micro != 0 {
		b = appendDigits(append(b, '.'), micro, 6)
	}
	return append(b, 'Z')
}

// appendDigits appends n (0 <= n < 10^width) in width digits.
func appendDigits(b []byte, n, width int) []byte {
	var d [6]byte
	for i := width - 1; i >= 0; i-- {
		d[i] = byte('0' + n%10)
		n /= 10
	}
	return append(b, d[:width]...)
}

// DateTimeFormat validates `format: date-time` strings as DRF's
// DateTimeField reads them (ParseDateTime), for kin-openapi's
// WithStringFormatValidators: kin-openapi's own check wants RFC 3339 with
// an offset and so refuses the naive 2026-01-15T09:30:00.123456 the
// vendor's Python SDK sends from datetime.now(), which the real service
// takes in its time zone (UTC). The error is ErrDateTimeFormat or
// ErrDateTimeRange.
type DateTimeFormat struct{}

// Validate implements openapi3.StringFormatValidator.
func (DateTimeFormat) Validate(v string) error {
	_, err := ParseDateTime(v)
	return err
}
