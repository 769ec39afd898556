package credentials_test

import (
	"fmt"
	"testing"

	"github.com/iblfake/iblfake/internal/faketest"
)

func TestIssuerLifecycle(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	r := c.Must(t, 200, "POST", faketest.Base("acme")+"issuers/", map[string]any{
		"name": "Acme University", "url": "https://acme.example", "allowed_template_tags": []string{"name", "date"},
	})
	faketest.JSONEq(t, r.Obj(t)["status"], `{"success": true, "description": "Created"}`)
	created := r.Result(t)
	id := faketest.Str(t, created, "entityId")
	faketest.Equal(t, "len(entityId)", len(id), 22)
	delete(created, "entityId")
	faketest.JSONEq(t, created, `{"name": "Acme University", "org": "acme", "signatories": [], "url": "https://acme.example",
		"iconImage": null, "allowed_template_tags": ["name", "date"]}`)

	t.Run("Get", func(t *testing.T) {
		got := c.Must(t, 200, "GET", faketest.Base("acme")+"issuers/"+id, nil).Arr(t)
		faketest.Equal(t, "len", len(got), 1)
		faketest.Equal(t, "name", got[0].(map[string]any)["name"], any("Acme University"))
	})
	t.Run("Update", func(t *testing.T) {
		got := c.Must(t, 200, "PUT", faketest.Base("acme")+"issuers/"+id, map[string]any{"name": "Acme U", "iconImage": "https://acme.example/i.png"}).Arr(t)
		is := got[0].(map[string]any)
		faketest.Equal(t, "name", is["name"], any("Acme U"))
		faketest.Equal(t, "iconImage", is["iconImage"], any("https://acme.example/i.png"))
		faketest.Equal(t, "url (kept)", is["url"], any("https://acme.example"))
		again := c.Must(t, 200, "GET", faketest.Base("acme")+"issuers/"+id, nil).Arr(t)
		faketest.Equal(t, "name after GET", again[0].(map[string]any)["name"], any("Acme U"))
	})
	t.Run("Delete", func(t *testing.T) {
		r := c.Must(t, 200, "DELETE", faketest.Base("acme")+"issuers/"+id, nil)
		faketest.JSONEq(t, r.Body, `{"status": {"success": true, "description": "Deleted"}}`)
		r = c.Must(t, 404, "GET", faketest.Base("acme")+"issuers/"+id, nil)
		faketest.JSONEq(t, r.Body, `{"detail": "Not found."}`)
		c.Must(t, 404, "DELETE", faketest.Base("acme")+"issuers/"+id, nil)
		c.Must(t, 404, "PUT", faketest.Base("acme")+"issuers/"+id, map[string]any{"name": "x"})
	})
}

func TestIssuerCreateValidation(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
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
			r := c.Must(t, 400, "POST", faketest.Base("acme")+"issuers/", tc.body)
			faketest.JSONEq(t, r.Body, tc.want)
		})
	}
	r := c.Must(t, 200, "GET", faketest.Base("acme")+"issuers/", nil)
	faketest.Equal(t, "count after failed creates", r.Result(t)["count"], any(0.0))
}

func TestIssuerDetailByOrgKey(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	a := c.CreateIssuer(t, "acme", "A")
	b := c.CreateIssuer(t, "acme", "B")
	c.CreateIssuer(t, "other", "C")
	got := c.Must(t, 200, "GET", faketest.Base("acme")+"issuers/acme", nil).Arr(t)
	var ids []string
	for _, is := range got {
		ids = append(ids, is.(map[string]any)["entityId"].(string))
	}
	faketest.Equal(t, "issuers of acme", ids, []string{a, b})
	c.Must(t, 404, "GET", faketest.Base("acme")+"issuers/nobody", nil)
}

func TestIssuerOtherOrg(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, faketest.WithKeys()...)
	c.Auth = "Api-Token key-other"
	id := c.CreateIssuer(t, "other", "Other U")
	c.Auth = "Api-Token key-acme"
	// Another org's issuer, by id or by org key, does not exist for acme's key.
	for _, path := range []string{faketest.Base("acme") + "issuers/" + id, faketest.Base("acme") + "issuers/other"} {
		r := c.Must(t, 404, "GET", path, nil)
		faketest.JSONEq(t, r.Body, `{"detail": "Not found."}`)
	}
	c.Must(t, 404, "DELETE", faketest.Base("acme")+"issuers/"+id, nil)
	// A key allowed for both orgs reads the other org's issuers by org key.
	c.Auth = "Api-Token key-both"
	got := c.Must(t, 200, "GET", faketest.Base("acme")+"issuers/other", nil).Arr(t)
	faketest.Equal(t, "len", len(got), 1)
}

func TestIssuerDeleteWithCredentials(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	is := c.CreateIssuer(t, "acme", "U")
	cred := c.CreateCredential(t, "acme", is, "Badge", nil)
	r := c.Must(t, 409, "DELETE", faketest.Base("acme")+"issuers/"+is, nil)
	faketest.JSONEq(t, r.Body, `{"detail": "Cannot delete an issuer that still has credentials."}`)
	c.Must(t, 200, "DELETE", faketest.Base("acme")+cred, nil)
	c.Must(t, 200, "DELETE", faketest.Base("acme")+"issuers/"+is, nil)
}

