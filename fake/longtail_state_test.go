package fake_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/faketest"
	"github.com/iblfake/iblfake/internal/longtail"
	"github.com/iblfake/iblfake/internal/synth"
	"github.com/iblfake/iblfake/spec"
)

// TestEveryInferredResourceKeepsState drives every family the long tail
// infers from the document (GET /_fake/resources) through create, detail,
// list, update, list, delete, detail and list, with the list's declared
// paging, search, ordering and filters, on every backend; and a second
// tenant and a second parent must see none of it.
func TestEveryInferredResourceKeepsState(t *testing.T) {
	t.Parallel()
	for name, open := range faketest.Backends {
		t.Run(name, func(t *testing.T) {
			c := faketest.NewClient(t, fake.WithStore(open(t)), fake.WithSeed(21),
				fake.WithAPIKey("key-acme", "acme"), fake.WithAPIKey("key-globex", "globex"), fake.WithAPIKey("dm", fake.DMAdmin))
			acme, globex := *c, *c
			acme.Auth, globex.Auth = "Token key-acme", "Token key-globex"
			c.Auth = "Token dm"
			var rep struct {
				Families []longtail.FamilyReport `json:"families"`
			}
			if err := json.Unmarshal(c.Must(t, 200, "GET", "/_fake/resources", nil).Raw, &rep); err != nil {
				t.Fatal(err)
			}
			counts := map[string]int{}
			var skipped []string
			for _, f := range rep.Families {
				counts["families"]++
				if !f.Stateful {
					counts["undecided"]++
					continue
				}
				if f.Operations["create"] == "" {
					counts["no create"]++
					continue
				}
				r := &resourceRun{t: t, f: f, acme: &acme, globex: &globex, counts: counts}
				if why := r.run(); why != "" {
					skipped = append(skipped, f.Collection+": "+why)
				}
			}
			sort.Strings(skipped)
			t.Logf("families %d: %v", len(rep.Families), counts)
			for _, s := range skipped {
				t.Logf("not driven: %s", s)
			}
			if counts["driven"] < 40 {
				t.Fatalf("drove %d families through their whole life; the document has more", counts["driven"])
			}
		})
	}
}

// resourceRun is one family's life, as acme's key lives it, watched by
// globex's.
type resourceRun struct {
	t            *testing.T
	f            longtail.FamilyReport
	acme, globex *faketest.Client
	counts       map[string]int
	// params are the create's path parameters; query its query; obj the
	// created item.
	params map[string]string
	query  url.Values
	obj    map[string]any
}

