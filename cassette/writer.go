package cassette

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// Sync says when a Writer makes its lines durable.
type Sync int

const (
	// SyncEach fsyncs after every record: a record the proxy has answered
	// with survives a power cut. A proxy in front of a real tenant
	// answers a few requests a second, so the cost does not show.
	SyncEach Sync = iota
	// SyncOnClose fsyncs only when the writer is closed: for bulk writes
	// (tests, conversions) where a crash may lose the last records but
	// still never leaves a line that breaks reading.
	SyncOnClose
)

// Writer appends records to a cassette file, one line each. It is safe
// for concurrent use; lines never interleave.
type Writer struct {
	mu     sync.Mutex
	f      *os.File
	sync   Sync
	size   int64 // the file's length after the last whole line
	broken error // set when a failed write could not be undone
	// dropped is how many bytes of a torn last line Create cut off.
	dropped int64
	buf     bytes.Buffer
	maxLine int // MaxLineBytes
}

// Create opens path for appending, creating it (mode 0600: a recording
// may hold personal data) if it is missing. A torn last line left by a
// writer that was killed mid-write is cut off first, so the next record
// starts on a line of its own; Dropped says how many bytes went.
func Create(path string, sync Sync) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	w := &Writer{f: f, sync: sync, maxLine: MaxLineBytes}
	if err := w.cutTornTail(); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("cassette %s: %w", path, err)
	}
	return w, nil
}

// cutTornTail truncates the file after its last newline.
func (w *Writer) cutTornTail() error {
	st, err := w.f.Stat()
	if err != nil {
		return err
	}
	end := st.Size()
	keep := end
	chunk := make([]byte, 4096)
	for keep > 0 {
		n := int64(len(chunk))
		if keep < n {
			n = keep
		}
		if _, err := w.f.ReadAt(chunk[:n], keep-n); err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		if i := bytes.LastIndexByte(chunk[:n], '\n'); i >= 0 {
			keep = keep - n + int64(i) + 1
			break
		}
		keep -= n
	}
	if keep != end {
		// A whole record without its newline (an edited file) is kept
		// and ended; anything else after the last newline is a fragment.
		tail := make([]byte, end-keep)
		if _, err := w.f.ReadAt(tail, keep); err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		var rec Record
		if json.Unmarshal(tail, &rec) == nil {
			if _, err := w.f.Write([]byte("\n")); err != nil {
				return err
			}
			w.size = end + 1
			return nil
		}
		if err := w.f.Truncate(keep); err != nil {
			return err
		}
		w.dropped = end - keep
	}
	w.size = keep
	return nil
}

// Dropped is how many bytes of a torn last line Create cut off.
func (w *Writer) Dropped() int64 { return w.dropped }

// Append writes r as one line, with a single write: a kill between two
// records leaves whole lines only, and one during the write at worst a
// torn last line, which Reader skips and Create cuts off. A write that
// fails part-way (a full disk) is undone by truncating back to the last
// whole line; if even that fails, the writer refuses every later record
// rather than glue it to a fragment.
func (w *Writer) Append(r *Record) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.broken != nil {
		return w.broken
	}
	if r.V == 0 {
		r.V = Version
	}
	w.buf.Reset()
	enc := json.NewEncoder(&w.buf)
	enc.SetEscapeHTML(false) // bodies stay as readable as the upstream sent them
	if err := enc.Encode(r); err != nil {
		return err
	}
	if n := w.buf.Len(); n > w.maxLine {
		// A line no Reader would read back is not written at all.
		w.buf = bytes.Buffer{}
		return fmt.Errorf("cassette: the record is a line of %d bytes, over the limit of %d (MaxLineBytes); not written", n, w.maxLine)
	}
	n, err := w.f.Write(w.buf.Bytes())
	if w.buf.Cap() > 1<<20 {
		w.buf = bytes.Buffer{} // one large answer's line is not kept for good
	}
	if err != nil {
		if terr := w.f.Truncate(w.size); terr != nil {
			w.broken = fmt.Errorf("cassette: a failed write could not be undone, no more records are written: %w", terr)
		}
		return err
	}
	w.size += int64(n)
	if w.sync == SyncEach {
		return w.f.Sync()
	}
	return nil
}

// Close makes the records durable and closes the file.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return errors.Join(w.f.Sync(), w.f.Close())
}
