package fake_test

import (
	"fmt"
	"testing"
)

func TestIssuerLifecycle(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	r := c.must(t, 200, "POST", base("acme")+"issuers/", map[string]any{
		"name": "Acme University", "url": "https://acme.example", "allowed_template_tags": []string{"name", "date"},
	})
	jsonEq(t, r.obj(t)["status"], `{"success": true, "description": "Created"}`)
	created := r.result(t)
	id := str(t, created, "entityId")
	equal(t, "len(entityId)", len(id), 22)
	delete(created, "entityId")
	jsonEq(t, created, `{"name": "Acme University", "org": "acme", "signatories": [], "url": "https://acme.example",
		"iconImage": null, "allowed_template_tags": ["name", "date"]}`)

	t.Run("Get", func(t *testing.T) {
		got := c.must(t, 200, "GET", base("acme")+"issuers/"+id, nil).arr(t)
		equal(t, "len", len(got), 1)
		equal(t, "name", got[0].(map[string]any)["name"], any("Acme University"))
	})
	t.Run("Update", func(t *testing.T) {
		got := c.must(t, 200, "PUT", base("acme")+"issuers/"+id, map[string]any{"name": "Acme U", "iconImage": "https://acme.example/i.png"}).arr(t)
		is := got[0].(map[string]any)
		equal(t, "name", is["name"], any("Acme U"))
		equal(t, "iconImage", is["iconImage"], any("https://acme.example/i.png"))
		equal(t, "url (kept)", is["url"], any("https://acme.example"))
		again := c.must(t, 200, "GET", base("acme")+"issuers/"+id, nil).arr(t)
		equal(t, "name after GET", again[0].(map[string]any)["name"], any("Acme U"))
	})
	t.Run("Delete", func(t *testing.T) {
		r := c.must(t, 200, "DELETE", base("acme")+"issuers/"+id, nil)
		jsonEq(t, r.Body, `{"status": {"success": true, "description": "Deleted"}}`)
		r = c.must(t, 404, "GET", base("acme")+"issuers/"+id, nil)
		jsonEq(t, r.Body, `{"detail": "Not found."}`)
		c.must(t, 404, "DELETE", base("acme")+"issuers/"+id, nil)
		c.must(t, 404, "PUT", base("acme")+"issuers/"+id, map[string]any{"name": "x"})
	})
}

