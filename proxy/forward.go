package proxy

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/iblfake/iblfake/cassette"
	"github.com/iblfake/iblfake/fake/journal"
	"github.com/iblfake/iblfake/internal/contract"
	"github.com/iblfake/iblfake/internal/urlconf"
)

// ViolationsHeader carries an exchange's violations to the caller, as a
// JSON array of lines (ASCII only, so any HTTP client can read it). Past
// MaxHeaderViolations lines, or 8 KiB, the rest is counted in a last line
// that points at /_fake/requests, which has them all.
const ViolationsHeader = "X-Iblfake-Violations"

// MaxHeaderViolations bounds the lines ViolationsHeader carries.
const MaxHeaderViolations = 20

// maxViolations bounds the lines one exchange keeps: a list of a thousand
// items, each with the same wrong key, is one problem, not a thousand
// (Summary groups the items' lines by pointer anyway).
const maxViolations = 100

// exchange is one request on its way through the proxy.
type exchange struct {
	start    time.Time
	req      *http.Request
	body     []byte
	match    *contract.Match
	status   int
	header   http.Header // the upstream's answer
	respBody []byte
	upErr    string // why the upstream gave no answer
	dur      time.Duration
	viol     []string
	note     string
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_fake/") || r.URL.Path == "/_fake" {
		p.serveAdmin(w, r)
		return
	}
	x := &exchange{start: time.Now(), req: r}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, p.opts.MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeDetail(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("Request body exceeds the limit of %d bytes.", p.opts.MaxBodyBytes))
			return
		}
		writeDetail(w, http.StatusBadRequest, "Could not read the request body: "+err.Error())
		return
	}
	x.body = body
	x.match = p.doc.Find(r.Method, r.URL.EscapedPath())
	if x.match != nil {
		x.viol = append(x.viol, p.doc.CheckRequest(r.Context(), r, body, x.match)...)
	} else if strings.HasPrefix(r.URL.Path, "/api/") {
		x.viol = append(x.viol, fmt.Sprintf("request: no operation of the document is %s %s", r.Method, r.URL.Path))
	}
	p.forward(x)
	if x.upErr == "" && x.match != nil {
		x.viol = append(x.viol, p.doc.CheckResponse(r.Context(), r, x.match, x.status, x.header, x.respBody)...)
	}
	if len(x.viol) > maxViolations {
		n := len(x.viol) - maxViolations + 1
		x.viol = append(x.viol[:maxViolations-1], fmt.Sprintf("... and %d more", n))
	}
	p.record(x)
	p.answer(w, x)
	p.account(x)
}

// forward sends x's request to the upstream and reads its whole answer,
// or sets x.upErr and the proxy's own DRF-shaped 502 or 504.
func (p *Proxy) forward(x *exchange) {
	r := x.req
	ctx, cancel := context.WithTimeout(r.Context(), p.opts.Timeout)
	defer cancel()
	target := *p.upstream
	target.Path = p.upstream.Path + r.URL.Path
	if r.URL.RawPath != "" {
		target.RawPath = p.upstream.Path + r.URL.RawPath
	}
	target.RawQuery = r.URL.RawQuery
	out, err := http.NewRequestWithContext(ctx, r.Method, target.String(), bytes.NewReader(x.body))
	if err != nil {
		p.fail(x, http.StatusBadGateway, err.Error(), "The proxy could not build the upstream request: "+err.Error())
		return
	}
	copyRequestHeader(out.Header, r.Header)
	if p.userinfo != nil {
		if pw, ok := p.userinfo.Password(); ok && out.Header.Get("Authorization") == "" {
			out.SetBasicAuth(p.userinfo.Username(), pw)
		}
	}
	if !safeMethod(r.Method) {
		// net/http resends a request that failed on a reused connection
		// before any answer if it can rewind the body and the method is
		// idempotent or the request has an Idempotency-Key. A write is
		// never sent twice by the proxy: with no way to rewind, and a
		// body that is never NoBody, the transport cannot resend it.
		out.GetBody = nil
		if len(x.body) == 0 {
			out.Body = io.NopCloser(bytes.NewReader(nil))
			out.ContentLength = 0
		}
	}
	start := time.Now()
	resp, err := p.client.Do(out)
	if err != nil {
		x.dur = time.Since(start)
		p.upstreamError(x, ctx, err)
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 {
		// net/http reads interim 1xx answers itself and hands back only a
		// final one; a final 1xx is a 101 Switching Protocols, whose body
		// is the raw connection, outside the request's deadline: reading
		// it waited for the upstream to hang up, and passing the 101 on
		// left the caller holding a switched connection. The proxy never
		// asks for an upgrade (Upgrade and Connection are hop-by-hop, not
		// forwarded), so a 1xx as the answer is the upstream's fault.
		x.dur = time.Since(start)
		p.fail(x, http.StatusBadGateway, fmt.Sprintf("the upstream answered %d, a 1xx, to a request that asked for no upgrade", resp.StatusCode),
			fmt.Sprintf("The upstream answered %d %s to a request that asked for no protocol upgrade.", resp.StatusCode, http.StatusText(resp.StatusCode)))
		return
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, p.opts.MaxResponseBytes+1))
	x.dur = time.Since(start)
	switch {
	case err != nil:
		p.upstreamError(x, ctx, err)
		return
	case int64(len(b)) > p.opts.MaxResponseBytes:
		p.fail(x, http.StatusBadGateway, "answer too large",
			fmt.Sprintf("The upstream's answer exceeds the proxy's limit of %d bytes.", p.opts.MaxResponseBytes))
		return
	}
	x.status, x.header, x.respBody = resp.StatusCode, resp.Header, b
}

