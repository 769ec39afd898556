package fake_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/spec"
)

// isoTenant is one tenant's key and what it owns. Everything it owns is
// named with its secret marker, which the other tenant never sends.
type isoTenant struct {
	org, key, secret string
	users            []string
	userIDs          []int64
	emails           []string
	entityIDs        []string // issuers, credentials, assertions, assignments
	ints             []int64  // license, assignment, invitation ids
	course, program  string
}

// TestTenantIsolationRandomized binds two keys to two orgs, seeds each org
// through its own key, then sends randomized requests for every operation
// of the document with one org's key, with the path, query and body
// naming the other org's platform, ids, users, courses and licenses. No
// answer to an authenticated operation may carry the other org's data, and
// the other org's stored state must be byte for byte what it was.
func TestTenantIsolationRandomized(t *testing.T) {
	t.Parallel()
	iterations := 1500
	if v := os.Getenv("IBLFAKE_ISOLATION_ITERATIONS"); v != "" {
		iterations, _ = strconv.Atoi(v)
	}
	srv := fake.NewTestServer(t, fake.WithAPIKey("key-acme", "acme"), fake.WithAPIKey("key-globex", "globex"),
		fake.WithAPIKey(isoDMKey, fake.DMAdmin))
	tenants := []*isoTenant{
		{org: "acme", key: "key-acme", secret: "SECRET-ACME"},
		{org: "globex", key: "key-globex", secret: "SECRET-GLOBEX"},
	}
	for _, tn := range tenants {
		isoSeed(t, srv, tn)
	}
	ops := spec.MustLoad().Operations()
	rng := rand.New(rand.NewPCG(2026, 11))
	counts := map[string]int{}
	for i := 0; i < iterations; i++ {
		att, vic := tenants[i%2], tenants[1-i%2]
		before := isoVictimState(t, srv, vic.org)
		op := ops[rng.IntN(len(ops))]
		method, url, body := isoRequest(rng, srv.URL, op, att, vic)
		status, raw := isoSend(t, method, url, att.key, body)
		counts[fmt.Sprintf("%dxx", status/100)]++
		public := op.Op.Security != nil && len(*op.Op.Security) == 0 || op.Op.Security == nil
		if status/100 == 2 && !public && bytes.Contains(raw, []byte(vic.secret)) {
			t.Fatalf("%s %s with %s's key answered %d with %s's data:\n%s\nbody sent: %s",
				method, url, att.org, status, vic.org, raw, body)
		}
		if status >= 500 {
			t.Fatalf("%s %s answered %d: %s", method, url, status, raw)
		}
		if after := isoVictimState(t, srv, vic.org); after != before {
			t.Fatalf("%s %s with %s's key (answered %d) changed %s's state.\nbody sent: %s\nbefore: %.2000s\nafter:  %.2000s",
				method, url, att.org, status, vic.org, body, before, after)
		}
	}
	t.Logf("isolation: %d randomized requests over %d operations, answers %v; no cross-tenant read or write", iterations, len(ops), counts)
}

// isoDMKey is the DM admin's key, which only seeds licenses.
const isoDMKey = "key-dm"

