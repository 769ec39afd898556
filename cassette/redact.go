package cassette

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// SecretMark replaces a secret wherever it occurs in a recorded string.
const SecretMark = "[secret]"

// MinScrubLength is the shortest secret or redacted value searched for
// inside other strings: a shorter one would match all over a recording
// and mangle it. The headers that carry secrets are never recorded at
// all, whatever their length (the proxy keeps a short list of headers).
const MinScrubLength = 4

// Redactor makes a record shareable: it replaces secrets with SecretMark
// and the values of named fields (emails, names) with placeholders. A
// placeholder is stable, the same value getting the same one in every
// record of the run, so a recording still reads the same user it created
// and a replay still finds it; it keeps an email looking like an email,
// as the fake checks emails. Placeholders carry a random per-run prefix
// (redacted-3f9a-1), so two runs appending to one cassette never give
// two values the same placeholder, and nothing about the value can be
// recovered from it (a hash could be reversed by guessing emails).
//
// It is safe for concurrent use.
type Redactor struct {
	fields map[string]bool // field, query and path parameter names
	run    string

	mu     sync.Mutex
	values map[string]string // a redacted value (emails lowercased) -> its placeholder
	n      int
	scrub  *strings.Replacer // known values inside longer strings; nil until needed
	dirty  bool
	// changes counts strings walk replaced, to tell whether a body
	// needs writing back.
	changes int
}

// NewRedactor redacts the named JSON fields, at any depth of request and
// response bodies, and the query and path parameters of those names.
func NewRedactor(fields []string) *Redactor {
	var b [2]byte
	_, _ = rand.Read(b[:])
	r := &Redactor{fields: map[string]bool{}, run: hex.EncodeToString(b[:]), values: map[string]string{}}
	for _, f := range fields {
		r.fields[f] = true
	}
	return r
}

// Apply redacts rec in place. template is the path template of the
// operation rec addressed ("" if none), so path parameters can be told
// from static segments; secrets are replaced wherever they occur.
func (r *Redactor) Apply(rec *Record, template string, secrets ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var keep []string
	for _, s := range secrets {
		if len(s) >= MinScrubLength {
			keep = append(keep, s)
		}
	}
	sec := replacer(func(add func(value, mark string)) {
		for _, s := range keep {
			add(s, SecretMark)
		}
	})
	// First the named fields, which teaches the redactor their values;
	// then every string is scrubbed of secrets and of those values. A
	// body is written back only if something in it changed, so a
	// recording keeps the upstream's key order wherever it can.
	clean := func(s string) string { return r.clean(s, sec) }
	bodies := []*Message{&rec.Request, &rec.Response}
	values := make([]any, len(bodies))
	changes := make([]int, len(bodies))
	for i, m := range bodies {
		if m == &rec.Response && rec.Status >= 400 {
			// DRF keys its field errors by field name ({"email": ["Enter
			// a valid email address."]}): the strings under a named key
			// are messages. Values echoed in them are still scrubbed
			// below, as known values.
			values[i] = r.decode(m, false)
			continue
		}
		before := r.changes
		values[i] = r.decode(m, true)
		changes[i] = r.changes - before
	}
	r.form(&rec.Request, sec)
	rec.Query = r.query(rec.Query, sec)
	rec.Path = r.path(rec.Path, template, sec)
	for i, m := range bodies {
		if values[i] == nil {
			continue
		}
		before := r.changes
		v := r.walk(values[i], false, clean)
		if changes[i]+r.changes-before > 0 {
			r.encode(m, v)
		}
	}
	for _, m := range []*Message{&rec.Request, &rec.Response} {
		m.Text = clean(m.Text)
		if m.Base64 != "" {
			if raw, err := base64.StdEncoding.DecodeString(m.Base64); err == nil {
				for _, s := range keep {
					raw = bytes.ReplaceAll(raw, []byte(s), []byte(SecretMark))
				}
				m.Base64 = base64.StdEncoding.EncodeToString(raw)
			}
		}
		for k, v := range m.Header {
			m.Header[k] = clean(v)
		}
	}
	rec.Error = clean(rec.Error)
	for i, v := range rec.Violations {
		rec.Violations[i] = clean(v)
	}
}

// decode parses a JSON body and replaces its named fields' values; nil
// if the message has no JSON body.
func (r *Redactor) decode(m *Message, named bool) any {
	if m.JSON == nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(m.JSON))
	dec.UseNumber() // numbers are written back as they came
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil
	}
	if !named {
		return v
	}
	return r.walk(v, false, nil)
}

