// Package parity replays a cassette recorded by iblfake's proxy against
// a fake and compares each answer with the one the real service gave:
// status, envelope, the keys at every level, value types and nullability,
// values and list lengths while the fake holds the state the recording
// shows, and error shapes and messages. Ids the upstream made are mapped
// to the ids the fake makes, so a later request naming a recorded id
// names the fake's twin; ids, date-times and links are compared by
// format, not value.
package parity

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"time"

	"github.com/iblfake/iblfake/cassette"
	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/contract"
	"github.com/iblfake/iblfake/spec"
)

// DefaultAPIKey is the key replayed requests carry. The cassette has
// none (the proxy never records one), and a fresh fake with no keys bound
// takes any key for any org.
const DefaultAPIKey = "iblfake-verify"

// Options configure a replay.
type Options struct {
	// Against is the base URL of a running fake to replay against; empty
	// replays against a fresh in-memory fake whose clock follows the
	// recorded times (a running fake's state and clock are left alone).
	Against string
	// APIKey is sent as Authorization: Api-Token KEY (DefaultAPIKey).
	APIKey string
	// Client sends the requests; http.DefaultClient's transport with a
	// 30 s timeout by default.
	Client *http.Client
	// MaxDifferences bounds the differences kept per exchange (20) and in
	// the report (10,000); the counts stay exact.
	MaxDifferences, MaxReported int
	// Spec is the document used to find each request's operation and its
	// path parameters; spec.Load() by default.
	Spec *spec.Spec
	// MaxLineBytes bounds a cassette line (cassette.MaxLineBytes, above
	// any line the proxy writes); a longer one is an error.
	MaxLineBytes int
}

// ErrNoExchange is the error of a cassette with nothing to compare: empty,
// a torn line only, or only the proxy's own 502s and 504s. Exit 0 would
// say the fake matched when nothing was checked.
var ErrNoExchange = errors.New("the cassette holds no exchange")

// Report is a replay's outcome.
type Report struct {
	// Exchanges counts the records replayed; Matching those whose answer
	// matched in every respect compared, Differing the rest. Skipped
	// records carry an upstream failure (the proxy's own 502 or 504):
	// nothing the real service said to compare with.
	Exchanges int `json:"exchanges"`
	Matching  int `json:"matching"`
	Differing int `json:"differing"`
	Skipped   int `json:"skipped"`
	// Torn is the torn last line of the cassette, skipped, if any.
	Torn *cassette.Torn `json:"torn,omitempty"`
	// StateDivergedAt is the line of the first exchange after which the
	// fake's state is known to differ from the recording's (a success
	// answered with a failure or the other way round, a list of another
	// length); from the next line on only shapes, types and formats are
	// compared. 0: never.
	StateDivergedAt int `json:"state_diverged_at,omitempty"`
	// Operations are per operation, sorted by operationId.
	Operations []OperationResult `json:"operations"`
	// Differences are every difference found, in cassette order, up to
	// Options.MaxReported.
	Differences []Difference `json:"differences"`
	// Duration is how long the replay took.
	Duration time.Duration `json:"duration_ns"`
}

// OperationResult is one operation's line of the parity table.
type OperationResult struct {
	OperationID string `json:"operation_id"`
	Exchanges   int    `json:"exchanges"`
	Matching    int    `json:"matching"`
	Differing   int    `json:"differing"`
	Skipped     int    `json:"skipped,omitempty"`
	// First is the operation's first difference.
	First *Difference `json:"first_difference,omitempty"`
}

// Difference is one way the fake's answer differs from the recorded one.
type Difference struct {
	// Line is the cassette line, Seq the record's own number.
	Line        int    `json:"line"`
	Seq         int64  `json:"seq"`
	OperationID string `json:"operation_id"`
	Method      string `json:"method"`
	Path        string `json:"path"`
	// Pointer is where in the body (a JSON pointer; "" for the status or
	// the body as a whole), What the difference, e.g. "type: recorded
	// string, fake number".
	Pointer string `json:"pointer"`
	What    string `json:"what"`
}

