package contract

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/iblfake/iblfake/internal/drf"
	"github.com/iblfake/iblfake/spec"
)

// wholeResponse and wholeRequest are the check as it was before bodies
// were checked in parts: kin-openapi in multi-error mode over the whole
// body, every line rendered.
func wholeResponse(r *http.Request, m *Match, status int, header http.Header, body []byte) []string {
	req := r.Clone(context.Background())
	req.Body = http.NoBody
	err := openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: m.Params, Route: m.Route},
		Status:                 status, Header: header, Body: io.NopCloser(bytes.NewReader(body)), Options: responseOptions,
	})
	var out []string
	for _, e := range flatten(err) {
		if e != nil {
			out = append(out, responseLine(e)...)
		}
	}
	return dedupe(out)
}

func wholeRequest(r *http.Request, m *Match, body []byte) []string {
	req := r.Clone(context.Background())
	req.Body = io.NopCloser(bytes.NewReader(body))
	err := openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
		Request: req, PathParams: m.Params, QueryParams: drf.PagingLenient(r.URL.Query()), Route: m.Route, Options: requestOptions,
	})
	var out []string
	for _, e := range flatten(err) {
		if e != nil {
			out = append(out, requestLine(e)...)
		}
	}
	return dedupe(out)
}

// items joins n items made by item(i).
func items(n int, item func(i int) string) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = item(i)
	}
	return strings.Join(parts, ",")
}

// TestBoundedCheckFindsWhatTheWholeCheckFinds: a body large enough to be
// checked in parts, with fewer violations than MaxLines, gives the same
// lines as kin-openapi over the whole body; bodies that cannot be taken
// apart, or are small, the same too.
func TestBoundedCheckFindsWhatTheWholeCheckFinds(t *testing.T) {
	d := New(spec.MustLoad())
	const users = "/api/credentials/orgs/acme/users/admin/"
	image := func(i int) string {
		switch i {
		case 3:
			return `{"id":3,"name":"x"}`
		case 700:
			return `{"id":700,"name":5,"image":"http://x/y.png"}`
		case 1999:
			return `{"id":"x","name":"n","image":null}`
		}
		return fmt.Sprintf(`{"id":%d,"name":"n","image":"http://x/y.png"}`, i)
	}
	issuer := func(i int) string {
		switch i {
		case 10:
			return `{"org":"acme","entityId":"x","signatories":[]}`
		case 1200:
			return `{"name":"A","org":"acme","entityId":"x","signatories":"none","url":null}`
		}
		return `{"name":"A","org":"acme","entityId":"x","signatories":[],"url":null,"iconImage":null,"allowed_template_tags":[]}`
	}
	page := func(count string, n int) string {
		return `{"status":{"success":true,"description":"Ok"},"result":{"next":null,"previous":null,"count":` + count +
			`,"num_pages":1,"page_number":1,"max_page_size":1000,"data":[` + items(n, issuer) + `]}}`
	}
	for _, tc := range []struct {
		name, method, path string
		status             int
		body               string
		want               int // lines, at least: the check must find something
	}{
		{"a long list with three bad items", "GET", users + "images/?query=x", 200, "[" + items(2000, image) + "]", 3},
		{"a long page with a bad count and two bad items", "GET", users + "issuers/", 200, page(`"1"`, 1500), 3},
		{"a short page", "GET", users + "issuers/", 200, page(`"1"`, 3), 1},
		{"a long list where an object is declared", "GET", users + "issuers/", 200, "[" + items(1500, issuer) + "]", 1},
		{"a valid long list", "GET", users + "images/?query=x", 200, "[" + items(2000, func(i int) string { return image(5) }) + "]", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, tc.path, nil)
			m := d.Find(tc.method, r.URL.EscapedPath())
			h := http.Header{"Content-Type": {"application/json"}}
			got := d.CheckResponse(context.Background(), r, m, tc.status, h, []byte(tc.body))
			want := wholeResponse(r, m, tc.status, h, []byte(tc.body))
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) || len(got) < tc.want {
				t.Errorf("got %q, want %q (at least %d)", got, want, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		name, path, body string
		want             int
	}{
		{"a long list of users with two numbers", users + "Cr3d/assertions/bulk/",
			`{"users":[` + items(3000, func(i int) string {
				if i == 17 || i == 2500 {
					return "17"
				}
				return `"u"`
			}) + `],"course":5}`, 3},
		{"a long list and a missing field", users + "Cr3d/assertions/bulk/", `{"course":"c","metadata":{` +
			items(2000, func(i int) string { return fmt.Sprintf(`"k%d":%d`, i, i) }) + `}}`, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", tc.path, nil)
			r.Header.Set("Content-Type", "application/json")
			m := d.Find("POST", r.URL.EscapedPath())
			got := d.CheckRequest(context.Background(), r, []byte(tc.body), m)
			want := wholeRequest(r, m, []byte(tc.body))
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) || len(got) < tc.want {
				t.Errorf("got %q, want %q (at least %d)", got, want, tc.want)
			}
		})
	}
}
