package paritytest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"

	"github.com/iblfake/iblfake/fake"
)

// Deviation is one way the deviating upstream departs from the document:
// the operation it touches, the violation the proxy must report for it,
// and the difference verify must name (its JSON pointer and what).
type Deviation struct {
	Name        string
	OperationID string
	Violation   string
	Difference  string
}

// Deviations are the deviating upstream's, one per operation.
var Deviations = []Deviation{
	{"renamed key", "credentials_orgs_users_issuers_retrieve_2",
		`response body /0/name: property "name" is missing`, `/0/name: key not in the recorded answer (fake string)`},
	{"number as a string", "credentials_orgs_users_issuers_retrieve",
		`response body /result/count: value must be an integer`, `/result/count: type: recorded string, fake number`},
	{"bare list where the document wraps", "credentials_orgs_users_retrieve",
		`response body (root): value must be an object`, `(root): type: recorded array, fake object`},
	{"201 where the document says 200", "credentials_orgs_users_assertions_create",
		`response status 201: the document declares 200`, `status: recorded 201, fake 200`},
}

// DeviatingUpstream serves a fake (seeded apart from verify's, so its ids
// differ) through a handler that rewrites four answers as a real service
// might: the issuer detail's "name" renamed "title", the issuer list's
// count sent as a string, the credential list as a bare list of
// credentials, and an assertion issue answered 201. Every other answer
// is the fake's own.
func DeviatingUpstream(opts ...fake.Option) (*httptest.Server, *fake.Server, error) {
	srv, err := fake.New(append([]fake.Option{fake.WithSeed(99)}, opts...)...)
	if err != nil {
		return nil, nil, err
	}
	h := srv.Handler()
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		op := ""
		if e := srv.Journal().Entries(); len(e) > 0 {
			op = e[len(e)-1].OperationID
		}
		status, body := rec.Code, rec.Body.Bytes()
		var v any
		if json.Unmarshal(body, &v) == nil && status == http.StatusOK {
			switch op {
			case "credentials_orgs_users_issuers_retrieve_2":
				if l, ok := v.([]any); ok && len(l) > 0 {
					m := l[0].(map[string]any)
					m["title"] = m["name"]
					delete(m, "name")
				}
			case "credentials_orgs_users_issuers_retrieve":
				res := v.(map[string]any)["result"].(map[string]any)
				res["count"] = strconv.Itoa(int(res["count"].(float64)))
			case "credentials_orgs_users_retrieve":
				v = v.(map[string]any)["result"].(map[string]any)["data"]
			case "credentials_orgs_users_assertions_create":
				status = http.StatusCreated
			}
			body, _ = json.Marshal(v)
		}
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		_, _ = w.Write(bytes.TrimRight(body, "\n"))
	}))
	return hs, srv, nil
}
