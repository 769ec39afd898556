// Package paritytest holds what the proxy's and the parity check's tests
// share: a realistic client session, and upstreams that answer like the
// vendor in most places and deliberately unlike the corrected document in
// a few.
package paritytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"testing"
)

// Key is the API key the session sends. Tests look for it in cassettes:
// it must never be there.
const Key = "sk-live-7d1c0ffee0ddba11"

// Client sends a session's requests to one base URL.
type Client struct {
	T    testing.TB
	HTTP *http.Client
	Base string
	// Header is added to every request (the key by default).
	Header http.Header
}

// NewClient returns a client for base sending Key.
func NewClient(t testing.TB, base string) *Client {
	return &Client{T: t, HTTP: &http.Client{}, Base: base, Header: http.Header{"Authorization": {"Api-Token " + Key}}}
}

// Answer is one response, read whole.
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the answer's body.
func (a *Answer) JSON() any {
	var v any
	_ = json.Unmarshal(a.Body, &v)
	return v
}

// Do sends a request with a JSON body (nil: none) and returns the answer.
func (c *Client) Do(method, path string, body any) *Answer {
	c.T.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.T.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.Base+path, rd)
	if err != nil {
		c.T.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return c.send(req)
}

// Upload posts a multipart image upload.
func (c *Client) Upload(path, name string, image []byte) *Answer {
	c.T.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("image", "logo.gif")
	_, _ = fw.Write(image)
	_ = mw.WriteField("name", name)
	_ = mw.Close()
	req, err := http.NewRequest(http.MethodPost, c.Base+path, &buf)
	if err != nil {
		c.T.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.send(req)
}

func (c *Client) send(req *http.Request) *Answer {
	c.T.Helper()
	for k, vs := range c.Header {
		req.Header[k] = vs
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.T.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.T.Fatal(err)
	}
	return &Answer{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// Must is Do that fails the test unless the status is want (any 2xx for
// want 200, since a deviating upstream answers 201 where the document says
// 200).
func (c *Client) Must(want int, method, path string, body any) *Answer {
	c.T.Helper()
	a := c.Do(method, path, body)
	if a.Status != want && !(want == 200 && a.Status/100 == 2) {
		c.T.Fatalf("%s %s: got %d, want %d: %s", method, path, a.Status, want, a.Body)
	}
	return a
}

// At reads a string at a path of keys (and list indices) in a JSON value.
func At(v any, keys ...any) string {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return ""
			}
			v = l[k]
		}
	}
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return fmt.Sprint(int64(x))
	}
	return ""
}

// GIF is the smallest valid GIF, for image uploads.
var GIF = []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")

// Session drives a client session through the credential and catalog
// operations the fake models, in the order an integration would: make an
// issuer, a credential, issue and revoke assertions, read lists and
// details, upload an image, make a license and an invitation, and hit a
// few errors (a missing field, an unknown id, a delete refused). It
// returns how many requests it sent. email is the learner's address
// (tests redact it).
func Session(c *Client, org, email string) int {
	t := c.T
	t.Helper()
	n := 0
	do := func(want int, method, path string, body any) *Answer {
		t.Helper()
		n++
		return c.Must(want, method, path, body)
	}
	b := "/api/credentials/orgs/" + org + "/users/admin/"
	iss := do(200, "POST", b+"issuers/", map[string]any{"name": "Acme Academy", "url": "https://acme.example"}).JSON()
	issuer := At(iss, "result", "entityId")
	do(200, "GET", b+"issuers/", nil)
	do(200, "GET", b+"issuers/"+issuer, nil)
	do(200, "PUT", b+"issuers/"+issuer, map[string]any{"name": "Acme Academy of Data"})
	cr := do(200, "POST", b, map[string]any{
		"name": "Data Science", "issuer": issuer, "description": "The DS track",
		"courses": []string{"course-v1:" + org + "+DS101+2024"},
	}).JSON()
	cred := At(cr, "result", "entityId")
	do(200, "GET", b+cred, nil)
	do(200, "GET", b+"?page_size=5", nil)
	as := do(200, "POST", b+cred+"/assertions/", map[string]any{
		"recipient": map[string]any{"identity": "alice", "email": email},
		"course":    "course-v1:" + org + "+DS101+2024",
	}).JSON()
	assertion := At(as, "entityId")
	do(200, "GET", "/api/credentials/orgs/"+org+"/users/alice/assertions/", nil)
	do(200, "GET", "/api/credentials/orgs/"+org+"/users/alice/assertions/"+assertion, nil)
	do(200, "GET", b+cred+"/assertions/", nil)
	do(200, "POST", b+cred+"/assertions/bulk/", map[string]any{"users": []string{"bob", "carol", "alice"}})
	do(409, "DELETE", b+cred, nil)
	do(200, "PUT", "/api/credentials/orgs/"+org+"/users/alice/assertions/"+assertion,
		map[string]any{"revoked": true, "revocationReason": "Issued by mistake"})
	do(404, "GET", "/api/credentials/public/assertions/"+assertion+"/", nil)
	do(400, "POST", b, map[string]any{"issuer": issuer})
	do(404, "GET", b+"NoSuchCredential0000000", nil)
	do(200, "GET", b+"issuers/?page_size=1", nil)
	img := c.Upload(b+"images/", "Acme logo", GIF)
	n++
	if img.Status != 200 {
		t.Fatalf("image upload: got %d, want 200: %s", img.Status, img.Body)
	}
	do(200, "GET", b+"images/?query=logo", nil)
	lic := do(200, "POST", "/api/catalog/licenses/user/create/", map[string]any{
		"platform_key": org, "name": "Seats", "count": 3, "external_id": "ext-" + org,
	}).JSON()
	license := At(lic, "id")
	do(200, "POST", "/api/catalog/licenses/user/assignment/", map[string]any{"license_id": jsonNumber(license), "email": email, "platform_key": org})
	do(200, "GET", "/api/catalog/licenses/user/?platform_key="+org, nil)
	do(200, "GET", "/api/catalog/licenses/user/assignment/?license_id="+license+"&platform_key="+org, nil)
	do(200, "POST", "/api/catalog/invitations/platform/", map[string]any{"platform_key": org, "email": email})
	do(200, "GET", "/api/catalog/invitations/platform/?platform_key="+org, nil)
	return n
}

func jsonNumber(s string) json.Number { return json.Number(s) }