// OK reports whether nothing differed.
func (r *Report) OK() bool { return r.Differing == 0 }

// VerifyFile replays the cassette at path.
func VerifyFile(ctx context.Context, path string, o Options) (*Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Verify(ctx, f, o)
}

// Verify replays the cassette read from r, in order, and compares.
func Verify(ctx context.Context, r io.Reader, o Options) (*Report, error) {
	start := time.Now()
	if o.APIKey == "" {
		o.APIKey = DefaultAPIKey
	}
	if o.MaxDifferences <= 0 {
		o.MaxDifferences = 20
	}
	if o.MaxReported <= 0 {
		o.MaxReported = 10_000
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if o.Spec == nil {
		var err error
		if o.Spec, err = spec.Load(); err != nil {
			return nil, err
		}
	}
	base := o.Against
	var srv *fake.Server
	if base == "" {
		var err error
		// A fixed seed: the same cassette gives the same fake ids, so two
		// reports of it can be compared line by line.
		if srv, err = fake.New(fake.WithSeed(1)); err != nil {
			return nil, err
		}
		defer srv.Close()
		hs := httptest.NewServer(srv.Handler())
		defer hs.Close()
		base = hs.URL
	}
	to, err := newTarget(base)
	if err != nil {
		return nil, err
	}
	rp := &replay{opts: o, to: to, srv: srv, doc: contract.New(o.Spec), ids: newIDMap(),
		sameState: true, ops: map[string]*OperationResult{}, report: &Report{}}
	cr := cassette.NewLimitedReader(r, o.MaxLineBytes)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rec, err := cr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if err := checkRecord(rec); err != nil {
			return nil, fmt.Errorf("cassette line %d refused: %w", cr.Line(), err)
		}
		if err := rp.one(ctx, cr.Line(), rec); err != nil {
			return nil, fmt.Errorf("cassette line %d (%s %s): %w", cr.Line(), rec.Method, rec.Path, err)
		}
	}
	rep := rp.report
	rep.Torn = cr.Torn()
	switch {
	case rep.Exchanges == 0 && rep.Torn != nil:
		return nil, fmt.Errorf("%w: its only line (%d, %d bytes) is torn: %s", ErrNoExchange, rep.Torn.Line, rep.Torn.Bytes, rep.Torn.Err)
	case rep.Exchanges == 0:
		return nil, fmt.Errorf("%w: it is empty", ErrNoExchange)
	case rep.Skipped == rep.Exchanges:
		return nil, fmt.Errorf("%w the upstream answered: every record (%d) is the proxy's own 502 or 504", ErrNoExchange, rep.Exchanges)
	}
	for _, op := range rp.ops {
		rep.Operations = append(rep.Operations, *op)
	}
	sort.Slice(rep.Operations, func(i, j int) bool { return rep.Operations[i].OperationID < rep.Operations[j].OperationID })
	if rep.Differences == nil {
		rep.Differences = []Difference{}
	}
	rep.Duration = time.Since(start)
	return rep, nil
}

// replay is one run's state.
type replay struct {
	opts      Options
	to        *target
	srv       *fake.Server // nil when replaying against another fake
	doc       *contract.Document
	ids       *idMap
	sameState bool
	ops       map[string]*OperationResult
	report    *Report
}