// run drives the family and says why it could not (a create the
// document's own example request cannot make), or "".
func (r *resourceRun) run() string {
	t, f := r.t, r.f
	t.Helper()
	op := r.operation("create")
	req := synth.RequestFor(op.Item, op.Op, synth.Options{Seed: synth.Key(f.Collection), Tenant: "acme"})
	r.params, r.query = req.Path, req.Query
	body, _ := req.Body.(map[string]any)
	for _, n := range []string{"platform_key", "platform_org", "org", "key"} {
		if _, ok := body[n]; ok {
			body[n] = "acme"
		}
	}
	if body == nil && op.Op.RequestBody != nil {
		body = map[string]any{}
	}
	created := r.acme.Do(t, "POST", r.path(f.Collection, "")+r.q("create"), jsonOrNil(body))
	if created.Status/100 != 2 {
		r.counts["create refused"]++
		return fmt.Sprintf("create %d %.200s", created.Status, created.Raw)
	}
	obj, ok := created.Body.(map[string]any)
	if !ok {
		return fmt.Sprintf("create answered no object: %.100s", created.Raw)
	}
	r.obj = obj
	id := idText(obj[f.IDField])
	if id == "" {
		t.Errorf("%s: the create answered no %s: %.300s", f.Collection, f.IDField, created.Raw)
		return "no id"
	}
	item := r.path(f.Item, id)
	// The detail describes what was made, the fields sent included.
	if f.Operations["retrieve"] != "" {
		got := r.acme.Must(t, 200, "GET", item+r.q("retrieve"), nil).Obj(t)
		if idText(got[f.IDField]) != id {
			t.Errorf("%s: the detail of %s answers %s %v", f.Collection, id, f.IDField, got[f.IDField])
		}
		for k, v := range body {
			if w, ok := got[k]; ok && scalar(v) && scalar(w) && fmt.Sprint(w) != fmt.Sprint(v) && answeredAsSent(t, r.operation("retrieve"), k) {
				t.Errorf("%s: the detail's %s is %v, the create sent %v", f.Collection, k, w, v)
			}
		}
		r.counts["detail"]++
	}
	// The list holds it, as the document's paging, search and filters
	// find it, and another tenant's and another parent's do not.
	if f.Operations["list"] != "" && f.Envelope != "" {
		if !r.listed(r.acme, r.path(f.Collection, ""), id, nil) {
			t.Errorf("%s: the list does not hold %s", f.Collection, id)
		}
		if f.Search {
			if w := searchWord(obj); w != "" && !r.listed(r.acme, r.path(f.Collection, ""), id, url.Values{"search": {w}}) {
				t.Errorf("%s: search=%s does not find %s", f.Collection, w, id)
			}
			if r.listed(r.acme, r.path(f.Collection, ""), id, url.Values{"search": {"zzqx-nothing-matches"}}) {
				t.Errorf("%s: a search matching nothing found %s", f.Collection, id)
			}
			r.counts["search"]++
		}
		for _, param := range sortedKeys(f.Filters) {
			field := f.Filters[param]
			v := obj[field]
			other, ok := otherValue(v)
			if !ok || param == "platform_key" || param == "org" || param == "key" || param == "platform_org" || !r.filterTakes(param, v) {
				continue
			}
			if !r.listed(r.acme, r.path(f.Collection, ""), id, url.Values{param: {idText(v)}}) {
				t.Errorf("%s: %s=%v does not find %s", f.Collection, param, v, id)
			}
			if r.listed(r.acme, r.path(f.Collection, ""), id, url.Values{param: {other}}) {
				t.Errorf("%s: %s=%v found %s", f.Collection, param, other, id)
			}
			r.counts["filter"]++
			break
		}
		if f.Ordering {
			if !r.listed(r.acme, r.path(f.Collection, ""), id, url.Values{"ordering": {"-" + f.IDField}}) {
				t.Errorf("%s: ordering=-%s lost %s", f.Collection, f.IDField, id)
			}
			r.counts["ordering"]++
		}
		if r.listed(r.globex, r.other(f.Collection, "", "globex"), id, nil) {
			t.Errorf("%s: globex's list holds acme's %s", f.Collection, id)
		}
		if p, ok := r.otherParent(f.Collection); ok && r.listed(r.acme, p, id, nil) {
			t.Errorf("%s: another parent's list (%s) holds %s", f.Collection, p, id)
		}
	}
	if f.Operations["retrieve"] != "" {
		if g := r.globex.Do(t, "GET", r.other(f.Item, id, "globex")+r.qFor("retrieve", "globex"), nil); g.Status == 200 {
			t.Errorf("%s: globex reads acme's %s: %.200s", f.Collection, id, g.Raw)
		}
	}
	// An update is seen by the detail.
	if field, v := updatable(t, r, obj); field != "" {
		method := "PATCH"
		if f.Operations["partial_update"] == "" {
			method = "PUT"
		}
		if method == "PATCH" || f.Operations["update"] != "" {
			upd := map[string]any{field: v}
			if method == "PUT" {
				upd = body
				upd[field] = v
			}
			changed := r.acme.Do(t, method, item+r.q(map[string]string{"PATCH": "partial_update", "PUT": "update"}[method]), upd)
			if changed.Status/100 != 2 {
				t.Errorf("%s: %s %s=%v: %d %.300s", f.Collection, method, field, v, changed.Status, changed.Raw)
			} else if f.Operations["retrieve"] != "" {
				if got := r.acme.Must(t, 200, "GET", item+r.q("retrieve"), nil).Obj(t); fmt.Sprint(got[field]) != fmt.Sprint(v) {
					t.Errorf("%s: after %s the detail's %s is %v, want %v", f.Collection, method, field, got[field], v)
				}
				r.counts["update"]++
			}
		}
	}
	// A delete: the detail is DRF's 404 and the list holds it no more.
	if f.Operations["destroy"] != "" {
		if d := r.acme.Do(t, "DELETE", item+r.q("destroy"), nil); d.Status/100 != 2 {
			t.Errorf("%s: delete %s: %d %.200s", f.Collection, id, d.Status, d.Raw)
		}
		if f.Operations["retrieve"] != "" {
			r.acme.Must(t, 404, "GET", item+r.q("retrieve"), nil)
		}
		if f.Operations["list"] != "" && r.listed(r.acme, r.path(f.Collection, ""), id, nil) {
			t.Errorf("%s: the list still holds the deleted %s", f.Collection, id)
		}
		r.acme.Must(t, 404, "DELETE", item+r.q("destroy"), nil)
		r.counts["delete"]++
	}
	r.counts["driven"]++
	return ""
}

