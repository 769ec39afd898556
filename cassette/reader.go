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

// Reader reads records one at a time, so a long cassette is never held
// in memory whole.
type Reader struct {
	br   *bufio.Reader
	line int
	torn *Torn
}

// NewReader reads records from r.
func NewReader(r io.Reader) *Reader { return &Reader{br: bufio.NewReaderSize(r, 64<<10)} }

// Next returns the next record, or io.EOF after the last. A last line
// that does not parse and has no newline is torn: Next skips it, returns
// io.EOF, and Torn describes it. A line that does not parse anywhere else
// is damage no crash of the writer leaves, and an error naming its line.
func (r *Reader) Next() (*Record, error) {
	for {
		b, err := r.br.ReadBytes('\n')
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
