// Package journal is the request journal the fake and the proxy keep: the
// last N requests in a ring (Entry), the headers and bodies of those
// answered while someone watches (Exchange), the live subscribers (Watch)
// and the GET/DELETE /_fake/requests handler. It imports nothing of the
// project, so the proxy and the dashboard read it without the server.
package journal

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Entry is one request as the journal records it.
type Entry struct {
	Time        time.Time `json:"time"`
	Method      string    `json:"method"`
	Path        string    `json:"path"`
	Query       string    `json:"query,omitempty"`
	OperationID string    `json:"operation_id,omitempty"`
	// Tier is how the fake answered the operation (coverage.go).
	Tier       string  `json:"tier,omitempty"`
	Status     int     `json:"status"`
	Tenant     string  `json:"tenant,omitempty"`
	DurationMS float64 `json:"duration_ms"`
	// Scenario is the scenario rule that answered, "scenario/rule".
	Scenario string `json:"scenario,omitempty"`
	// Note says what the fake did differently from what was asked (a
	// scenario delay skipped because too many requests were held).
	Note string `json:"note,omitempty"`
	// Violations are where the request or the answer departs from the
	// corrected document (a proxied real answer, say), one line each:
	// "response body /result/name: want string, got number".
	Violations []string `json:"violations,omitempty"`
}

// Journal keeps the last N requests in a ring.
type Journal struct {
	mu      sync.Mutex
	entries []Entry
	next    int
	full    bool
	total   uint64
	// watchers are the live subscribers (Watch), replaced as a whole under
	// mu; nil while nobody watches, so Add and the middleware pay one
	// atomic load then.
	watchers atomic.Pointer[[]*watcher]
	// exchanges keeps the bodies of the latest requests recorded while
	// someone watched (at most MaxExchanges), guarded by mu.
	exchanges []Watched
}

// New returns a journal that keeps size entries.
func New(size int) *Journal { return &Journal{entries: make([]Entry, size)} }

// Size is how many entries the journal keeps.
func (j *Journal) Size() int { return len(j.entries) }

// Add records e, dropping the oldest entry when full.
func (j *Journal) Add(e Entry) { j.AddExchange(e, nil) }

// AddExchange records e and, while someone watches, hands it to every
// watcher with x, the request's exchange (nil when its bodies were not
// captured). The sends happen under mu, so watchers see entries in
// sequence order; they never block (a watcher that falls behind loses
// entries and is told how many).
func (j *Journal) AddExchange(e Entry, x *Exchange) {
	j.mu.Lock()
	j.entries[j.next] = e
	j.next = (j.next + 1) % len(j.entries)
	j.full = j.full || j.next == 0
	j.total++
	if ws := j.watchers.Load(); ws != nil {
		w := Watched{Seq: j.total, Entry: e, Exchange: x}
		if x != nil {
			if len(j.exchanges) >= MaxExchanges {
				j.exchanges = append(j.exchanges[:0], j.exchanges[1:]...)
			}
			j.exchanges = append(j.exchanges, w)
		}
		for _, wt := range *ws {
			select {
			case wt.ch <- w:
			default:
				wt.dropped.Add(1)
			}
		}
	}
	j.mu.Unlock()
}

// Entries returns the kept entries, oldest first.
func (j *Journal) Entries() []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	if !j.full {
		return append([]Entry(nil), j.entries[:j.next]...)
	}
	return append(append([]Entry(nil), j.entries[j.next:]...), j.entries[:j.next]...)
}

// Total returns how many requests were ever recorded.
func (j *Journal) Total() uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.total
}

// Clear drops every entry (and every kept exchange), and lets go of what
// they held.
func (j *Journal) Clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	clear(j.entries)
	j.next, j.full, j.total = 0, false, 0
	j.exchanges = nil
}

// MaxEntryText is how much of a request's path and of its query an entry
// keeps: a client may send up to the header limit (1 MiB) of either, and
// a journal of a million entries must not keep a million of them whole.
const MaxEntryText = 8 << 10

// Text is s cut to MaxEntryText bytes (at a character's start),
// copied so that the entry does not hold the request's whole string.
func Text(s string) string {
	if len(s) <= MaxEntryText {
		return s
	}
	n := MaxEntryText
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return strings.Clone(s[:n])
}