// operation compiles the family's operation of verb.
func (r *resourceRun) operation(verb string) *spec.LongTailOp {
	r.t.Helper()
	id := r.f.Operations[verb]
	tpl, method := r.f.Collection, map[string]string{"list": "GET", "create": "POST", "retrieve": "GET", "update": "PUT", "partial_update": "PATCH", "destroy": "DELETE"}[verb]
	if verb != "list" && verb != "create" {
		tpl = r.f.Item
	}
	op, err := spec.LongTailOperation(method, tpl)
	if err != nil || op.Op.OperationID != id {
		r.t.Fatalf("%s %s: %v (%s)", method, tpl, err, id)
	}
	return op
}

// path fills a template with the create's parameters (and the item's id).
func (r *resourceRun) path(tpl, id string) string {
	return r.fill(tpl, id, r.params)
}

// other is path as another tenant addresses it: its org in the path where
// the path has one.
func (r *resourceRun) other(tpl, id, tenant string) string {
	ps := map[string]string{}
	for k, v := range r.params {
		ps[k] = v
		if k == "org" || k == "platform_key" || k == "key" {
			ps[k] = tenant
		}
	}
	return r.fill(tpl, id, ps)
}

// otherParent is the collection under another value of its first
// parameter that names no tenant (another user's things).
func (r *resourceRun) otherParent(tpl string) (string, bool) {
	for k, v := range r.params {
		if k == "org" || k == "platform_key" || k == "key" || !strings.Contains(tpl, "{"+k+"}") {
			continue
		}
		ps := map[string]string{}
		for k2, v2 := range r.params {
			ps[k2] = v2
		}
		ps[k] = v + "2"
		if _, err := fmt.Sscan(v, new(int)); err == nil {
			ps[k] = "9" + v
		}
		return r.fill(tpl, "", ps), true
	}
	return "", false
}

func (r *resourceRun) fill(tpl, id string, ps map[string]string) string {
	out := tpl
	for k, v := range ps {
		out = strings.ReplaceAll(out, "{"+k+"}", url.PathEscape(v))
	}
	if id != "" {
		i := strings.LastIndex(out, "{")
		j := strings.Index(out[i:], "}")
		out = out[:i] + url.PathEscape(id) + out[i+j+1:]
	}
	return out
}

// q is the query an item operation requires (what names the tenant where
// the path does not, as acme names it).
func (r *resourceRun) q(verb string) string { return r.qFor(verb, "acme") }

