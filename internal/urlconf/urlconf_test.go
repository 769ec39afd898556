package urlconf_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/iblfake/iblfake/internal/urlconf"
	"github.com/iblfake/iblfake/spec"
)

func served(t *testing.T) *urlconf.Resolver {
	t.Helper()
	sp, err := spec.LoadRequests()
	if err != nil {
		t.Fatal(err)
	}
	r, err := urlconf.Of(sp)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestEveryOperationResolvesToItself: every operation of the served
// document, modelled and long tail, is what its own template filled with
// values resolves to, with those values as its parameters, by its own
// method (and HEAD for a GET); the alias mount resolves the same.
func TestEveryOperationResolvesToItself(t *testing.T) {
	r := served(t)
	ops := r.Operations()
	if len(ops) < 1180 {
		t.Fatalf("%d operations; the served document has more", len(ops))
	}
	longTail := 0
	for i, op := range ops {
		if op.Index != i {
			t.Fatalf("%s: Index %d, at %d", op.ID, op.Index, i)
		}
		if op.LongTail {
			longTail++
		}
		path, want := fill(op.Template)
		var m urlconf.Match
		if !r.Resolve(path, &m) {
			t.Errorf("%s %s (%s): no view", op.Method, path, op.ID)
			continue
		}
		if m.View.Template != op.Template {
			t.Errorf("%s: resolved to %s, want %s", path, m.View.Template, op.Template)
			continue
		}
		for name, v := range want {
			if got := m.Param(name); got != v {
				t.Errorf("%s: %s = %q, want %q", path, name, got, v)
			}
		}
		if got := m.View.Op(op.Method); got != op {
			t.Errorf("%s %s: %v, want %s", op.Method, path, got, op.ID)
		}
		if op.Method == http.MethodGet && m.View.Op(http.MethodHead) != op {
			t.Errorf("HEAD %s is not served by %s", path, op.ID)
		}
		if !strings.Contains(m.View.Allow, op.Method) {
			t.Errorf("%s: Allow %q lacks %s", op.Template, m.View.Allow, op.Method)
		}
		if r.Operation(op.ID) != op {
			t.Errorf("Operation(%s) is another", op.ID)
		}
		if strings.HasPrefix(path, "/api/catalog/") {
			var alias urlconf.Match
			if !r.Resolve("/api/ibl"+path[len("/api"):], &alias) || alias.View != m.View {
				t.Errorf("the catalog's second mount of %s resolves elsewhere", path)
			}
		}
	}
	if longTail < 1000 || longTail == len(ops) {
		t.Fatalf("%d of %d operations are the long tail's", longTail, len(ops))
	}
}

// fill puts a value in each parameter of a template, none of which is a
// static segment of the document.
func fill(tpl string) (string, map[string]string) {
	want := map[string]string{}
	segs := strings.Split(tpl, "/")
	for i, s := range segs {
		if len(s) > 2 && s[0] == '{' {
			v := fmt.Sprintf("v%d-%s", i, strings.Trim(s, "{}"))
			want[strings.Trim(s, "{}")] = v
			segs[i] = v
		}
	}
	return strings.Join(segs, "/"), want
}

// TestStaticBeforeParameter: where two templates match a path, the one
// with a static segment where the other has a parameter wins, from the
// left (Django tries static patterns first).
func TestStaticBeforeParameter(t *testing.T) {
	r, err := urlconf.New([]urlconf.Operation{
		{ID: "both-params", Method: "GET", Template: "/a/{x}/{y}/"},
		{ID: "second-static", Method: "GET", Template: "/a/{x}/c/"},
		{ID: "first-static", Method: "GET", Template: "/a/b/{y}/"},
		{ID: "static-post", Method: "POST", Template: "/a/b/c/"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ method, path, want string }{
		{"GET", "/a/b/d/", "first-static"},
		{"GET", "/a/z/c/", "second-static"},
		{"GET", "/a/z/z/", "both-params"},
		// Path first, then method: /a/b/c/ is the POST-only view, so a GET
		// is its 405, never a parameter route beside it.
		{"POST", "/a/b/c/", "static-post"},
		{"GET", "/a/b/c/", ""},
	} {
		var m urlconf.Match
		if !r.Resolve(tc.path, &m) {
			t.Fatalf("%s: no view", tc.path)
		}
		got := ""
		if op := m.View.Op(tc.method); op != nil {
			got = op.ID
		}
		if got != tc.want {
			t.Errorf("%s %s: %q, want %q", tc.method, tc.path, got, tc.want)
		}
	}
	var m urlconf.Match
	r.Resolve("/a/b/c/", &m)
	if m.View.Allow != "POST, OPTIONS" {
		t.Errorf("Allow %q", m.View.Allow)
	}
}

// TestResolveRefuses: paths no template matches, an empty segment for a
// parameter, and the slash redirect.
func TestResolveRefuses(t *testing.T) {
	r, err := urlconf.New([]urlconf.Operation{
		{ID: "list", Method: "GET", Template: "/a/{x}/items/"},
		{ID: "item", Method: "GET", Template: "/a/{x}/items/{id}/", Auth: spec.AuthRequired},
		{ID: "noslash", Method: "DELETE", Template: "/a/{x}/tokens/{name}"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var m urlconf.Match
	for _, p := range []string{"/a//items/", "/a/x/items", "/a/x/items/1", "/a/x/items/1/2/", "", "/", "/a/x/tokens/n/"} {
		if r.Resolve(p, &m) {
			t.Errorf("%q resolved to %s", p, m.View.Template)
		}
	}
	for p, want := range map[string]bool{"/a/x/items": true, "/a/x/items/1": true, "/a/x/items/": false, "/a/x/nope": false, "/a/x/tokens/n": false} {
		if got := r.SlashRedirect(p); got != want {
			t.Errorf("SlashRedirect(%q) = %v", p, got)
		}
	}
	if !r.Resolve("/a/x/tokens/n", &m) || m.Param("name") != "n" {
		t.Error("a template without a trailing slash")
	}
	if r.Resolve("/a/x/items/", &m); !m.View.Public {
		t.Error("a view of public operations")
	}
	if r.Resolve("/a/x/items/7/", &m); m.View.Public || m.Param("id") != "7" || m.Param("x") != "x" {
		t.Errorf("item view: public %v, params %v", m.View.Public, m.Values())
	}
	if _, err := urlconf.New([]urlconf.Operation{{ID: "a", Method: "GET", Template: "/x/"}, {ID: "a", Method: "POST", Template: "/x/"}}); err == nil {
		t.Error("an id twice was accepted")
	}
	if _, err := urlconf.New([]urlconf.Operation{{ID: "a", Method: "GET", Template: "/x/"}, {ID: "b", Method: "GET", Template: "/x/"}}); err == nil {
		t.Error("a method twice on one template was accepted")
	}
}

// TestTenantsInTheRulesOrder: the tenants a request names, in order, the
// query's platform_org overriding the path's org, bodies read for POST,
// PUT and PATCH only, values trimmed.
func TestTenantsInTheRulesOrder(t *testing.T) {
	lookup := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	body := func(k string) (any, bool) {
		v, ok := map[string]any{"platform_key": " bodyorg ", "org": 7, "key": ""}[k]
		return v, ok
	}
	for _, tc := range []struct {
		method      string
		path, query map[string]string
		want        string
	}{
		{"GET", map[string]string{"org": "a"}, map[string]string{"platform_key": "q"}, "org=a platform_key=q"},
		{"GET", map[string]string{"org": "a"}, map[string]string{"platform_org": "o"}, "platform_org=o"},
		{"GET", map[string]string{"key": "k"}, nil, "key=k"},
		{"GET", nil, map[string]string{"org": " "}, ""},
		{"PATCH", nil, nil, "platform_key=bodyorg"},
		{"PUT", map[string]string{"platform_key": "p"}, nil, "platform_key=p platform_key=bodyorg"},
		{"DELETE", nil, nil, ""},
	} {
		var got []string
		urlconf.Tenants(tc.method, lookup(tc.path), lookup(tc.query), body, func(f, v string) bool {
			got = append(got, f+"="+v)
			return true
		})
		if g := strings.Join(got, " "); g != tc.want {
			t.Errorf("%s %v %v: %q, want %q", tc.method, tc.path, tc.query, g, tc.want)
		}
	}
}

// TestResolveAllocatesNothing: the resolver is on every request's path.
func TestResolveAllocatesNothing(t *testing.T) {
	r := served(t)
	var m urlconf.Match
	n := testing.AllocsPerRun(100, func() {
		r.Resolve("/api/credentials/orgs/acme/users/admin/issuers/", &m)
		r.Resolve("/api/ai-mentor/orgs/acme/users/alice/mcp-servers/7/", &m)
	})
	if n != 0 {
		t.Errorf("Resolve allocates %.0f times", n)
	}
}

func BenchmarkResolve(b *testing.B) {
	sp, _ := spec.LoadRequests()
	r, _ := urlconf.Of(sp)
	var m urlconf.Match
	for b.Loop() {
		r.Resolve("/api/credentials/orgs/acme/users/admin/issuers/", &m)
	}
}
