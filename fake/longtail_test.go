package fake_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/faketest"
	"github.com/iblfake/iblfake/internal/longtail"
	"github.com/iblfake/iblfake/internal/synth"
	"github.com/iblfake/iblfake/scenarios"
	"github.com/iblfake/iblfake/spec"
)

// tailRequest builds a request a client would send to a long-tail
// operation (synth.RequestFor), as a path relative to the server.
func tailRequest(t *testing.T, e spec.IndexEntry, tenant string) (path string, body any) {
	t.Helper()
	op, err := spec.LongTailOperation(e.Method, e.Path)
	if err != nil {
		t.Fatal(err)
	}
	req := synth.RequestFor(op.Item, op.Op, synth.Options{Seed: synth.Key(e.ID), Tenant: tenant})
	path = e.Path
	for name, v := range req.Path {
		path = strings.ReplaceAll(path, "{"+name+"}", url.PathEscape(v))
	}
	if len(req.Query) > 0 {
		path += "?" + req.Query.Encode()
	}
	return path, req.Body
}

// TestEverySynthesizedOperationAnswers sends every long-tail operation of
// the document (all of them) a request as a client would, through the real
// handler over a socket, with response validation on (NewTestServer): each
// answers its declared 2xx, with a body that validates, or, with no 2xx
// declared, the vendor-shaped 501.
func TestEverySynthesizedOperationAnswers(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithSeed(11))
	idx, err := spec.LongTailIndex()
	if err != nil {
		t.Fatal(err)
	}
	counts := map[int]int{}
	// A path's DELETE last: the item it deletes is gone for the others.
	idx = slices.Clone(idx)
	slices.SortStableFunc(idx, func(a, b spec.IndexEntry) int {
		if a.Path != b.Path {
			return strings.Compare(a.Path, b.Path)
		}
		return boolInt(a.Method == "DELETE") - boolInt(b.Method == "DELETE")
	})
	tiers := map[string]string{}
	for _, row := range c.Srv.Coverage() {
		tiers[row.OperationID] = row.Tier
	}
	items := itemVerbs(t, c)
	for _, e := range idx {
		path, body := tailRequest(t, e, "acme")
		r := c.Do(t, e.Method, path, body)
		counts[r.Status]++
		want := 0
		fmt.Sscan(e.OK, &want)
		switch {
		case items[e.ID] && r.Status == 404,
			e.Method == "GET" && strings.HasSuffix(e.Path, "}/file/") && r.Status == 404:
			// An item of a resource no create made (or its file): DRF's 404.
			faketest.JSONEq(t, r.Body, `{"detail": "Not found."}`)
		case tiers[e.ID] == fake.TierStateful && r.Status >= 400 && r.Status < 500:
			// A long-tail operation a module (or the long tail by hand)
			// answers over state: a made-up request names nothing it
			// holds (a report type, a build), and is refused as the
			// service would; the module's own tests drive it.
			if _, ok := r.Body.(map[string]any); !ok {
				t.Errorf("%s %s (%s): %d %.300s, want a JSON error", e.Method, path, e.ID, r.Status, r.Raw)
			}
		case e.OK == "" && e.Only != "" && fmt.Sprint(r.Status) == e.Only:
			// No 2xx declared: the one status it declares (a checkout
			// callback's redirect, SCIM's user DELETE 405; their test is
			// TestOperationsWithoutASuccessAnswerAsDeclared).
		case e.Method == "GET" && r.Status == 302:
			// A read the vendor's UI shows as an image (a logo) leads to
			// the image on the fake (longtail, uploads.go).
			if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, c.Srv.URL+"/media/") {
				t.Errorf("%s %s (%s): 302 to %q, not the fake's media", e.Method, path, e.ID, loc)
			}
		case e.OK == "" && r.Status != 501:
			t.Errorf("%s %s (%s): %d, want 501 (no 2xx to synthesize, none declared to answer)", e.Method, path, e.ID, r.Status)
		case e.OK != "" && r.Status != want:
			t.Errorf("%s %s (%s): %d %.300s, want %d", e.Method, path, e.ID, r.Status, r.Raw, want)
		}
	}
	t.Logf("%d long-tail operations answered: %v", len(idx), counts)
}