func TestIssuerList(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	for i := range 55 {
		name := fmt.Sprintf("College %02d", i)
		if i%10 == 0 {
			name = fmt.Sprintf("Academy %02d", i)
		}
		c.CreateIssuer(t, "acme", name)
	}
	c.CreateIssuer(t, "other", "Academy elsewhere")

	t.Run("DefaultPage", func(t *testing.T) {
		env := c.Must(t, 200, "GET", faketest.Base("acme")+"issuers/", nil).Result(t)
		faketest.Equal(t, "count", env["count"], any(55.0))
		faketest.Equal(t, "num_pages", env["num_pages"], any(2.0))
		faketest.Equal(t, "max_page_size", env["max_page_size"], any(1000.0))
		faketest.Equal(t, "len(data)", len(faketest.Page(t, env)), 50)
		faketest.Equal(t, "next", env["next"], any(c.Srv.URL+faketest.Base("acme")+"issuers/?page=2"))
		faketest.Equal(t, "previous", env["previous"], nil)
		// Issuers list oldest first.
		faketest.Equal(t, "first", faketest.Page(t, env)[0]["name"], any("Academy 00"))
	})
	t.Run("LastPage", func(t *testing.T) {
		env := c.Must(t, 200, "GET", faketest.Base("acme")+"issuers/?page=2", nil).Result(t)
		faketest.Equal(t, "len(data)", len(faketest.Page(t, env)), 5)
		faketest.Equal(t, "next", env["next"], nil)
		faketest.Equal(t, "previous", env["previous"], any(c.Srv.URL+faketest.Base("acme")+"issuers/"))
	})
	t.Run("PageSizeClamped", func(t *testing.T) {
		env := c.Must(t, 200, "GET", faketest.Base("acme")+"issuers/?page_size=5000", nil).Result(t)
		faketest.Equal(t, "len(data)", len(faketest.Page(t, env)), 55)
		faketest.Equal(t, "num_pages", env["num_pages"], any(1.0))
	})
	t.Run("PastEnd", func(t *testing.T) {
		r := c.Must(t, 404, "GET", faketest.Base("acme")+"issuers/?page=3", nil)
		faketest.JSONEq(t, r.Body, `{"detail": "Invalid page."}`)
	})
	t.Run("Query", func(t *testing.T) {
		env := c.Must(t, 200, "GET", faketest.Base("acme")+"issuers/?q=academy", nil).Result(t)
		faketest.Equal(t, "names", faketest.Field(faketest.Page(t, env), "name"),
			[]string{"Academy 00", "Academy 10", "Academy 20", "Academy 30", "Academy 40", "Academy 50"})
	})
	t.Run("EmptyOrg", func(t *testing.T) {
		env := c.Must(t, 200, "GET", faketest.Base("empty")+"issuers/", nil).Result(t)
		faketest.JSONEq(t, env, `{"next": null, "previous": null, "count": 0, "num_pages": 1, "page_number": 1,
			"max_page_size": 1000, "data": []}`)
	})
}

func TestAuthority(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, faketest.WithKeys()...)
	c.Auth = "Api-Token key-acme"
	is1 := c.CreateIssuer(t, "acme", "One")
	is2 := c.CreateIssuer(t, "acme", "Two")
	cred := c.CreateCredential(t, "acme", is1, "Badge", nil)
	post := func(t *testing.T, want int, body map[string]any) faketest.Response {
		t.Helper()
		return c.Must(t, want, "POST", faketest.Base("acme")+"issuers/authority/", body)
	}
	signer := func(name string) map[string]any {
		return map[string]any{"name": name, "title": "Dean", "signature": "https://acme.example/" + name + ".png"}
	}
	with := func(m map[string]any, k, v string) map[string]any { m[k] = v; return m }
	signatories := func(t *testing.T, path string, wrapped bool) []string {
		t.Helper()
		r := c.Must(t, 200, "GET", path, nil)
		var obj map[string]any
		if wrapped {
			obj = r.Result(t)
		} else {
			obj = r.Arr(t)[0].(map[string]any)
		}
		var names []string
		for _, s := range obj["signatories"].([]any) {
			names = append(names, s.(map[string]any)["name"].(string))
		}
		return names
	}

	r := post(t, 200, with(signer("ada"), "entityId", is1))
	faketest.JSONEq(t, r.Body, `{"data": {"name": "ada", "title": "Dean", "signature": "https://acme.example/ada.png"}}`)
	post(t, 200, with(signer("bob"), "credential", cred))
	post(t, 200, signer("cy")) // no target: the URL's org
	post(t, 200, with(signer("dee"), "org", "acme"))

	faketest.Equal(t, "issuer one", signatories(t, faketest.Base("acme")+"issuers/"+is1, false), []string{"ada", "cy", "dee"})
	faketest.Equal(t, "issuer two", signatories(t, faketest.Base("acme")+"issuers/"+is2, false), []string{"cy", "dee"})
	faketest.Equal(t, "credential", signatories(t, faketest.Base("acme")+cred, true), []string{"bob"})

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
		t.Run(tc.name, func(t *testing.T) { faketest.JSONEq(t, post(t, tc.want, tc.body).Body, tc.resp) })
	}
}
