package cassette

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// Torn describes a last line that is not a whole record: what a writer
// killed mid-write leaves behind. The reader skips it.
type Torn struct {
	Line  int    `json:"line"`
	Bytes int    `json:"bytes"`
	Err   string `json:"error"`
}

// MaxLineBytes bounds a cassette line, newline included: Writer never
// writes a longer one, so Reader, which refuses one, reads every line
// the proxy wrote. The proxy's answers are at most 64 MiB
// (proxy.DefaultMaxResponseBytes) and its requests 10 MiB by default; as
// a line, compact JSON is as long as the body, a binary body a third
// longer (base64), and text up to six times as long where JSON escapes
// control characters (\u0001). 256 MiB holds every JSON or binary
// exchange at the default limits, and text unless most of it is escaped.
// A reader without a bound read a 300 MB line whole (1.26 GB RSS: the
// second hostile test's note).
const MaxLineBytes = 256 << 20

// Reader reads records one at a time, so a long cassette is never held
// in memory whole.
type Reader struct {
	br      *bufio.Reader
	maxLine int
	line    int
	torn    *Torn
}

// NewReader reads records from r, refusing lines over MaxLineBytes.
func NewReader(r io.Reader) *Reader { return NewLimitedReader(r, MaxLineBytes) }

// NewLimitedReader reads records from r, refusing lines over maxLine
// bytes (MaxLineBytes if maxLine is not positive).
func NewLimitedReader(r io.Reader, maxLine int) *Reader {
	if maxLine <= 0 {
		maxLine = MaxLineBytes
	}
	return &Reader{br: bufio.NewReaderSize(r, 64<<10), maxLine: maxLine}
}

// readLine reads up to and including the next newline, at most maxLine
// bytes: a longer line is an error before more of it is held.
func (r *Reader) readLine() ([]byte, error) {
	var line []byte
	for {
		frag, err := r.br.ReadSlice('\n')
		if len(line)+len(frag) > r.maxLine {
			return nil, fmt.Errorf("cassette line %d is longer than %d bytes, more than iblfake proxy ever writes", r.line+1, r.maxLine)
		}
		if need := len(line) + len(frag); need > cap(line) {
			// Doubling, at most to the limit: append grows a large slice
			// by a quarter, and the copies it leaves behind held 1 GB of
			// memory on the way to a 256 MiB line.
			grown := make([]byte, len(line), min(max(2*cap(line), need), r.maxLine))
			copy(grown, line)
			line = grown
		}
		line = append(line, frag...)
		if !errors.Is(err, bufio.ErrBufferFull) {
			return line, err
		}
	}
}

// Next returns the next record, or io.EOF after the last. A last line
// that does not parse and has no newline is torn: Next skips it, returns
// io.EOF, and Torn describes it. A line that does not parse anywhere else
// is damage no crash of the writer leaves, and an error naming its line.
func (r *Reader) Next() (*Record, error) {
	for {
		b, err := r.readLine()
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		atEnd := err != nil
		if len(b) == 0 && atEnd {
			return nil, io.EOF
		}
		r.line++
		whole := bytes.HasSuffix(b, []byte("\n"))
		if len(bytes.TrimSpace(b)) == 0 {
			if atEnd {
				return nil, io.EOF
			}
			continue
		}
		var rec Record
		if perr := json.Unmarshal(b, &rec); perr != nil {
			if !whole {
				r.torn = &Torn{Line: r.line, Bytes: len(b), Err: perr.Error()}
				return nil, io.EOF
			}
			return nil, fmt.Errorf("cassette line %d: %v", r.line, perr)
		}
		if rec.V != Version {
			return nil, fmt.Errorf("cassette line %d: format version %d, this iblfake reads version %d", r.line, rec.V, Version)
		}
		return &rec, nil
	}
}

// Line is the number of the line Next read last.
func (r *Reader) Line() int { return r.line }

// Torn describes the torn last line Next skipped, or is nil.
func (r *Reader) Torn() *Torn { return r.torn }

// ReadFile reads every record of a cassette file.
func ReadFile(path string) ([]*Record, *Torn, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	r := NewReader(f)
	var out []*Record
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out, r.Torn(), nil
		}
		if err != nil {
			return out, r.Torn(), err
		}
		out = append(out, rec)
	}
}