func (r *resourceRun) qFor(verb, tenant string) string {
	q := r.required(verb, tenant)
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// required is the query parameters verb's operation requires, as the
// document's example request gives them, the tenant's named as tenant and
// the created item's values where the item has them.
func (r *resourceRun) required(verb, tenant string) url.Values {
	q := url.Values{}
	if r.f.Operations[verb] == "" {
		return q
	}
	op := r.operation(verb)
	req := synth.RequestFor(op.Item, op.Op, synth.Options{Seed: synth.Key(r.f.Collection, verb), Tenant: tenant})
	for _, p := range append(op.Item.Parameters, op.Op.Parameters...) {
		v := p.Value
		if v == nil || v.In != "query" || !v.Required {
			continue
		}
		switch {
		case v.Name == "platform_key" || v.Name == "org" || v.Name == "key" || v.Name == "platform_org":
			q.Set(v.Name, tenant)
		case r.obj != nil && scalar(r.obj[v.Name]) && r.obj[v.Name] != nil:
			q.Set(v.Name, idText(r.obj[v.Name]))
		default:
			q[v.Name] = req.Query[v.Name]
		}
	}
	return q
}

// listed reports whether a list of collection path (all of it: the page
// sizes at their largest) holds id.
func (r *resourceRun) listed(c *faketest.Client, path, id string, extra url.Values) bool {
	t := r.t
	t.Helper()
	tenant := "acme"
	if c == r.globex {
		tenant = "globex"
	}
	q := r.required("list", tenant)
	switch r.f.Paging {
	case "page":
		q.Set("page_size", "1000")
	case "offset":
		q.Set("limit", "1000")
	}
	for k, vs := range extra {
		q[k] = vs
	}
	resp := c.Do(t, "GET", path+"?"+q.Encode(), nil)
	if resp.Status != 200 {
		t.Errorf("%s: list %s?%s: %d %.200s", r.f.Collection, path, q.Encode(), resp.Status, resp.Raw)
		return false
	}
	var items []any
	switch b := resp.Body.(type) {
	case []any:
		items = b
	case map[string]any:
		items, _ = b[r.f.Envelope].([]any)
	}
	for _, it := range items {
		m, _ := it.(map[string]any)
		for _, k := range []string{r.f.IDField, "id", "pk", "uuid"} {
			if v, ok := m[k]; ok {
				if idText(v) == id {
					return true
				}
				break // the first id field the item has names it
			}
		}
	}
	return false
}

// updatable is a string field the update may set (writable in the update's
// request, answered by the detail), and a new value for it.
func updatable(t *testing.T, r *resourceRun, obj map[string]any) (string, string) {
	t.Helper()
	verb := "partial_update"
	if r.f.Operations[verb] == "" {
		verb = "update"
	}
	if r.f.Operations[verb] == "" || r.f.Operations["retrieve"] == "" {
		return "", ""
	}
	op := r.operation(verb)
	if op.Op.RequestBody == nil || op.Op.RequestBody.Value == nil {
		return "", ""
	}
	mt := op.Op.RequestBody.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return "", ""
	}
	names := make([]string, 0)
	for n := range mt.Schema.Value.Properties {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p := mt.Schema.Value.Properties[n].Value
		if n == r.f.IDField || p.ReadOnly || !p.Type.Is("string") || p.Format != "" || len(p.Enum) > 0 || p.Pattern != "" || p.MaxLength != nil && *p.MaxLength < 20 {
			continue
		}
		if _, answered := obj[n]; answered && answeredAsSent(t, r.operation("retrieve"), n) {
			return n, "changed " + n
		}
	}
	return "", ""
}

// answeredAsSent reports whether the operation's answer declares field as
// a plain value (not read-only, where the server sets it).
func answeredAsSent(t *testing.T, op *spec.LongTailOp, field string) bool {
	t.Helper()
	for code, ref := range op.Op.Responses.Map() {
		if code[0] != '2' || ref.Value == nil {
			continue
		}
		if mt := ref.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil && mt.Schema.Value != nil {
			p := synth.Properties(mt.Schema.Value)[field]
			return p != nil && p.Value != nil && !p.Value.ReadOnly
		}
	}
	return false
}

func scalar(v any) bool {
	switch v.(type) {
	case string, float64, bool, nil:
		return true
	}
	return false
}

// searchWord is a word of one of obj's longer text fields.
func searchWord(obj map[string]any) string {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if s, ok := obj[k].(string); ok {
			for _, w := range strings.Fields(s) {
				if len(w) >= 5 && !strings.ContainsAny(w, ",") {
					return w
				}
			}
		}
	}
	return ""
}

func idText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return fmt.Sprint(int64(x))
	case bool:
		return fmt.Sprint(x)
	}
	return ""
}