func (r *Redactor) encode(m *Message, v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err == nil {
		m.JSON = bytes.TrimRight(b.Bytes(), "\n")
	}
}

// walk returns v with the values under named keys replaced by
// placeholders (inside is true below such a key) or, when clean is
// given, every string passed through clean, object keys included: an
// answer may key a map by a user's email or the caller's token.
func (r *Redactor) walk(v any, inside bool, clean func(string) string) any {
	switch x := v.(type) {
	case map[string]any:
		var renamed [][2]string
		for k, e := range x {
			x[k] = r.walk(e, inside || (clean == nil && r.fields[k]), clean)
			if clean != nil {
				if nk := clean(k); nk != k {
					renamed = append(renamed, [2]string{k, nk})
				}
			}
		}
		// Two keys cleaned to the same text both stay, the later ones
		// numbered, in the order of the keys they were.
		sort.Slice(renamed, func(i, j int) bool { return renamed[i][0] < renamed[j][0] })
		for _, kn := range renamed {
			e := x[kn[0]]
			delete(x, kn[0])
			nk := kn[1]
			for n := 2; ; n++ {
				if _, taken := x[nk]; !taken {
					break
				}
				nk = kn[1] + " (" + strconv.Itoa(n) + ")"
			}
			x[nk] = e
			r.changes++
		}
	case []any:
		for i, e := range x {
			x[i] = r.walk(e, inside, clean)
		}
	case string:
		out := x
		if clean != nil {
			out = clean(x)
		} else if inside {
			out = r.placeholder(x)
		}
		if out != x {
			r.changes++
		}
		return out
	}
	return v
}

// placeholder returns value's stable placeholder, making one if needed.
func (r *Redactor) placeholder(value string) string {
	if value == "" || strings.HasPrefix(value, "redacted-") {
		return value
	}
	key := value
	email := looksLikeEmail(value)
	if email {
		key = strings.ToLower(value)
	}
	if p, ok := r.values[key]; ok {
		return p
	}
	r.n++
	p := "redacted-" + r.run + "-" + strconv.Itoa(r.n)
	if email {
		p += "@example.com"
	}
	r.values[key] = p
	if key != value {
		// The email as written too, so scrubbing finds it inside longer
		// strings in the case it was sent.
		r.values[value] = p
	}
	r.dirty = true
	return p
}

// clean replaces secrets and every redacted value inside s.
func (r *Redactor) clean(s string, sec *strings.Replacer) string {
	if s == "" {
		return s
	}
	s = sec.Replace(s)
	if p, ok := r.values[s]; ok {
		return p
	}
	if p, ok := r.values[strings.ToLower(s)]; ok && looksLikeEmail(s) {
		return p
	}
	if r.dirty {
		r.rebuildScrub()
	}
	if r.scrub != nil {
		s = r.scrub.Replace(s)
	}
	return s
}

func (r *Redactor) rebuildScrub() {
	r.dirty = false
	r.scrub = replacer(func(add func(value, mark string)) {
		for v, p := range r.values {
			if len(v) >= MinScrubLength {
				add(v, p)
			}
		}
	})
}

// replacer builds a Replacer of the values each(add) adds, each value
// replaced by its mark both as it is and in every form it takes inside a
// URL or a violation's JSON pointer (see forms), the mark in the same
// form, so a link stays a link: an email in a DRF next link
// (carol%40corp.test), a token with + and / in a query (%2B, %2F), a name
// with a space (%20 or +). Longest first, so a value that contains
// another is replaced whole.
func replacer(each func(add func(value, mark string))) *strings.Replacer {
	marks := map[string]string{}
	each(func(value, mark string) {
		for _, f := range forms {
			if v := f(value); v != "" {
				if _, dup := marks[v]; !dup {
					marks[v] = f(mark)
				}
			}
		}
	})
	olds := make([]string, 0, len(marks))
	for v := range marks {
		olds = append(olds, v)
	}
	sort.Slice(olds, func(i, j int) bool {
		if len(olds[i]) != len(olds[j]) {
			return len(olds[i]) > len(olds[j])
		}
		return olds[i] < olds[j]
	})
	pairs := make([]string, 0, 2*len(olds))
	for _, v := range olds {
		pairs = append(pairs, v, marks[v])
	}
	return strings.NewReplacer(pairs...)
}