// isoSeed creates the tenant's data through its own key (licenses through
// the DM admin's).
func isoSeed(t *testing.T, srv *fake.TestServer, tn *isoTenant) {
	t.Helper()
	mustAs := func(key, method, path string, body any) map[string]any {
		st, raw := isoSend(t, method, srv.URL+path, key, body)
		if st != 200 {
			t.Fatalf("seed %s %s: %d %s", method, path, st, raw)
		}
		var out map[string]any
		_ = json.Unmarshal(raw, &out)
		return out
	}
	must := func(method, path string, body any) map[string]any { return mustAs(tn.key, method, path, body) }
	tn.course = "course-v1:" + tn.org + "+C1+2026"
	tn.program = tn.org + "+P1"
	for i := 0; i < 3; i++ {
		tn.users = append(tn.users, fmt.Sprintf("%s-user%d", tn.org, i))
		tn.emails = append(tn.emails, fmt.Sprintf("%s-user%d@%s.test", tn.org, i, tn.org))
	}
	base := "/api/credentials/orgs/" + tn.org + "/users/admin"
	is := must("POST", base+"/issuers/", map[string]any{"name": tn.secret + " issuer"})["result"].(map[string]any)["entityId"].(string)
	cr := must("POST", base+"/", map[string]any{"name": tn.secret + " credential", "issuer": is, "courses": []string{tn.course}})["result"].(map[string]any)["entityId"].(string)
	as := must("POST", base+"/"+cr+"/assertions/", map[string]any{"recipient": map[string]any{"identity": tn.users[0]}, "course": tn.course})["entityId"].(string)
	must("POST", base+"/issuers/authority/", map[string]any{"name": tn.secret, "title": "Dean", "signature": "https://x.test/s.png", "entityId": is})
	tn.entityIDs = append(tn.entityIDs, is, cr, as)
	// The catalog directory (users, groups), licenses, assignments, invitations.
	dir := map[string]any{"platform_key": tn.org, "users": []any{}, "groups": []any{}}
	var members []any
	for i, u := range tn.users {
		id := int64(1000*len(tn.org) + i)
		tn.userIDs = append(tn.userIDs, id)
		m := map[string]any{"user_id": id, "username": u, "email": tn.emails[i], "name": tn.secret}
		dir["users"] = append(dir["users"].([]any), m)
		members = append(members, m)
	}
	dir["groups"] = []any{map[string]any{"id": 10 + len(tn.org), "name": tn.secret + " group", "members": members}}
	if st, raw := isoSend(t, "PUT", srv.URL+"/_fake/groups", "", dir); st != 200 {
		t.Fatalf("seed groups: %d %s", st, raw)
	}
	lic := func(kind string, extra map[string]any) int64 {
		body := map[string]any{"platform_key": tn.org, "name": tn.secret + " " + kind, "count": 5}
		for k, v := range extra {
			body[k] = v
		}
		// Only a DM admin creates licenses (the attacker never holds one).
		id := int64(mustAs(isoDMKey, "POST", "/api/catalog/licenses/"+kind+"/create/", body)["id"].(float64))
		tn.ints = append(tn.ints, id)
		return id
	}
	ul := lic("user", nil)
	cl := lic("course", map[string]any{"course_id": tn.course})
	pl := lic("program", map[string]any{"program_key": tn.program, "program_id": tn.program, "started": "2026-01-01T00:00:00Z"})
	for kind, id := range map[string]int64{"user": ul, "course": cl, "program": pl} {
		a := must("POST", "/api/catalog/licenses/"+kind+"/assignment/", map[string]any{"license_id": id, "email": tn.emails[1], "platform_key": tn.org})
		tn.ints = append(tn.ints, int64(a["id"].(float64)))
	}
	ga := must("POST", "/api/catalog/licenses/user/assignment/group/", map[string]any{"license_id": ul, "group_id": 10 + len(tn.org), "platform_key": tn.org})
	tn.ints = append(tn.ints, int64(ga["id"].(float64)))
	inv := must("POST", "/api/catalog/invitations/platform/", map[string]any{"platform_key": tn.org, "email": tn.emails[2], "source": tn.secret, "secret": tn.secret})
	tn.ints = append(tn.ints, int64(inv["id"].(float64)))
	must("POST", "/api/catalog/invitations/course/", map[string]any{"course_id": tn.course, "email": tn.emails[2], "platform_key": tn.org, "source": tn.secret})
	must("POST", "/api/catalog/invitations/platform/blank/", map[string]any{"platform_key": tn.org, "count": 2, "source": tn.secret})
}