// TestSynthesizedAnswersAreDeterministic: the same request gives the same
// body on every call and on another fake with the same seed (but for the
// fake's own address in its URLs); another tenant or another seed, another
// body.
func TestSynthesizedAnswersAreDeterministic(t *testing.T) {
	t.Parallel()
	at := fake.WithClockAt(time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	a, b := faketest.NewClient(t, fake.WithSeed(3), at), faketest.NewClient(t, fake.WithSeed(3), at)
	other := faketest.NewClient(t, fake.WithSeed(4), at)
	path := synthesizedGet(t)
	first := a.Must(t, 200, "GET", path, nil).Raw
	if again := a.Must(t, 200, "GET", path, nil).Raw; string(again) != string(first) {
		t.Errorf("two calls, two bodies:\n%s\n%s", first, again)
	}
	if restart := b.Must(t, 200, "GET", path, nil).Raw; strings.ReplaceAll(string(restart), b.Srv.URL, a.Srv.URL) != string(first) {
		t.Errorf("another fake with the same seed answered otherwise:\n%s\n%s", first, restart)
	}
	if seeded := other.Must(t, 200, "GET", path, nil).Raw; string(seeded) == string(first) {
		t.Errorf("another seed, the same body: %s", first)
	}
	if tenant := a.Must(t, 200, "GET", strings.Replace(path, "acme", "globex", 1), nil).Raw; string(tenant) == string(first) {
		t.Errorf("another tenant, the same body: %s", first)
	}
}

// tailResource finds a long-tail resource: a collection whose GET answers
// a paged list and an item path with a GET below it.
func tailResource(t *testing.T) (list, item spec.IndexEntry) {
	t.Helper()
	idx, _ := spec.LongTailIndex()
	byPath := map[string]map[string]spec.IndexEntry{}
	for _, e := range idx {
		if byPath[e.Path] == nil {
			byPath[e.Path] = map[string]spec.IndexEntry{}
		}
		byPath[e.Path][e.Method] = e
	}
	for _, e := range idx {
		if e.Method != "GET" || !strings.HasSuffix(e.Path, "/") || strings.Count(e.Path, "{") != 1 {
			continue
		}
		for p, ms := range byPath {
			if g, ok := ms["GET"]; ok && strings.HasPrefix(p, e.Path+"{") && strings.Count(p, "/") == strings.Count(e.Path, "/")+1 {
				op, _ := spec.LongTailOperation("GET", e.Path)
				s := op.Op.Responses.Value("200").Value.Content.Get("application/json").Schema.Value
				if s.Properties["results"] != nil {
					return e, g
				}
			}
		}
	}
	t.Skip("no paged long-tail resource with an item GET")
	return
}

// TestListItemsReadAsTheirItems: with WithLongTailFill a collection holds
// items the first time it is listed, and an item of the list page has the
// values its own GET gives, for every field both answers have.
func TestListItemsReadAsTheirItems(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithSeed(5), fake.WithLongTailFill(), fake.WithClockAt(time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)))
	list, item := tailResource(t)
	lp, _ := tailRequest(t, list, "acme")
	page := c.Must(t, 200, "GET", lp, nil).Obj(t)
	results, _ := page["results"].([]any)
	if len(results) == 0 {
		t.Fatalf("GET %s: no results: %v", lp, page)
	}
	if n, ok := page["count"].(float64); !ok || int(n) < len(results) {
		t.Errorf("count %v for %d results", page["count"], len(results))
	}
	first := results[0].(map[string]any)
	id := ""
	for _, k := range []string{"id", "pk", "uuid"} {
		if v, ok := first[k]; ok {
			id = fmt.Sprint(v)
			break
		}
	}
	if id == "" {
		t.Skipf("%s's items carry no id", list.ID)
	}
	ip, _ := tailRequest(t, item, "acme")
	ip = ip[:strings.LastIndex(strings.TrimSuffix(ip, "/"), "/")+1] + url.PathEscape(id) + "/"
	alone := c.Must(t, 200, "GET", ip, nil).Obj(t)
	same := 0
	for k, v := range first {
		if w, ok := alone[k]; ok {
			if fmt.Sprint(v) != fmt.Sprint(w) {
				t.Errorf("%s: %v in the list, %v alone (%s)", k, v, w, ip)
			}
			same++
		}
	}
	if same == 0 {
		t.Fatalf("the list item and %s share no field", ip)
	}
	again := c.Must(t, 200, "GET", lp, nil).Obj(t)
	if fmt.Sprint(again["count"]) != fmt.Sprint(page["count"]) {
		t.Errorf("count %v then %v", page["count"], again["count"])
	}
}

