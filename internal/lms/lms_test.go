package lms_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/faketest"
	"github.com/iblfake/iblfake/internal/lms"
)

// form is the token exchange's body as the data layer sends it: a
// FormData holding platform_key (multipart).
func form(t *testing.T, platform string) faketest.RawBody {
	return faketest.MultipartBody(t, "", "", nil, "platform_key", platform)
}

// jwt is an unsigned JWT with claims, as an edx_jwt_token is shaped.
func jwt(claims map[string]any) string {
	enc := func(v any) string {
		raw, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(raw)
	}
	return enc(map[string]any{"alg": "none"}) + "." + enc(claims) + ".sig"
}

// seedTenants gives acme and other some state (so the fake knows them) and
// acme's credentials directory its users (ada 7, bob 8, carol 9 the admin).
func seedTenants(t *testing.T, c *faketest.Client) {
	t.Helper()
	was := c.Auth
	c.Auth = "Api-Token key-dm"
	faketest.SeedCredentialGroups(t, c, "acme")
	c.CreateIssuer(t, "other", "Other Academy")
	c.Auth = was
}

// TestTokenExchange: the exchange answers, for a platform the caller may
// touch, a dm_token and an axd_token the data-manager routes accept for
// that platform, with expiries; once keys are bound that is the caller's
// own key, and another platform is a 403, an unknown key a 401.
func TestTokenExchange(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, append(faketest.WithKeys(), fake.WithLMS())...)
	c.Auth = "Bearer key-acme"
	env := c.Must(t, 200, "POST", lms.PathTokens, form(t, "acme")).Obj(t)
	data := env["data"].(map[string]any)
	for _, name := range []string{"dm_token", "axd_token"} {
		tok := data[name].(map[string]any)
		faketest.Equal(t, name, tok["token"], any("key-acme"))
		exp, err := time.Parse(time.RFC3339Nano, tok["expires"].(string))
		if d := time.Until(exp); err != nil || d < 23*time.Hour || d > 25*time.Hour {
			t.Errorf("%s expires %v (%v), want a day ahead", name, tok["expires"], err)
		}
	}
	faketest.Equal(t, "user", data["user"].(map[string]any)["username"], any("admin"))
	// The data manager takes the token for the platform, as the data layer sends it.
	c.Auth = "Token " + data["dm_token"].(map[string]any)["token"].(string)
	c.Must(t, 200, "GET", "/api/catalog/invitations/platform/?platform_key=acme", nil)

	c.Auth = "Bearer key-acme"
	c.Must(t, 403, "POST", lms.PathTokens, form(t, "other"))
	r := c.Must(t, 400, "POST", lms.PathTokens, form(t, ""))
	faketest.JSONEq(t, r.Body, `{"platform_key": ["This field is required."]}`)
	c.Auth = "JWT no-such-key"
	r = c.Must(t, 401, "POST", lms.PathTokens, form(t, "acme"))
	faketest.JSONEq(t, r.Body, `{"detail": "Invalid token."}`)
	c.Auth = ""
	c.Must(t, 401, "POST", lms.PathTokens, form(t, "acme"))
	// A DM admin key may get tokens for any platform; JSON bodies are read too.
	c.Auth = "Bearer key-dm"
	env = c.Must(t, 200, "POST", lms.PathTokens, map[string]any{"platform_key": "other"}).Obj(t)
	faketest.Equal(t, "dm admin", env["data"].(map[string]any)["dm_token"].(map[string]any)["token"], any("key-dm"))
}

// TestTokenExchangeWithoutKeys: while no key is bound any token is
// accepted, and the exchange gives it back (every key works then).
func TestTokenExchangeWithoutKeys(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithLMS())
	token := jwt(map[string]any{"preferred_username": "ada", "user_id": 7, "email": "ada@acme.test"})
	c.Auth = "JWT " + token
	data := c.Must(t, 200, "POST", lms.PathTokens, form(t, "acme")).Obj(t)["data"].(map[string]any)
	faketest.Equal(t, "token", data["dm_token"].(map[string]any)["token"], any(token))
	faketest.JSONEq(t, data["user"], `{"user_id": 7, "username": "ada", "email": "ada@acme.test", "name": ""}`)
}

