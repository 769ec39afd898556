// Package cassette is the recording format of iblfake's proxy: one
// exchange with the real service per line, as a JSON object (JSON Lines),
// so a recording can be appended to, read as a stream, cut with head or
// grep, and shared once redacted.
//
// A line is written with a single write(2) on a file opened for
// appending, and a reader skips a torn last line (a process killed
// mid-write, a disk that filled up) and reports it instead of failing:
// everything before it stays readable. See Writer and Reader.
package cassette

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"
)

// Version is the format version each record carries in "v". A reader
// refuses a record of another version rather than misreading it.
const Version = 1

// Record is one exchange: the request as the caller sent it (less its
// secrets) and the answer as the upstream gave it.
type Record struct {
	V int `json:"v"`
	// Seq numbers the exchanges of one proxy run from 1, in the order
	// their answers were complete.
	Seq  int64     `json:"seq"`
	Time time.Time `json:"time"`
	// OperationID is the document's operation the request addressed;
	// empty when none matches.
	OperationID string `json:"operation_id,omitempty"`
	Method      string `json:"method"`
	// Path is the escaped path, Query the raw query, as sent.
	Path  string `json:"path"`
	Query string `json:"query,omitempty"`
	// Request holds the request's Content-Type and body.
	Request Message `json:"request"`
	// Status is the upstream's status, or the proxy's own 502/504 when
	// Error is set.
	Status   int     `json:"status"`
	Response Message `json:"response"`
	// DurationMS is how long the upstream took to answer.
	DurationMS float64 `json:"duration_ms"`
	// Error says why the upstream gave no answer (a connection error, a
	// timeout); Response is then the proxy's own DRF-shaped answer, which
	// a replay does not compare with.
	Error string `json:"error,omitempty"`
	// Violations are where the request or the answer departs from the
	// fake's corrected document, as the proxy reported them.
	Violations []string `json:"violations,omitempty"`
}

// Message is a request's or an answer's headers that matter and its body.
// A JSON body is kept as JSON (readable, and what a replay compares),
// any other UTF-8 body as Text, a binary one (an image upload) as Base64.
type Message struct {
	Header map[string]string `json:"header,omitempty"`
	JSON   json.RawMessage   `json:"json,omitempty"`
	Text   string            `json:"text,omitempty"`
	Base64 string            `json:"base64,omitempty"`
}

// SetBody stores body in the field its content fits.
func (m *Message) SetBody(body []byte) {
	m.JSON, m.Text, m.Base64 = nil, "", ""
	switch {
	case len(body) == 0:
	case json.Valid(body):
		m.JSON = compact(body)
	case utf8.Valid(body):
		m.Text = string(body)
	default:
		m.Base64 = base64.StdEncoding.EncodeToString(body)
	}
}

// Body returns the body as it was sent.
func (m *Message) Body() []byte {
	switch {
	case m.JSON != nil:
		return m.JSON
	case m.Text != "":
		return []byte(m.Text)
	case m.Base64 != "":
		b, _ := base64.StdEncoding.DecodeString(m.Base64)
		return b
	}
	return nil
}

// ContentType is the message's Content-Type header, if recorded.
func (m *Message) ContentType() string {
	for k, v := range m.Header {
		if strings.EqualFold(k, "Content-Type") {
			return v
		}
	}
	return ""
}

// compact removes insignificant whitespace, so a body is one line of the
// cassette whatever the upstream's indentation. Valid JSON is assumed.
func compact(body []byte) json.RawMessage {
	var b bytes.Buffer
	b.Grow(len(body))
	if err := json.Compact(&b, body); err != nil {
		return append(json.RawMessage(nil), body...)
	}
	return b.Bytes()
}