// forms are the ways a value is written inside a URL or a JSON pointer:
// as it is; percent-encoded as a query value (Go's QueryEscape, Python's
// quote_plus and urlencode: a space as +), with a space as %20 (Python's
// quote with no safe characters, JavaScript's encodeURIComponent), with
// "/" kept (Python's quote), as a path segment (Go's PathEscape), each
// also with lower-case hex digits; and escaped as a JSON pointer segment
// (~0, ~1), as violation lines name an object's keys.
var forms = func() []func(string) string {
	query := url.QueryEscape
	query20 := func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
	quote := func(s string) string { return strings.ReplaceAll(query20(s), "%2F", "/") }
	out := []func(string) string{
		func(s string) string { return s },
		query, query20, quote, url.PathEscape,
		func(s string) string { return strings.NewReplacer("~", "~0", "/", "~1").Replace(s) },
	}
	for _, f := range []func(string) string{query, query20, quote, url.PathEscape} {
		out = append(out, func(s string) string { return lowerHex(f(s)) })
	}
	return out
}()

// lowerHex writes the hex digits of s's percent escapes in lower case.
func lowerHex(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			for j := i + 1; j <= i+2; j++ {
				if b[j] >= 'A' && b[j] <= 'F' {
					b[j] += 'a' - 'A'
				}
			}
			i += 2
		}
	}
	return string(b)
}

// query redacts the named parameters of a raw query and cleans the rest.
// The query is re-encoded only when something changed.
func (r *Redactor) query(raw string, sec *strings.Replacer) string {
	if raw == "" {
		return raw
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		// Not a query Go can parse: its text cleaned as it is, the
		// encoded forms of secrets and known values included.
		return r.clean(raw, sec)
	}
	changed := false
	for k, vs := range q {
		for i, v := range vs {
			nv := v
			if r.fields[k] {
				nv = r.placeholder(v)
			}
			nv = r.clean(nv, sec)
			if nv != v {
				vs[i], changed = nv, true
			}
		}
	}
	if !changed {
		return raw
	}
	return q.Encode()
}

// path redacts the path parameters named as fields and any parameter
// whose value was redacted elsewhere; static segments are left alone,
// so the path still addresses the same operation.
func (r *Redactor) path(escaped, template string, sec *strings.Replacer) string {
	segs := strings.Split(escaped, "/")
	tpl := strings.Split(template, "/")
	if template == "" || len(tpl) != len(segs) {
		// No operation, or the catalog's second mount, whose templates
		// have no parameters: secrets only.
		tpl = nil
	}
	for i, s := range segs {
		v, err := url.PathUnescape(s)
		if err != nil {
			v = s
		}
		nv := sec.Replace(v)
		if tpl != nil {
			if name, ok := paramName(tpl[i]); ok {
				if r.fields[name] {
					nv = r.placeholder(nv)
				}
				nv = r.clean(nv, sec)
			}
		}
		if nv != v {
			segs[i] = url.PathEscape(nv)
		}
	}
	return strings.Join(segs, "/")
}

func paramName(seg string) (string, bool) {
	if len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}' {
		return seg[1 : len(seg)-1], true
	}
	return "", false
}

func looksLikeEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	return at > 0 && strings.Contains(s[at+1:], ".")
}

// form redacts a form body: the named fields of a urlencoded body, and
// the named text fields of a multipart one (an image upload's name),
// which keeps its boundary and its file parts byte for byte but for
// secrets.
func (r *Redactor) form(m *Message, sec *strings.Replacer) {
	mt, params, err := mime.ParseMediaType(m.ContentType())
	if err != nil {
		return
	}
	switch mt {
	case "application/x-www-form-urlencoded":
		if m.Text != "" {
			m.Text = r.query(m.Text, sec)
		}
	case "multipart/form-data":
		raw := m.Body()
		if raw == nil || params["boundary"] == "" {
			return
		}
		var out bytes.Buffer
		mw := multipart.NewWriter(&out)
		if mw.SetBoundary(params["boundary"]) != nil {
			return
		}
		mr := multipart.NewReader(bytes.NewReader(raw), params["boundary"])
		for {
			part, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return // not multipart after all: leave it to the secret scrub
			}
			body, err := io.ReadAll(part)
			if err != nil {
				return
			}
			if part.FileName() == "" {
				v := string(body)
				if r.fields[part.FormName()] {
					v = r.placeholder(v)
				}
				body = []byte(r.clean(v, sec))
			}
			pw, err := mw.CreatePart(part.Header)
			if err != nil {
				return
			}
			_, _ = pw.Write(body)
		}
		_ = mw.Close()
		m.SetBody(out.Bytes())
	}
}
