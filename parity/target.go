package parity

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/iblfake/iblfake/cassette"
)

// A cassette is data from outside, a pull request's as much as the
// proxy's: TestRecordings replays every one under testdata/recordings on
// go test ./.... So a replayed request goes to the fake under test and
// nowhere else, and never to its admin surface. Before these checks a
// path beginning with "@" turned the fake's address into user info and
// carried the request, with the API key, to any host, and "/_fake/reset"
// emptied the fake (the second hostile test, H3).

// target is where a replay sends: the base URL's scheme, host and path
// prefix, a record supplying the rest of the path and the query only.
type target struct {
	base *url.URL
}

func newTarget(raw string) (*target, error) {
	u, err := url.Parse(strings.TrimSuffix(raw, "/"))
	switch {
	case err != nil:
		return nil, fmt.Errorf("the fake's URL %q: %w", raw, err)
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
		return nil, fmt.Errorf("the fake's URL %q is not an http or https URL with a host", raw)
	case u.User != nil, u.RawQuery != "", u.ForceQuery, u.Fragment != "":
		return nil, fmt.Errorf("the fake's URL %q has user info, a query or a fragment", raw)
	}
	return &target{base: u}, nil
}

// checkRecord refuses a record that would address anything but the
// fake's vendor API: a path that is not an absolute path ("@host/...",
// "//host/...", "http://..."), one under /_fake (in any case or escape),
// one with dot segments, backslashes or control characters, a query with
// control characters or a fragment, a method that is not an HTTP token,
// and a Content-Type that is not one header line.
func checkRecord(rec *cassette.Record) error {
	if !validMethod(rec.Method) {
		return fmt.Errorf("method %q is not an HTTP method", rec.Method)
	}
	if err := checkPath(rec.Path); err != nil {
		return err
	}
	if err := checkQuery(rec.Query); err != nil {
		return err
	}
	if ct := rec.Request.ContentType(); strings.ContainsFunc(ct, isControl) {
		return fmt.Errorf("request Content-Type %q has control characters", ct)
	}
	return nil
}

func checkPath(p string) error {
	switch {
	case !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//"):
		return fmt.Errorf("path %q is not an absolute path (it must start with a single /): verify sends only to the fake under test", p)
	case strings.ContainsFunc(p, func(r rune) bool { return isControl(r) || r == '\\' || r == ' ' || r == '?' || r == '#' }):
		return fmt.Errorf("path %q has a control character, space, backslash, ? or #", p)
	}
	dec, err := url.PathUnescape(p)
	if err != nil {
		return fmt.Errorf("path %q is not a valid escaped path: %v", p, err)
	}
	if strings.ContainsFunc(dec, func(r rune) bool { return isControl(r) || r == '\\' }) {
		return fmt.Errorf("path %q has an escaped control character or backslash", p)
	}
	for _, seg := range strings.Split(dec, "/") {
		if seg == "." || seg == ".." {
			return fmt.Errorf("path %q has a dot segment", p)
		}
	}
	if strings.HasPrefix(strings.ToLower(dec), "/_fake") {
		return fmt.Errorf("path %q is the fake's admin surface (/_fake), which verify never sends to: it leaves the fake's state and clock alone", p)
	}
	return nil
}

func checkQuery(q string) error {
	if strings.ContainsFunc(q, func(r rune) bool { return isControl(r) || r == ' ' || r == '#' }) {
		return fmt.Errorf("query %q has a control character, space or #", q)
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// validMethod reports whether m is an HTTP token (RFC 9110 5.6.2).
func validMethod(m string) bool {
	if m == "" {
		return false
	}
	for _, r := range m {
		if r > 0x7e || r <= ' ' || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) {
			return false
		}
	}
	return true
}

// url is the URL of the record's request at the fake: the base with its
// path followed by the record's path (ids already mapped, checked again)
// and its query; then, as the request net/http will send, checked to
// name the base's scheme and host and no user info.
func (t *target) url(escapedPath, query string) (string, error) {
	if err := checkPath(escapedPath); err != nil {
		return "", fmt.Errorf("after its ids were mapped to the fake's: %w", err)
	}
	if err := checkQuery(query); err != nil {
		return "", fmt.Errorf("after its ids were mapped to the fake's: %w", err)
	}
	dec, _ := url.PathUnescape(escapedPath) // checked above
	u := &url.URL{
		Scheme:   t.base.Scheme,
		Host:     t.base.Host,
		Path:     t.base.Path + dec,
		RawPath:  t.base.EscapedPath() + escapedPath,
		RawQuery: query,
	}
	s := u.String()
	back, err := url.Parse(s)
	if err != nil || back.Scheme != t.base.Scheme || back.Host != t.base.Host || back.User != nil {
		return "", errors.New("the request would not go to the fake under test")
	}
	return s, nil
}

// sameTarget reports whether req goes to the base's host, as the last
// check before it is sent.
func (t *target) sameTarget(req *http.Request) bool {
	return req.URL.Scheme == t.base.Scheme && req.URL.Host == t.base.Host && req.URL.User == nil &&
		(req.Host == "" || req.Host == t.base.Host)
}