// upstreamError turns a failed exchange into a 504 (the upstream did not
// answer in time) or a 502 (anything else: refused, reset, bad TLS).
func (p *Proxy) upstreamError(x *exchange, ctx context.Context, err error) {
	var ne net.Error
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		p.fail(x, http.StatusGatewayTimeout, "timeout after "+p.opts.Timeout.String(),
			fmt.Sprintf("The upstream did not answer within %s.", p.opts.Timeout))
		return
	}
	if x.req.Context().Err() != nil {
		p.fail(x, http.StatusBadGateway, "the caller went away", "The request was cancelled.")
		return
	}
	msg := err.Error()
	// The URL is the proxy's to know; the caller sees the cause alone.
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) && ue.Unwrap() != nil {
		msg = ue.Unwrap().Error()
	}
	p.fail(x, http.StatusBadGateway, msg, "The upstream could not be reached: "+msg)
}

func (p *Proxy) fail(x *exchange, status int, why, detail string) {
	x.upErr = why
	x.status = status
	x.header = http.Header{"Content-Type": {"application/json"}}
	x.respBody, _ = json.Marshal(map[string]string{"detail": detail})
}

// answer writes x's answer to the caller: the upstream's status, headers
// and body, links to the upstream pointing at the proxy instead, and the
// violations header.
func (p *Proxy) answer(w http.ResponseWriter, x *exchange) {
	h := w.Header()
	self := "http://" + x.req.Host
	for k, vs := range x.header {
		if hopByHop[http.CanonicalHeaderKey(k)] || strings.EqualFold(k, "Content-Length") {
			continue
		}
		for _, v := range vs {
			if strings.EqualFold(k, "Location") {
				v = rewriteLinks(v, p.origin+p.upstream.Path, self)
			}
			h.Add(k, v)
		}
	}
	if len(x.viol) > 0 {
		h.Set(ViolationsHeader, headerValue(x.viol))
	}
	body := x.respBody
	if x.upErr == "" && isJSON(x.header.Get("Content-Type")) {
		body = rewriteLinkBytes(body, p.origin+p.upstream.Path, self)
	}
	h.Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(x.status)
	if x.req.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// account adds x to the journal, the log and the summary.
func (p *Proxy) account(x *exchange) {
	r := x.req
	e := journal.Entry{
		Time: x.start.UTC(), Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
		Status: x.status, Tenant: tenantOf(x), DurationMS: float64(time.Since(x.start).Microseconds()) / 1000,
		Violations: x.viol, Note: x.note,
	}
	if x.match != nil {
		e.OperationID = x.match.OperationID
	}
	if x.upErr != "" {
		e.Note = strings.TrimPrefix(e.Note+"; upstream failed: "+x.upErr, "; ")
	}
	p.journal.Add(e)
	level := p.log.Info
	if len(x.viol) > 0 || x.upErr != "" {
		level = p.log.Warn
	}
	level("proxied", "method", e.Method, "path", e.Path, "status", e.Status, "operation", e.OperationID,
		"upstream_ms", float64(x.dur.Microseconds())/1000, "violations", len(x.viol), "upstream_error", x.upErr)
	p.summary.add(x)
}

// record appends x to the cassette, redacted. A failed append is logged,
// counted and noted in the journal; the caller still gets the answer.
func (p *Proxy) record(x *exchange) {
	p.closeMu.Lock()
	defer p.closeMu.Unlock()
	if p.tape == nil || p.closed {
		return
	}
	r := x.req
	rec := &cassette.Record{
		Seq: p.seq.Add(1), Time: x.start.UTC(), Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.RawQuery,
		Status: x.status, DurationMS: float64(x.dur.Microseconds()) / 1000, Error: x.upErr,
		Violations: append([]string(nil), x.viol...),
	}
	template := ""
	if x.match != nil {
		rec.OperationID, template = x.match.OperationID, x.match.Template
	}
	rec.Request.Header = keptHeaders(r.Header, recordedRequestHeaders)
	rec.Request.SetBody(x.body)
	rec.Response.Header = keptHeaders(x.header, recordedResponseHeaders)
	rec.Response.SetBody(x.respBody)
	p.redactor.Apply(rec, template, p.secrets(r, x.header)...)
	if err := p.tape.Append(rec); err != nil {
		p.log.Error("cassette: the exchange was not recorded", "seq", rec.Seq, "err", err)
		x.note = "not recorded: " + err.Error()
		p.summary.recordFailed()
		return
	}
	p.summary.recorded()
}

// secrets are the values a cassette must never hold: the credentials of
// the request's headers (the whole value and the part after the keyword),
// its cookies, the answer's cookies, the admin token, and the proxy's own
// credentials for the upstream (the password of the upstream URL's user
// info, and the Basic credentials forward makes of it, which an upstream
// may echo). The user name alone is not one: it is often a word ("admin")
// that paths hold too.
func (p *Proxy) secrets(r *http.Request, answer http.Header) []string {
	var out []string
	if p.opts.AdminToken != "" {
		out = append(out, p.opts.AdminToken)
	}
	if p.userinfo != nil {
		if pw, ok := p.userinfo.Password(); ok {
			pair := p.userinfo.Username() + ":" + pw
			basic := base64.StdEncoding.EncodeToString([]byte(pair))
			out = append(out, pw, pair, basic, "Basic "+basic)
		}
	}
	for k, vs := range r.Header {
		if !secretHeader(k) {
			continue
		}
		for _, v := range vs {
			out = append(out, v)
			if _, cred, ok := strings.Cut(v, " "); ok {
				out = append(out, strings.TrimSpace(cred))
			}
		}
	}
	for _, c := range r.Cookies() {
		out = append(out, c.Value)
	}
	for _, v := range answer.Values("Set-Cookie") {
		if c, err := http.ParseSetCookie(v); err == nil {
			out = append(out, c.Value)
		}
	}
	return out
}

// tenantOf is the org or platform an exchange addressed, for the journal:
// the first the fake's tenant rule reads (urlconf.Tenants), from the path
// the request resolved to, its query and a JSON body.
func tenantOf(x *exchange) string {
	param := func(name string) string {
		if x.match == nil {
			return ""
		}
		return x.match.Params[name]
	}
	q := x.req.URL.Query()
	var obj map[string]any
	body := func(name string) (any, bool) {
		if obj == nil && isJSON(x.req.Header.Get("Content-Type")) {
			_ = json.Unmarshal(x.body, &obj)
		}
		v, ok := obj[name]
		return v, ok
	}
	return urlconf.Tenant(x.req.Method, param, q.Get, body)
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions || m == http.MethodTrace
}

func isJSON(ct string) bool {
	ct = strings.ToLower(ct)
	return strings.Contains(ct, "json")
}

// writeDetail answers the proxy's own errors in DRF's shape.
func writeDetail(w http.ResponseWriter, status int, detail string) {
	b, _ := json.Marshal(map[string]string{"detail": detail})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