// Limits of what the journal keeps of requests' bodies while watched.
const (
	// MaxExchanges is how many requests' bodies are kept at once.
	MaxExchanges = 200
	// MaxExchangeBody is how much of each request and response body is
	// kept.
	MaxExchangeBody = 64 << 10
)

// Exchange is what a request and its answer carried, captured only while
// someone watches the journal (the dashboard's live log), so a fake with
// no browser open records no body at all.
type Exchange struct {
	RequestHeader http.Header
	// RequestBody is the first MaxExchangeBody bytes of the body;
	// RequestSize the whole body's length.
	RequestBody    []byte
	RequestSize    int
	ResponseHeader http.Header
	ResponseBody   []byte
	ResponseSize   int
}

// Watched is an entry with its place in the journal (Seq counts from 1
// since the last Clear) and, when captured, its exchange.
type Watched struct {
	Seq uint64
	Entry
	Exchange *Exchange
}

type watcher struct {
	ch      chan Watched
	dropped atomic.Uint64
}

// Watching reports whether anyone watches the journal: the middleware
// captures bodies only then.
func (j *Journal) Watching() bool { return j.watchers.Load() != nil }

// Watch subscribes to the entries added from now on, buffering up to buf
// of them; dropped says how many were lost because the buffer was full.
// Call stop when done: the last watcher to stop also drops every kept
// exchange.
func (j *Journal) Watch(buf int) (entries <-chan Watched, dropped func() uint64, stop func()) {
	w := &watcher{ch: make(chan Watched, buf)}
	j.mu.Lock()
	var ws []*watcher
	if old := j.watchers.Load(); old != nil {
		ws = append(ws, *old...)
	}
	ws = append(ws, w)
	j.watchers.Store(&ws)
	j.mu.Unlock()
	var once sync.Once
	return w.ch, w.dropped.Load, func() {
		once.Do(func() {
			j.mu.Lock()
			defer j.mu.Unlock()
			var rest []*watcher
			for _, x := range *j.watchers.Load() {
				if x != w {
					rest = append(rest, x)
				}
			}
			if len(rest) == 0 {
				j.watchers.Store(nil)
				j.exchanges = nil
				return
			}
			j.watchers.Store(&rest)
		})
	}
}

// Recent returns up to n of the latest kept entries with their sequence
// numbers, oldest first, those after seq only; and their exchanges where
// kept.
func (j *Journal) Recent(n int, after uint64) []Watched {
	j.mu.Lock()
	defer j.mu.Unlock()
	kept := j.next
	if j.full {
		kept = len(j.entries)
	}
	first := j.total - uint64(kept) + 1 // seq of the oldest kept entry
	if after >= first {
		first = after + 1
	}
	if n >= 0 && j.total >= first && j.total-first+1 > uint64(n) {
		first = j.total - uint64(n) + 1
	}
	var out []Watched
	for seq := first; seq <= j.total; seq++ {
		out = append(out, j.lookupLocked(seq))
	}
	return out
}

// Lookup returns the entry of sequence number seq, with its exchange
// where kept; ok is false once the entry has left the ring.
func (j *Journal) Lookup(seq uint64) (w Watched, ok bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	kept := uint64(j.next)
	if j.full {
		kept = uint64(len(j.entries))
	}
	if seq == 0 || seq > j.total || seq+kept <= j.total {
		return Watched{}, false
	}
	return j.lookupLocked(seq), true
}

// lookupLocked reads seq, which must be kept.
func (j *Journal) lookupLocked(seq uint64) Watched {
	back := int(j.total - seq) // 0: the newest
	i := ((j.next-1-back)%len(j.entries) + len(j.entries)) % len(j.entries)
	w := Watched{Seq: seq, Entry: j.entries[i]}
	for k := len(j.exchanges) - 1; k >= 0; k-- {
		if j.exchanges[k].Seq == seq {
			w.Exchange = j.exchanges[k].Exchange
			break
		}
		if j.exchanges[k].Seq < seq {
			break
		}
	}
	return w
}