// TestSynthesizedWritesAreRemembered: a create on a resource answers the
// synthesized object with the request's fields, and the item's later
// reads, updates and deletes see it, per tenant, on every backend and in
// the state export.
func TestSynthesizedWritesAreRemembered(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithSeed(9))
	// GET/POST .../connected-services/orgs/{org}/users/{user_id}/ and
	// GET/PUT/PATCH/DELETE .../{id}/ below it.
	idx, _ := spec.LongTailIndex()
	var create, read, update, del spec.IndexEntry
	for _, e := range idx {
		if e.Method == "POST" && tailHasItem(idx, e.Path) {
			item := itemOf(idx, e.Path)
			if item["GET"].ID != "" && item["DELETE"].ID != "" && (item["PATCH"].ID != "" || item["PUT"].ID != "") && !strings.Contains(e.Path, "}/{") {
				create, read, del = e, item["GET"], item["DELETE"]
				update = item["PATCH"]
				if update.ID == "" {
					update = item["PUT"]
				}
				break
			}
		}
	}
	if create.ID == "" {
		t.Fatal("no long-tail resource with create, read, update and delete")
	}
	cp, body := tailRequest(t, create, "acme")
	obj, _ := body.(map[string]any)
	created := c.Must(t, 201, "POST", cp, obj)
	if created.Status != 201 && created.Status != 200 {
		t.Fatalf("create: %d", created.Status)
	}
	got := created.Obj(t)
	param := create.Path // the item path's parameter names the id property
	for _, e := range itemOf(idx, create.Path) {
		param = e.Path[strings.LastIndex(strings.TrimSuffix(e.Path, "/"), "{")+1 : len(e.Path)-2]
	}
	id := fmt.Sprint(firstOf(got, param, "id", "pk", "uuid"))
	// A field the answer's schema makes read-only is the server's to set
	// (overlay): a create body and an answer of different schemas (the
	// newer contract's FallbackLLMCreate and FallbackLLM) share it.
	serverSet := answerReadOnly(t, create)
	for k := range serverSet {
		delete(obj, k)
	}
	for k, v := range obj {
		if w, ok := got[k]; ok && fmt.Sprint(w) != fmt.Sprint(v) {
			t.Errorf("create answered %s=%v, the request sent %v", k, w, v)
		}
	}
	ip := strings.TrimSuffix(cp, "/") + "/" + url.PathEscape(id) + "/"
	if strings.Contains(cp, "?") {
		t.Skip("create path has a query")
	}
	readBack := c.Must(t, 200, "GET", ip, nil).Obj(t)
	for k, v := range obj {
		if w, ok := readBack[k]; ok && fmt.Sprint(w) != fmt.Sprint(v) {
			t.Errorf("read after create: %s=%v, want %v", k, w, v)
		}
	}
	st, err := c.Srv.ExportState()
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Buckets[longtail.Records]) == 0 {
		t.Errorf("the created item is not in the state export")
	}
	if ten, _ := c.Srv.ExportTenantState("acme"); len(ten.Buckets[longtail.Records]) == 0 {
		t.Errorf("the created item is not in acme's export")
	}
	if other, _ := c.Srv.ExportTenantState("globex"); len(other.Buckets[longtail.Records]) != 0 {
		t.Errorf("globex's export holds acme's item")
	}
	_ = read
	_ = update
	c.Must(t, statusOf(del), "DELETE", ip, nil)
	c.Must(t, 404, "GET", ip, nil)
}