func TestIssuerCreateValidation(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	for _, tc := range []struct {
		name string
		body any
		want string
	}{
		{"Empty", map[string]any{}, `{"name": ["This field is required."]}`},
		{"NoBody", nil, `{"name": ["This field is required."]}`},
		{"Blank", map[string]any{"name": ""}, `{"name": ["This field may not be blank."]}`},
		{"NotString", map[string]any{"name": 12}, `{"name": ["Not a valid string."]}`},
		{"TooLong", map[string]any{"name": fmt.Sprintf("%0256d", 0)}, `{"name": ["Ensure this field has no more than 255 characters."]}`},
		{"TagsNotList", map[string]any{"name": "U", "allowed_template_tags": "x"}, `{"allowed_template_tags": ["Expected a list of items but got type \"str\"."]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.must(t, 400, "POST", base("acme")+"issuers/", tc.body)
			jsonEq(t, r.Body, tc.want)
		})
	}
	r := c.must(t, 200, "GET", base("acme")+"issuers/", nil)
	equal(t, "count after failed creates", r.result(t)["count"], any(0.0))
}

func TestIssuerDetailByOrgKey(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	a := c.createIssuer(t, "acme", "A")
	b := c.createIssuer(t, "acme", "B")
	c.createIssuer(t, "other", "C")
	got := c.must(t, 200, "GET", base("acme")+"issuers/acme", nil).arr(t)
	var ids []string
	for _, is := range got {
		ids = append(ids, is.(map[string]any)["entityId"].(string))
	}
	equal(t, "issuers of acme", ids, []string{a, b})
	c.must(t, 404, "GET", base("acme")+"issuers/nobody", nil)
}

func TestIssuerOtherOrg(t *testing.T) {
	t.Parallel()
	c := newClient(t, withKeys()...)
	c.auth = "Api-Token key-other"
	id := c.createIssuer(t, "other", "Other U")
	c.auth = "Api-Token key-acme"
	// Another org's issuer, by id or by org key, does not exist for acme's key.
	for _, path := range []string{base("acme") + "issuers/" + id, base("acme") + "issuers/other"} {
		r := c.must(t, 404, "GET", path, nil)
		jsonEq(t, r.Body, `{"detail": "Not found."}`)
	}
	c.must(t, 404, "DELETE", base("acme")+"issuers/"+id, nil)
	// A key allowed for both orgs reads the other org's issuers by org key.
	c.auth = "Api-Token key-both"
	got := c.must(t, 200, "GET", base("acme")+"issuers/other", nil).arr(t)
	equal(t, "len", len(got), 1)
}

func TestIssuerDeleteWithCredentials(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	is := c.createIssuer(t, "acme", "U")
	cred := c.createCredential(t, "acme", is, "Badge", nil)
	r := c.must(t, 409, "DELETE", base("acme")+"issuers/"+is, nil)
	jsonEq(t, r.Body, `{"detail": "Cannot delete an issuer that still has credentials."}`)
	c.must(t, 200, "DELETE", base("acme")+cred, nil)
	c.must(t, 200, "DELETE", base("acme")+"issuers/"+is, nil)
}

func TestIssuerList(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	for i := range 55 {
		name := fmt.Sprintf("College %02d", i)
		if i%10 == 0 {
			name = fmt.Sprintf("Academy %02d", i)
		}
		c.createIssuer(t, "acme", name)
	}
	c.createIssuer(t, "other", "Academy elsewhere")

	t.Run("DefaultPage", func(t *testing.T) {
		env := c.must(t, 200, "GET", base("acme")+"issuers/", nil).result(t)
		equal(t, "count", env["count"], any(55.0))
		equal(t, "num_pages", env["num_pages"], any(2.0))
		equal(t, "max_page_size", env["max_page_size"], any(1000.0))
		equal(t, "len(data)", len(page(t, env)), 50)
		equal(t, "next", env["next"], any(c.srv.URL+base("acme")+"issuers/?page=2"))
		equal(t, "previous", env["previous"], nil)
		// Issuers list oldest first.
		equal(t, "first", page(t, env)[0]["name"], any("Academy 00"))
	})
	t.Run("LastPage", func(t *testing.T) {
		env := c.must(t, 200, "GET", base("acme")+"issuers/?page=2", nil).result(t)
		equal(t, "len(data)", len(page(t, env)), 5)
		equal(t, "next", env["next"], nil)
		equal(t, "previous", env["previous"], any(c.srv.URL+base("acme")+"issuers/"))
	})
	t.Run("PageSizeClamped", func(t *testing.T) {
		env := c.must(t, 200, "GET", base("acme")+"issuers/?page_size=5000", nil).result(t)
		equal(t, "len(data)", len(page(t, env)), 55)
		equal(t, "num_pages", env["num_pages"], any(1.0))
	})
	t.Run("PastEnd", func(t *testing.T) {
		r := c.must(t, 404, "GET", base("acme")+"issuers/?page=3", nil)
		jsonEq(t, r.Body, `{"detail": "Invalid page."}`)
	})
	t.Run("Query", func(t *testing.T) {
		env := c.must(t, 200, "GET", base("acme")+"issuers/?q=academy", nil).result(t)
		equal(t, "names", field(page(t, env), "name"),
			[]string{"Academy 00", "Academy 10", "Academy 20", "Academy 30", "Academy 40", "Academy 50"})
	})
	t.Run("EmptyOrg", func(t *testing.T) {
		env := c.must(t, 200, "GET", base("empty")+"issuers/", nil).result(t)
		jsonEq(t, env, `{"next": null, "previous": null, "count": 0, "num_pages": 1, "page_number": 1,
			"max_page_size": 1000, "data": []}`)
	})
}

func TestAuthority(t *testing.T) {
	t.Parallel()
	c := newClient(t, withKeys()...)
	c.auth = "Api-Token key-acme"
	is1 := c.createIssuer(t, "acme", "One")
	is2 := c.createIssuer(t, "acme", "Two")
	cred := c.createCredential(t, "acme", is1, "Badge", nil)
	post := func(t *testing.T, want int, body map[string]any) response {
		t.Helper()
		return c.must(t, want, "POST", base("acme")+"issuers/authority/", body)
	}
	signer := func(name string) map[string]any {
		return map[string]any{"name": name, "title": "Dean", "signature": "https://acme.example/" + name + ".png"}
	}
	with := func(m map[string]any, k, v string) map[string]any { m[k] = v; return m }
	signatories := func(t *testing.T, path string, wrapped bool) []string {
		t.Helper()
		r := c.must(t, 200, "GET", path, nil)
		var obj map[string]any
		if wrapped {
			obj = r.result(t)
		} else {
			obj = r.arr(t)[0].(map[string]any)
		}
		var names []string
		for _, s := range obj["signatories"].([]any) {
			names = append(names, s.(map[string]any)["name"].(string))
		}
		return names
	}

	r := post(t, 200, with(signer("ada"), "entityId", is1))
	jsonEq(t, r.Body, `{"data": {"name": "ada", "title": "Dean", "signature": "https://acme.example/ada.png"}}`)
	post(t, 200, with(signer("bob"), "credential", cred))
	post(t, 200, signer("cy")) // no target: the URL's org
	post(t, 200, with(signer("dee"), "org", "acme"))

	equal(t, "issuer one", signatories(t, base("acme")+"issuers/"+is1, false), []string{"ada", "cy", "dee"})
	equal(t, "issuer two", signatories(t, base("acme")+"issuers/"+is2, false), []string{"cy", "dee"})
	equal(t, "credential", signatories(t, base("acme")+cred, true), []string{"bob"})

	for _, tc := range []struct {
		name string
		want int
		body map[string]any
		resp string
	}{
		{"Missing", 400, map[string]any{}, `{"name": ["This field is required."], "title": ["This field is required."], "signature": ["This field is required."]}`},
		{"UnknownIssuer", 400, with(signer("x"), "entityId", "nope"), `{"entityId": ["Object with entityId=nope does not exist."]}`},
		{"UnknownCredential", 400, with(signer("x"), "credential", "nope"), `{"credential": ["Object with entityId=nope does not exist."]}`},
		{"OtherOrg", 403, with(signer("x"), "org", "other"), `{"detail": "You do not have permission to perform this action."}`},
	} {
		t.Run(tc.name, func(t *testing.T) { jsonEq(t, post(t, tc.want, tc.body).Body, tc.resp) })
	}
}