func (rp *replay) one(ctx context.Context, line int, rec *cassette.Record) error {
	name := rec.OperationID
	if name == "" {
		name = "(none) " + rec.Method + " " + rec.Path
	}
	op := rp.ops[name]
	if op == nil {
		op = &OperationResult{OperationID: name}
		rp.ops[name] = op
	}
	op.Exchanges++
	rp.report.Exchanges++
	if rec.Error != "" {
		op.Skipped++
		rp.report.Skipped++
		return nil
	}
	status, header, body, err := rp.send(ctx, rec)
	if err != nil {
		return err
	}
	c := &comparer{ids: rp.ids, sameState: rp.sameState, max: rp.opts.MaxDifferences}
	if status != rec.Status {
		c.add(nil, "status", fmt.Sprint(rec.Status), fmt.Sprint(status))
	}
	rp.compareBodies(c, rec, header, body)
	if len(c.diffs) == 0 {
		op.Matching++
		rp.report.Matching++
		return nil
	}
	op.Differing++
	rp.report.Differing++
	for _, d := range c.diffs {
		diff := Difference{Line: line, Seq: rec.Seq, OperationID: rec.OperationID, Method: rec.Method, Path: rec.Path,
			What: d.line()}
		diff.Pointer = ""
		if len(d.pointer) > 0 {
			diff.Pointer = contract.Pointer(d.pointer)
		}
		if op.First == nil {
			first := diff
			op.First = &first
		}
		if len(rp.report.Differences) < rp.opts.MaxReported {
			rp.report.Differences = append(rp.report.Differences, diff)
		}
	}
	// A write that succeeded on one side only, or a list of another
	// length, means the two no longer hold the same state.
	if rp.sameState && (success(status) != success(rec.Status) || c.lengthDiffers) {
		rp.sameState = false
		rp.report.StateDivergedAt = line
	}
	return nil
}

func success(status int) bool { return status >= 200 && status < 300 }

// compareBodies compares the recorded body with the fake's: as JSON when
// both are, otherwise by what they are (JSON, text, empty).
func (rp *replay) compareBodies(c *comparer, rec *cassette.Record, header http.Header, body []byte) {
	recorded := rec.Response.Body()
	rv, rok := decodeJSON(recorded)
	gv, gok := decodeJSON(body)
	switch {
	case rok && gok:
		c.value(rv, gv, nil, "")
	case len(recorded) == 0 && len(body) == 0:
	case rok != gok || (len(recorded) == 0) != (len(body) == 0):
		c.add(nil, "body", bodyKind(recorded, rok, rec.Response.ContentType()), bodyKind(body, gok, header.Get("Content-Type")))
	}
}

func bodyKind(b []byte, isJSON bool, ct string) string {
	switch {
	case len(b) == 0:
		return "empty"
	case isJSON:
		return "JSON"
	}
	if ct == "" {
		ct = "no Content-Type"
	}
	return "a non-JSON body (" + ct + ")"
}

func decodeJSON(b []byte) (any, bool) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // 1 and 1.0 stay told apart, and large ids exact
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return nil, false
	}
	return v, true
}

// send replays rec's request, its recorded ids rewritten to the fake's.
func (rp *replay) send(ctx context.Context, rec *cassette.Record) (int, http.Header, []byte, error) {
	template := ""
	if m := rp.doc.Find(rec.Method, rec.Path); m != nil {
		template = m.Template
	}
	target, err := rp.to.url(rp.ids.rewritePath(rec.Path, template), rp.ids.rewriteQuery(rec.Query))
	if err != nil {
		return 0, nil, nil, err
	}
	body := rec.Request.Body()
	if rec.Request.JSON != nil {
		if v, ok := decodeJSON(body); ok {
			v = rp.ids.rewriteValue(v, "")
			if b, err := json.Marshal(v); err == nil {
				body = b
			}
		}
	}
	if rp.srv != nil && !rec.Time.IsZero() {
		// Expiry, "today" and the order of what was made follow the
		// recording's own times.
		rp.srv.Clock().SetNow(rec.Time)
	}
	req, err := http.NewRequestWithContext(ctx, rec.Method, target, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	if !rp.to.sameTarget(req) {
		return 0, nil, nil, errors.New("the request would not go to the fake under test")
	}
	// Content-Type is the only header the proxy records, and the only one
	// sent: a cassette's Host, X-Forwarded-*, X-Fake-* or Prefer would
	// steer the request or the fake.
	if ct := rec.Request.ContentType(); ct != "" {
		req.Header.Set("Content-Type", ct)
	} else if len(body) > 0 && rec.Request.JSON != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Api-Token "+rp.opts.APIKey)
	resp, err := rp.opts.Client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, nil, err
	}
	return resp.StatusCode, resp.Header, b, nil
}