// isoRequest builds a random request for op with the attacker's key,
// naming the victim's tenant and ids most of the time.
func isoRequest(rng *rand.Rand, root string, op spec.Operation, att, vic *isoTenant) (string, string, any) {
	pickT := func() *isoTenant {
		if rng.IntN(4) == 0 {
			return att
		}
		return vic
	}
	pickS := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	pickI := func(xs []int64) int64 { return xs[rng.IntN(len(xs))] }
	value := func(name string) (any, bool) {
		tn := pickT()
		switch name {
		case "org", "platform_key", "key", "platform_org":
			return tn.org, true
		case "user_id":
			if rng.IntN(2) == 0 {
				return pickI(tn.userIDs), true
			}
			return pickS(tn.users), true
		case "username", "identity":
			return pickS(tn.users), true
		case "entity_id", "issuer", "credential", "entityId", "credential_id", "assignment_id":
			if name == "assignment_id" && rng.IntN(2) == 0 {
				return pickI(tn.ints), true
			}
			return pickS(tn.entityIDs), true
		case "license_id", "group_id", "id":
			if name == "group_id" && rng.IntN(2) == 0 {
				return 10 + len(tn.org), true
			}
			return pickI(tn.ints), true
		case "email":
			return pickS(tn.emails), true
		case "course_id", "course":
			return tn.course, true
		case "program_key", "program_id", "program":
			return tn.program, true
		case "source":
			return tn.secret, false // never send the victim's secret
		case "count":
			return 1, true
		case "page":
			return 1, true
		case "page_size":
			return 10, true
		case "name", "title", "q", "search", "query":
			return "x", true
		case "signature":
			return "https://x.test/s.png", true
		case "users":
			return []string{pickS(tn.users)}, true
		case "user_ids":
			return []int64{pickI(tn.userIDs)}, true
		case "group_ids":
			return []string{strconv.Itoa(10 + len(tn.org))}, true
		case "recipient":
			return map[string]any{"identity": pickS(tn.users)}, true
		case "invitation_data":
			return []any{map[string]any{"platform_key": tn.org, "email": pickS(tn.emails), "course_id": tn.course, "program_key": tn.program}}, true
		case "include_revoked", "include_expired", "verbose", "remove_user_assignments":
			return "true", true
		}
		return nil, false
	}
	path := op.Path
	for _, p := range op.Op.Parameters {
		if p.Value.In == "path" {
			v, _ := value(p.Value.Name)
			path = strings.ReplaceAll(path, "{"+p.Value.Name+"}", fmt.Sprint(v))
		}
	}
	q := []string{}
	for _, p := range op.Op.Parameters {
		if p.Value.In == "query" && (p.Value.Required || rng.IntN(2) == 0) {
			if v, ok := value(p.Value.Name); ok {
				q = append(q, p.Value.Name+"="+fmt.Sprint(v))
			}
		}
	}
	url := root + path
	if len(q) > 0 {
		url += "?" + strings.Join(q, "&")
	}
	var body any
	if op.Op.RequestBody != nil && op.Op.RequestBody.Value != nil {
		if mt := op.Op.RequestBody.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
			obj := map[string]any{}
			for name := range isoProps(mt.Schema.Value) {
				if v, ok := value(name); ok && rng.IntN(5) != 0 {
					obj[name] = v
				}
			}
			body = obj
		}
	}
	return op.Method, url, body
}

func isoProps(s *openapi3.Schema) openapi3.Schemas {
	out := openapi3.Schemas{}
	if s == nil {
		return out
	}
	for k, v := range s.Properties {
		out[k] = v
	}
	for _, part := range s.AllOf {
		for k, v := range isoProps(part.Value) {
			out[k] = v
		}
	}
	return out
}

func isoSend(t *testing.T, method, url, key string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, url, rd)
	if key != "" {
		req.Header.Set("Authorization", "Api-Token "+key)
	}
	if adminToken != "" && strings.Contains(url, "/_fake/") {
		req.Header.Set("Authorization", "Bearer "+adminToken)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, raw
}

// isoVictimState renders every stored entry that belongs to org: keys that
// start with it, and values that record it as their tenant or platform.
func isoVictimState(t *testing.T, srv *fake.TestServer, org string) string {
	t.Helper()
	st, err := srv.ExportState()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, bucket := range slices.Sorted(maps.Keys(st.Buckets)) {
		for _, k := range slices.Sorted(maps.Keys(st.Buckets[bucket])) {
			v := string(st.Buckets[bucket][k])
			if strings.HasPrefix(k, org+"\x00") || strings.Contains(v, `"tenant":"`+org+`"`) ||
				strings.Contains(v, `"platform":"`+org+`"`) || strings.Contains(v, `"platform_key":"`+org+`"`) {
				fmt.Fprintf(&b, "%s %q %s\n", bucket, k, v)
			}
		}
	}
	return b.String()
}