func tailHasItem(idx []spec.IndexEntry, coll string) bool { return len(itemOf(idx, coll)) > 0 }

func itemOf(idx []spec.IndexEntry, coll string) map[string]spec.IndexEntry {
	out := map[string]spec.IndexEntry{}
	for _, e := range idx {
		if strings.HasPrefix(e.Path, coll+"{") && strings.Count(e.Path, "/") == strings.Count(coll, "/")+1 && strings.HasSuffix(e.Path, "}/") {
			out[e.Method] = e
		}
	}
	return out
}

func statusOf(e spec.IndexEntry) int {
	n := 0
	fmt.Sscan(e.OK, &n)
	return n
}

func firstOf(m map[string]any, keys ...string) any {
	for _, k := range keys {
		if v, ok := m[k]; ok {
			return v
		}
	}
	return nil
}

// TestPreferSteering: Prism's Prefer header and __ query parameters work
// unchanged: code, example, dynamic and seed.
func TestPreferSteering(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithSeed(2))
	path := synthesizedGet(t)
	base := c.Must(t, 200, "GET", path, nil).Raw
	c.Must(t, 404, "GET", path, nil, "Prefer", "code=404")
	c.Must(t, 404, "GET", path+"?__code=404", nil)
	d1 := c.Must(t, 200, "GET", path, nil, "Prefer", "dynamic=true").Raw
	d2 := c.Must(t, 200, "GET", path, nil, "Prefer", "dynamic=true").Raw
	if string(d1) == string(d2) {
		t.Errorf("dynamic=true twice gave the same body")
	}
	s1 := c.Must(t, 200, "GET", path, nil, "Prefer", "seed=77").Raw
	s2 := c.Must(t, 200, "GET", path+"?__seed=77", nil).Raw
	if string(s1) != string(s2) || string(s1) == string(base) {
		t.Errorf("seed=77 by header %s, by query %s, default %s", s1, s2, base)
	}
	// A named example, where the document has one that validates.
	idx, _ := spec.LongTailIndex()
	for _, e := range idx {
		if e.Method != "GET" || e.OK != "200" {
			continue
		}
		op, _ := spec.LongTailOperation(e.Method, e.Path)
		mt := op.Op.Responses.Value("200").Value.Content.Get("application/json")
		if mt == nil || len(mt.Examples) == 0 || mt.Schema == nil {
			continue
		}
		for name, ex := range mt.Examples {
			raw, _ := json.Marshal(ex.Value.Value)
			var v any
			_ = json.Unmarshal(raw, &v)
			if mt.Schema.Value.VisitJSON(v, openapi3.VisitAsResponse()) != nil {
				continue
			}
			p, _ := tailRequest(t, e, "acme")
			r := c.Must(t, 200, "GET", p, nil, "Prefer", "example="+name)
			var got any
			_ = json.Unmarshal(r.Raw, &got)
			if fmt.Sprint(got) != fmt.Sprint(v) {
				t.Errorf("%s: Prefer example=%s answered %.200s, want the example %.200s", e.ID, name, r.Raw, raw)
			}
			return
		}
	}
	t.Log("no valid named example in the long tail")
}

// TestLongTailUnavailable: --long-tail 501 answers every long-tail
// operation with the vendor-shaped 501, and the coverage says so.
func TestLongTailUnavailable(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithLongTail(fake.LongTailUnavailable))
	r := c.Must(t, 501, "GET", "/api/ai-account/connected-services/orgs/acme/users/bob/", nil)
	if !strings.Contains(string(r.Raw), `"detail":"iblfake does not model`) {
		t.Errorf("501 body %s", r.Raw)
	}
	cov := c.Must(t, 200, "GET", "/_fake/coverage", nil).Obj(t)
	tiers := cov["tiers"].(map[string]any)
	if tiers["synthesized"] != nil || tiers["unavailable"].(float64) < 1000 {
		t.Errorf("tiers %v", tiers)
	}
	if _, err := fake.New(fake.WithLongTail("maybe")); err == nil {
		t.Error("WithLongTail(maybe) accepted")
	}
}