// otherValue is a value of v's type that is not v, as a filter's query
// names it.
func otherValue(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x + "-other", x != ""
	case float64:
		return fmt.Sprint(int64(x) + 1000), true
	case bool:
		return fmt.Sprint(!x), true
	}
	return "", false
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func jsonOrNil(body map[string]any) any {
	if body == nil {
		return nil
	}
	return body
}

// filterTakes reports whether the list's query parameter param takes v
// and another value of its type (a plain parameter of v's type, no
// choices).
func (r *resourceRun) filterTakes(param string, v any) bool {
	op := r.operation("list")
	for _, p := range op.Op.Parameters {
		if p.Value == nil || p.Value.Name != param || p.Value.Schema == nil || p.Value.Schema.Value == nil {
			continue
		}
		s := p.Value.Schema.Value
		if len(s.Enum) > 0 {
			return false
		}
		switch v.(type) {
		case string:
			return s.Type.Is("string") && s.Format == ""
		case float64:
			return s.Type.Is("integer") || s.Type.Is("number")
		case bool:
			return s.Type.Is("boolean")
		}
	}
	return false
}

// TestACourseListingListsTheTenantsCourses: the catalog's course list,
// which no family keeps, lists the courses the tenant's credentials,
// licenses and invitations name, searched by its parameters; another
// tenant's is empty.
func TestACourseListingListsTheTenantsCourses(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	issuer := c.CreateIssuer(t, "acme", "Acme")
	c.CreateCredential(t, "acme", issuer, "Data", map[string]any{"courses": []string{"course-v1:acme+DS101+2026"}})
	c.Must(t, 200, "POST", "/api/catalog/invitations/course/", map[string]any{"platform_key": "acme", "course_id": "course-v1:acme+ML202+2026", "email": "ada@acme.test"})
	list := c.Must(t, 200, "GET", "/api/catalog/courses/?org=acme", nil).Arr(t)
	var got []string
	for _, it := range list {
		got = append(got, fmt.Sprint(it.(map[string]any)["course_id"]))
	}
	sort.Strings(got)
	if want := []string{"course-v1:acme+DS101+2026", "course-v1:acme+ML202+2026"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("acme's courses: %v, want %v", got, want)
	}
	if other := c.Must(t, 200, "GET", "/api/catalog/courses/?org=globex", nil).Arr(t); len(other) != 0 {
		t.Errorf("globex's courses: %v", other)
	}
}

// TestAScenarioReadsALongTailItem: a scenario rule's `when` reads the
// long-tail item the request addresses, as it reads a credential: a rule
// on an inferred resource's retrieve answers for an inactive disclaimer
// and lets an active one through, and its template sees the item's fields.
func TestAScenarioReadsALongTailItem(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithAdminToken("T0K"))
	coll := "/api/ai-mentor/orgs/acme/users/ada/disclaimers/"
	on := c.Must(t, 201, "POST", coll, map[string]any{"content": "Be kind", "scope": "platform", "active": true}).Obj(t)
	off := c.Must(t, 201, "POST", coll, map[string]any{"content": "Old terms", "scope": "platform", "active": false}).Obj(t)
	sc := "name: retired\nrules:\n  - match: {operation: ai_mentor_orgs_users_disclaimers_retrieve, when: {active: false}}\n" +
		"    respond: {status: 410, body: {detail: \"retired: {{entity.content}}\"}}\n"
	c.Must(t, 200, "POST", "/_fake/scenarios", faketest.RawBody{ContentType: "application/yaml", Data: sc}, "Authorization", "Bearer T0K")
	r := c.Do(t, "GET", fmt.Sprintf("%s%v/", coll, off["id"]), nil, fake.ScenarioHeader, "retired")
	if r.Status != 410 || !strings.Contains(string(r.Raw), "retired: Old terms") {
		t.Errorf("inactive disclaimer: %d %s, want the rule's 410 naming it", r.Status, r.Raw)
	}
	c.Must(t, 200, "GET", fmt.Sprintf("%s%v/", coll, on["id"]), nil, fake.ScenarioHeader, "retired")
	c.Must(t, 404, "GET", coll+"999999/", nil, fake.ScenarioHeader, "retired")
}
