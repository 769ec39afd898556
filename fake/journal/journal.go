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
	// Closest is, for a request no operation answered (a 404 or 405), the
	// route that came closest and how the request missed it.
	Closest string `json:"closest,omitempty"`
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
	// someone watched (at most MaxExchanges), or of every request kept
	// when bodies are (KeepBodies: within bodyTotal bytes), oldest first,
	// guarded by mu; exchangeBytes is what they hold.
	exchanges     []Watched
	exchangeBytes int
	// keep: every request's bodies are kept (KeepBodies), each cut at
	// bodyLimit bytes, all within bodyTotal.
	keep      atomic.Bool
	bodyLimit int
	bodyTotal int
}

// New returns a journal that keeps size entries.
func New(size int) *Journal {
	return &Journal{entries: make([]Entry, size), bodyLimit: MaxExchangeBody}
}

// Default bounds of KeepBodies.
const (
	// DefaultBodyLimit is how much of each request and response body a
	// journal that keeps bodies keeps.
	DefaultBodyLimit = MaxExchangeBody
	// DefaultBodyTotal is how many bytes of bodies and headers it keeps in
	// all; the oldest requests' go first.
	DefaultBodyTotal = 64 << 20
)

// KeepBodies makes the journal keep the headers and bodies of every
// request (not only while someone watches it), each body cut at perBody
// bytes, all of them within total bytes (the oldest exchanges are dropped
// first, and an exchange leaves with its entry). Call it before the first
// request.
func (j *Journal) KeepBodies(perBody, total int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.bodyLimit, j.bodyTotal = max(perBody, 1), max(total, 1)
	j.keep.Store(true)
}

// Capturing reports whether the next request's headers and bodies are
// wanted: bodies are kept, or someone watches.
func (j *Journal) Capturing() bool { return j.keep.Load() || j.watchers.Load() != nil }

// BodyLimit is how much of each body a captured exchange keeps.
func (j *Journal) BodyLimit() int {
	if j.keep.Load() {
		return j.bodyLimit
	}
	return MaxExchangeBody
}

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
	w := Watched{Seq: j.total, Entry: e, Exchange: x}
	ws := j.watchers.Load()
	if x != nil && (ws != nil || j.keep.Load()) {
		j.keepExchangeLocked(w)
	}
	if ws != nil {
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

// keepExchangeLocked keeps w's exchange, dropping the oldest ones past
// the bounds: MaxExchanges while only watched; the byte total, and the
// entries that left the ring, when bodies are kept.
func (j *Journal) keepExchangeLocked(w Watched) {
	j.exchanges = append(j.exchanges, w)
	j.exchangeBytes += w.Exchange.size()
	kept := uint64(j.next)
	if j.full {
		kept = uint64(len(j.entries))
	}
	drop := 0
	for drop < len(j.exchanges)-1 {
		old := j.exchanges[drop]
		over := !j.keep.Load() && len(j.exchanges)-drop > MaxExchanges ||
			j.keep.Load() && j.exchangeBytes > j.bodyTotal ||
			old.Seq+kept <= j.total // its entry left the ring
		if !over {
			break
		}
		j.exchangeBytes -= old.Exchange.size()
		drop++
	}
	if drop > 0 {
		clear(j.exchanges[:drop])
		j.exchanges = append(j.exchanges[:0], j.exchanges[drop:]...)
	}
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
	j.exchanges, j.exchangeBytes = nil, 0
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
// someone watches the journal (the dashboard's live log) or when the
// journal keeps bodies (KeepBodies), so a fake that does neither records
// no body at all.
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

// size is what an exchange holds, in bytes, for KeepBodies' total.
func (x *Exchange) size() int {
	if x == nil {
		return 0
	}
	n := len(x.RequestBody) + len(x.ResponseBody)
	for _, h := range []http.Header{x.RequestHeader, x.ResponseHeader} {
		for k, vs := range h {
			for _, v := range vs {
				n += len(k) + len(v)
			}
		}
	}
	return n
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
				if !j.keep.Load() {
					j.exchanges, j.exchangeBytes = nil, 0
				}
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