// TestUserTenants: the user's tenants are every tenant the fake knows
// (with state, and the default tenant) while no key is bound, the key's
// once keys are; each says who the user is there, from the tenant's
// directory where it holds them.
func TestUserTenants(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, append(faketest.WithKeys(), fake.WithLMS())...)
	seedTenants(t, c)
	keys := func(rows []any) string {
		var out []string
		for _, r := range rows {
			out = append(out, r.(map[string]any)["key"].(string))
		}
		return strings.Join(out, ",")
	}
	c.Auth = "Bearer key-dm"
	faketest.Equal(t, "DM admin's tenants", keys(c.Must(t, 200, "GET", lms.PathTenants, nil).Arr(t)), "acme,main,other")
	c.Auth = "Bearer key-acme"
	rows := c.Must(t, 200, "GET", lms.PathTenants, nil).Arr(t)
	faketest.Equal(t, "key-acme's tenants", keys(rows), "acme")
	row := rows[0].(map[string]any)
	for _, f := range []string{"org", "name", "platform_name"} {
		faketest.Equal(t, f, row[f], any("acme"))
	}
	faketest.Equal(t, "lms_url", row["lms_url"], any(c.Srv.URL))
	// A user the directory holds is that user there: carol administers acme, ada does not.
	c.Auth = "JWT " + jwt(map[string]any{"preferred_username": "carol"})
	c.Must(t, 401, "GET", lms.PathTenants, nil) // a JWT is no bound key
	plain := faketest.NewClient(t, fake.WithLMS())
	seedTenants(t, plain)
	for user, want := range map[string]string{"carol": `9 true`, "ada": `7 false`} {
		plain.Auth = "JWT " + jwt(map[string]any{"preferred_username": user})
		for _, r := range plain.Must(t, 200, "GET", lms.PathTenants, nil).Arr(t) {
			r := r.(map[string]any)
			if r["key"] == "acme" {
				b, _ := json.Marshal([]any{r["user_id"], r["is_admin"]})
				faketest.Equal(t, user+" on acme", strings.ReplaceAll(strings.Trim(string(b), "[]"), ",", " "), want)
			}
		}
	}
	plain.Auth = ""
	plain.Must(t, 401, "GET", lms.PathTenants, nil)
}

// TestUserProfile: the caller's profile, or another user's where one of
// the caller's tenants holds them; else DRF's 404.
func TestUserProfile(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, append(faketest.WithKeys(), fake.WithLMS())...)
	seedTenants(t, c)
	c.Auth = "Bearer key-acme"
	me := c.Must(t, 200, "GET", lms.PathMetadata, nil).Obj(t)
	faketest.Equal(t, "caller", me["username"], any("admin"))
	ada := c.Must(t, 200, "GET", lms.PathMetadata+"?username=ada", nil).Obj(t)
	faketest.Equal(t, "ada's email", ada["email"], any("ada@acme.test"))
	faketest.Equal(t, "ada's id", ada["id"], any(7.0))
	c.Must(t, 404, "GET", lms.PathMetadata+"?username=nobody", nil)
	c.Auth = "Bearer key-other"
	c.Must(t, 404, "GET", lms.PathMetadata+"?username=ada", nil)
}

// TestMFEContextIsPublic: the login page's context needs no token and
// lists no single-sign-on providers.
func TestMFEContextIsPublic(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, append(faketest.WithKeys(), fake.WithLMS())...)
	c.Auth = ""
	env := c.Must(t, 200, "GET", lms.PathMFE, nil).Obj(t)
	faketest.JSONEq(t, env["contextData"].(map[string]any)["providers"], `[]`)
}

// TestLMSIsOffByDefault: without WithLMS the LMS paths are Django's 404,
// as on the data manager.
func TestLMSIsOffByDefault(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	for _, p := range []string{lms.PathMFE, lms.PathTenants, lms.PathMetadata} {
		c.Must(t, 404, "GET", p, nil)
	}
	c.Must(t, 404, "POST", lms.PathTokens, form(t, "acme"))
}

// TestLMSCORS: a page on a named origin may call the token exchange with
// credentials, as the data layer does (credentials: 'include').
func TestLMSCORS(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithLMS(), fake.WithCORS("http://localhost:3000"))
	r := c.Do(t, "OPTIONS", lms.PathTokens, nil, "Origin", "http://localhost:3000",
		"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization")
	faketest.Equal(t, "allow origin", r.Header.Get("Access-Control-Allow-Origin"), "http://localhost:3000")
	faketest.Equal(t, "allow credentials", r.Header.Get("Access-Control-Allow-Credentials"), "true")
}
