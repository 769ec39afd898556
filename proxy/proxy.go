// Package proxy is iblfake's proxy mode: it listens like the fake, sends
// every vendor request on to the real service, and checks the request and
// the real answer against the fake's corrected document. A real answer
// that disagrees with the document is the evidence a correction needs,
// so every violation is reported per request (the journal at
// /_fake/requests, the X-Iblfake-Violations header, Summary at
// shutdown), and with Options.Record each exchange is appended to a
// cassette that `iblfake verify` replays against the fake.
//
// The proxy only reports: it forwards a request that breaks the document
// and passes back an answer that breaks it, unchanged but for links to
// the upstream (which point back at the proxy). It never retries a write.
package proxy

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/iblfake/iblfake/cassette"
	"github.com/iblfake/iblfake/fake/journal"
	"github.com/iblfake/iblfake/internal/contract"
	"github.com/iblfake/iblfake/spec"
)

// Defaults of Options.
const (
	DefaultTimeout          = 30 * time.Second
	DefaultJournalSize      = 1000
	DefaultMaxBodyBytes     = 10 << 20
	DefaultMaxResponseBytes = 64 << 20
)

// Options configure a Proxy. Upstream is required.
type Options struct {
	// Upstream is the real service's base URL, e.g.
	// https://base.manager.iblai.app; a path in it prefixes every
	// forwarded path.
	Upstream string
	// Record, when set, is a cassette file each exchange is appended to;
	// Sync says when its lines are made durable (cassette.SyncEach by
	// default).
	Record string
	Sync   cassette.Sync
	// Redact names JSON fields (and query and path parameters) whose
	// values are replaced with stable placeholders in the cassette.
	Redact []string
	// Timeout bounds one exchange with the upstream, answer body
	// included; past it the caller gets a 504 (DefaultTimeout).
	Timeout time.Duration
	// JournalSize is how many requests /_fake/requests keeps.
	JournalSize int
	// AdminToken, when set, protects /_fake/ (all but /_fake/health) as
	// it does on the fake. It is never forwarded and never recorded.
	AdminToken string
	// MaxBodyBytes bounds a request body (413 past it), MaxResponseBytes
	// an upstream answer (502 past it).
	MaxBodyBytes     int64
	MaxResponseBytes int64
	// Transport reaches the upstream; a clone of http.DefaultTransport by
	// default.
	Transport http.RoundTripper
	Logger    *slog.Logger
	// Spec is the document to check against; spec.Load() by default.
	Spec *spec.Spec
	// Version is what /_fake/health says the proxy is (the binary's
	// version; the command passes it in).
	Version string
}

// Proxy is a validating, recording proxy. It is safe for concurrent use.
type Proxy struct {
	opts     Options
	upstream *url.URL // without user info
	origin   string   // scheme://host of the upstream, for link rewriting
	userinfo *url.Userinfo
	doc      *contract.Document
	client   *http.Client
	journal  *journal.Journal
	log      *slog.Logger
	tape     *cassette.Writer
	redactor *cassette.Redactor
	seq      atomic.Int64
	summary  *summary
	closeMu  sync.Mutex
	closed   bool
}

// New checks o and opens the cassette, if any.
func New(o Options) (*Proxy, error) {
	u, err := url.Parse(o.Upstream)
	switch {
	case o.Upstream == "":
		return nil, errors.New("proxy: no upstream URL")
	case err != nil:
		return nil, fmt.Errorf("proxy: upstream: %w", err)
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
		return nil, fmt.Errorf("proxy: upstream %q is not an http or https URL with a host", Redacted(o.Upstream))
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("proxy: upstream %q has a query or fragment", Redacted(o.Upstream))
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.JournalSize <= 0 {
		o.JournalSize = DefaultJournalSize
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.MaxResponseBytes <= 0 {
		o.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if o.Transport == nil {
		o.Transport = http.DefaultTransport.(*http.Transport).Clone()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Spec == nil {
		if o.Spec, err = spec.Load(); err != nil {
			return nil, err
		}
	}
	p := &Proxy{
		opts: o, userinfo: u.User, doc: contract.New(o.Spec),
		journal: journal.New(o.JournalSize), log: o.Logger,
		redactor: cassette.NewRedactor(o.Redact),
	}
	u.User = nil
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	p.upstream = u
	p.origin = u.Scheme + "://" + u.Host
	p.summary = newSummary(u.String())
	p.client = &http.Client{
		Transport: o.Transport,
		// A redirect is the caller's to follow (through the proxy, since
		// Location is rewritten), as it would be without the proxy.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	if o.Record != "" {
		if p.tape, err = cassette.Create(o.Record, o.Sync); err != nil {
			return nil, err
		}
		if n := p.tape.Dropped(); n > 0 {
			p.log.Warn("cassette: cut off a torn last line left by an earlier run", "file", o.Record, "bytes", n)
		}
	}
	return p, nil
}

// Handler serves the vendor API (forwarded) and the proxy's /_fake/
// routes.
func (p *Proxy) Handler() http.Handler { return http.HandlerFunc(p.serve) }

// Journal is the proxy's request journal, as /_fake/requests serves it.
func (p *Proxy) Journal() *journal.Journal { return p.journal }

// Summary returns what the proxy has seen so far: exchanges and
// violations per operation and status.
func (p *Proxy) Summary() Summary { return p.summary.snapshot() }

// Close makes the cassette durable and closes it; requests still in
// flight are no longer recorded. Calling it twice is harmless.
func (p *Proxy) Close() error {
	p.closeMu.Lock()
	defer p.closeMu.Unlock()
	if p.closed || p.tape == nil {
		p.closed = true
		return nil
	}
	p.closed = true
	return p.tape.Close()
}

// Redacted returns a URL for messages and logs, without its user info.
func Redacted(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	u.User = nil
	return u.String()
}
