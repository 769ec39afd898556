package journal

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"unicode/utf8"
)

// QueryParams are the query parameters GET /_fake/requests takes: limit,
// and the fields of a Match.
var QueryParams = []string{"limit", "method", "path", "operation", "tenant", "status", "scenario"}

// ServeHTTP is the journal's admin route, /_fake/requests on the fake and
// the proxy alike: GET lists the kept entries, oldest first, with how many
// were ever recorded, {"total", "requests"}: those a Match picks when its
// fields are given (?operation=..._create&tenant=acme&status=201, "*" in
// operation and path), the latest N of them with ?limit=N, each with its
// sequence number and, when the journal keeps bodies (KeepBodies) or
// someone watched it, the request's and the answer's headers and bodies.
// DELETE empties the journal (204). Any other method is the caller's to
// refuse before it gets here.
func (j *Journal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodDelete {
		j.Clear()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	q := r.URL.Query()
	m := Match{Method: q.Get("method"), Path: q.Get("path"), Operation: q.Get("operation"), Tenant: q.Get("tenant"), Scenario: q.Get("scenario")}
	if s := q.Get("status"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 100 || n > 599 {
			writeJSON(w, r, http.StatusBadRequest, map[string]any{"status": []string{fmt.Sprintf("%q is not an HTTP status.", s)}})
			return
		}
		m.Status = n
	}
	found := j.Find(m)
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n >= 0 && n < len(found) {
		found = found[len(found)-n:]
	}
	out := make([]listed, len(found))
	for i, f := range found {
		out[i] = listed{Entry: f.Entry, Seq: f.Seq}
		if x := f.Exchange; x != nil {
			out[i].Request = side(x.RequestHeader, x.RequestBody, x.RequestSize)
			out[i].Response = side(x.ResponseHeader, x.ResponseBody, x.ResponseSize)
		}
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"total": j.Total(), "requests": out})
}

// listed is an entry as GET /_fake/requests shows it.
type listed struct {
	Entry
	Seq      uint64    `json:"seq"`
	Request  *bodySide `json:"request,omitempty"`
	Response *bodySide `json:"response,omitempty"`
}

// bodySide is one side of a kept exchange: its headers (secrets masked)
// and body, as JSON when it is whole JSON, else as text, else base64;
// Size is the whole body's length, Truncated whether the body kept is
// less.
type bodySide struct {
	Headers    http.Header     `json:"headers"`
	Body       json.RawMessage `json:"body,omitempty"`
	BodyText   *string         `json:"body_text,omitempty"`
	BodyBase64 string          `json:"body_base64,omitempty"`
	Size       int             `json:"size"`
	Truncated  bool            `json:"truncated,omitempty"`
}

func side(h http.Header, body []byte, size int) *bodySide {
	s := &bodySide{Headers: h, Size: size, Truncated: len(body) < size}
	switch {
	case len(body) == 0:
	case !s.Truncated && json.Valid(body):
		s.Body = body
	case utf8.Valid(body):
		text := string(body)
		s.BodyText = &text
	default:
		s.BodyBase64 = base64.StdEncoding.EncodeToString(body)
	}
	return s
}

func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}