// TestLongTailAuthAndMethods: a long-tail operation that asks for a key
// is a 401 without one; a public one answers; a method the path lacks is
// DRF's 405 with Allow; the journal records the tier.
func TestLongTailAuthAndMethods(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	path := "/api/ai-account/connected-services/orgs/acme/users/bob/"
	c.Must(t, 401, "GET", path, nil, "Authorization", "")
	r := c.Must(t, 405, "PATCH", path, nil)
	if !strings.Contains(r.Header.Get("Allow"), "GET") {
		t.Errorf("Allow = %q", r.Header.Get("Allow"))
	}
	c.Must(t, 200, "GET", "/api/ai-account/connected-services/callback/", nil, "Authorization", "")
	entries := c.Srv.Journal().Entries()
	if last := entries[len(entries)-1]; last.Tier != fake.TierSynthesized && last.Tier != fake.TierInferred {
		t.Errorf("journal tier %q", last.Tier)
	}
	c.Must(t, 301, "GET", strings.TrimSuffix(path, "/"), nil)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestScenarioPrefer: a scenario steers a synthesized operation as the
// Prefer header does.
func TestScenarioPrefer(t *testing.T) {
	t.Parallel()
	sc, err := scenarios.Parse("gone.yaml", []byte("name: gone\nrules:\n  - match: {operation: ai_account_connected_services_orgs_users_list}\n    respond: {prefer: \"code=404\"}\n"))
	if err != nil {
		t.Fatal(err)
	}
	c := faketest.NewClient(t, fake.WithScenarioDefinition(sc, true))
	c.Must(t, 404, "GET", "/api/ai-account/connected-services/orgs/acme/users/bob/", nil)
	c.Must(t, 200, "GET", "/api/ai-account/connected-services/callback/", nil)
}

// answerReadOnly are the properties the lowest 2xx answer of e declares
// read-only.
func answerReadOnly(t *testing.T, e spec.IndexEntry) map[string]bool {
	t.Helper()
	op, err := spec.LongTailOperation(e.Method, e.Path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	r := op.Op.Responses.Value(e.OK)
	if r == nil || r.Value == nil || r.Value.Content.Get("application/json") == nil {
		return out
	}
	s := r.Value.Content.Get("application/json").Schema
	if s == nil || s.Value == nil {
		return out
	}
	for name, p := range s.Value.Properties {
		if p.Value != nil && p.Value.ReadOnly {
			out[name] = true
		}
	}
	return out
}

// itemVerbs are the long tail's operations on an item of a resource (its
// retrieve, update, partial update and destroy, and the actions on it),
// by the inference report.
func itemVerbs(t *testing.T, c *faketest.Client) map[string]bool {
	t.Helper()
	var rep struct {
		Families   []longtail.FamilyReport    `json:"families"`
		Singletons []longtail.SingletonReport `json:"singletons"`
	}
	if err := json.Unmarshal(c.Must(t, 200, "GET", "/_fake/resources", nil).Raw, &rep); err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, s := range rep.Singletons {
		// A list addressed by a query parameter: its PUT, PATCH and
		// DELETE address an item.
		for id, verb := range s.Operations {
			if s.ItemQuery != "" && (verb == "update" || verb == "partial_update" || verb == "destroy") {
				out[id] = true
			}
		}
	}
	for _, f := range rep.Families {
		if !f.Stateful {
			continue
		}
		for verb, id := range f.Operations {
			if verb != "list" && verb != "create" {
				out[id] = true
			}
		}
	}
	if len(out) < 50 {
		t.Fatalf("%d item operations in the inference report", len(out))
	}
	return out
}

// synthesizedGet is a GET of the long tail that no resource answers (its
// path's only parameter the org, acme), answering an object.
func synthesizedGet(t *testing.T) string {
	t.Helper()
	srv, err := fake.New()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for _, row := range srv.Coverage() {
		if row.Tier != fake.TierSynthesized || row.Method != "GET" || strings.Count(row.Path, "{") != 1 || !strings.Contains(row.Path, "/orgs/{org}/") {
			continue
		}
		op, err := spec.LongTailOperation("GET", row.Path)
		if err != nil || op.Op.Responses.Value("200") == nil || op.Op.Responses.Value("200").Value.Content.Get("application/json") == nil {
			continue
		}
		required := false
		for _, p := range op.Op.Parameters {
			required = required || p.Value != nil && p.Value.In == "query" && p.Value.Required
		}
		if s := op.Op.Responses.Value("200").Value.Content.Get("application/json").Schema; s != nil && s.Value != nil && len(s.Value.Properties) >= 3 && !required {
			return strings.Replace(row.Path, "{org}", "acme", 1)
		}
	}
	t.Fatal("no synthesized GET of the long tail under /orgs/{org}/")
	return ""
}

// TestAUsersItemsNameTheUser: an item created under a user's path names
// that user in its own user field (an artifact of /users/ada/ is ada's,
// not a made-up user's), and its created and updated stamps are the
// fake's clock, updated never before created.
func TestAUsersItemsNameTheUser(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	c := faketest.NewClient(t, fake.WithSeed(3), fake.WithClockAt(at))
	got := c.Must(t, 201, "POST", "/api/ai-mentor/orgs/acme/users/ada/artifacts/", map[string]any{"title": "Notes"}).Obj(t)
	if got["username"] != "ada" {
		t.Errorf("username = %v, want ada (the path's user)", got["username"])
	}
	want := at.Format("2006-01-02T15:04:05")
	for _, f := range []string{"date_created", "date_updated"} {
		if s, _ := got[f].(string); !strings.HasPrefix(s, want) {
			t.Errorf("%s = %v, want the clock's %s", f, got[f], want)
		}
	}
}

// TestOperationsWithoutASuccessAnswerAsDeclared: an operation whose
// document declares no 2xx answers the one status it declares, not the
// long tail's 501: billing's checkout callback redirects (302) to the
// return_url it is given, or to the fake's root when that is absent or
// no absolute http(s) URL; SCIM's user DELETE is DRF's 405 with the
// view's Allow; on every backend.
func TestOperationsWithoutASuccessAnswerAsDeclared(t *testing.T) {
	t.Parallel()
	for name, open := range faketest.Backends {
		t.Run(name, func(t *testing.T) {
			c := faketest.NewClient(t, fake.WithStore(open(t)))
			cb := "/api/billing/platforms/acme/items/course/7/checkout-callback/"
			r := c.Must(t, 302, "GET", cb+"?return_url="+url.QueryEscape("https://app.example.com/paid?x=1"), nil)
			faketest.Equal(t, "Location", r.Header.Get("Location"), "https://app.example.com/paid?x=1")
			for _, q := range []string{"", "?return_url=javascript:alert(1)", "?return_url=/relative"} {
				r = c.Must(t, 302, "GET", cb+q, nil)
				if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, c.Srv.URL) || !strings.HasSuffix(loc, "/") {
					t.Errorf("GET %s%s: Location %q, want the fake's root %s/", cb, q, loc, c.Srv.URL)
				}
			}
			c.Must(t, 302, "GET", "/api/billing/platforms/acme/items/course/7/checkout-callback/cs_test_1/", nil)

			r = c.Must(t, 405, "DELETE", "/api/orgs/acme/scim/v2/Users/5", nil)
			faketest.Equal(t, "detail", r.Obj(t)["detail"], any(`Method "DELETE" not allowed.`))
			if allow := r.Header.Get("Allow"); !strings.Contains(allow, "GET") || !strings.Contains(allow, "PATCH") {
				t.Errorf("Allow = %q, want the view's methods", allow)
			}
			for _, o := range c.Srv.Coverage() {
				if o.OperationID == "delete_user" || o.OperationID == "billing_platforms_items_checkout_callback_retrieve" {
					faketest.Equal(t, o.OperationID+"'s tier", o.Tier, fake.TierSynthesized)
				}
			}
		})
	}
}
