package cassette_test

import (
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/iblfake/iblfake/cassette"
)

const secret = "sk-live-0123456789"

// redacted returns rec after a redactor for fields applied to it with the
// template and the secret.
func redacted(r *cassette.Redactor, rec *cassette.Record, template string) string {
	r.Apply(rec, template, "Api-Token "+secret, secret, "ab")
	b, _ := json.Marshal(rec)
	return string(b)
}

func TestSecretsNeverRemain(t *testing.T) {
	rec := &cassette.Record{Method: "POST", Path: "/api/credentials/orgs/acme/users/" + secret + "/",
		Query: "note=" + secret + "&page=1", Error: "dial: " + secret, Violations: []string{"request query x: " + secret}}
	rec.Request.SetBody([]byte(`{"comment": "my key is ` + secret + `", "nested": [{"k": "` + secret + `"}]}`))
	rec.Response.Header = map[string]string{"Location": "/x?token=" + secret}
	rec.Response.Text = "<p>" + secret + "</p>"
	rec.Response.Base64 = base64.StdEncoding.EncodeToString([]byte("GIF89a\xff" + secret))
	got := redacted(cassette.NewRedactor(nil), rec, "/api/credentials/orgs/{org}/users/{user_id}/")
	if strings.Contains(got, secret) || strings.Contains(got, base64.StdEncoding.EncodeToString([]byte(secret))[:8]) {
		t.Fatalf("got %s, want no secret", got)
	}
	raw, _ := base64.StdEncoding.DecodeString(rec.Response.Base64)
	if strings.Contains(string(raw), secret) {
		t.Errorf("got %q in the binary body, want no secret", raw)
	}
	if n := strings.Count(got, "[secret]") + strings.Count(got, "%5Bsecret%5D"); n != 8 {
		t.Errorf("got %d marks in %s, want one per place", n, got)
	}
	// "ab" is shorter than MinScrubLength: scrubbing it would mangle the
	// recording ("acme" has none, but "about" would).
	if !strings.Contains(got, "acme") || !strings.Contains(got, "page=1") {
		t.Errorf("got %s, want everything else kept", got)
	}
}

func TestNamedFieldsGetStablePlaceholders(t *testing.T) {
	r := cassette.NewRedactor([]string{"email", "identity", "user_id"})
	first := &cassette.Record{Method: "POST", Path: "/api/credentials/orgs/acme/users/admin/C1/assertions/"}
	first.Request.SetBody([]byte(`{"recipient": {"identity": "alice", "email": "Alice@Acme.example"}, "course": "c"}`))
	first.Response.SetBody([]byte(`{"recipient": {"identity": "alice", "email": "alice@acme.example"}, "note": "sent to alice@acme.example"}`))
	got1 := redacted(r, first, "/api/credentials/orgs/{org}/users/{user_id}/{entity_id}/assertions/")
	// The user's own path names alice as {user_id}: the same placeholder.
	second := &cassette.Record{Method: "GET", Path: "/api/credentials/orgs/acme/users/alice/assertions/", Query: "email=alice%40acme.example"}
	got2 := redacted(r, second, "/api/credentials/orgs/{org}/users/{user_id}/assertions/")
	for _, s := range []string{got1, got2} {
		if strings.Contains(strings.ToLower(s), "alice") {
			t.Errorf("got %s, want alice redacted everywhere", s)
		}
	}
	ph := regexp.MustCompile(`redacted-[0-9a-f]{4}-\d+(@example\.com)?`)
	names := ph.FindAllString(strings.ReplaceAll(got1+got2, "%40", "@"), -1)
	distinct := map[string]bool{}
	for _, n := range names {
		distinct[n] = true
	}
	// alice, her email (in either case) and the admin named as {user_id}
	// are three values: three placeholders.
	if len(distinct) != 3 {
		t.Errorf("got placeholders %v in %s and %s, want three distinct ones used throughout", names, got1, got2)
	}
	emails := 0
	for n := range distinct {
		if strings.HasSuffix(n, "@example.com") {
			emails++
		}
	}
	if emails != 1 {
		t.Errorf("got %v, want the email's placeholder to look like an email", distinct)
	}
	if !strings.Contains(got1, `"course":"c"`) || !strings.Contains(second.Path, "/users/redacted-") || !strings.Contains(second.Path, "/orgs/acme/") {
		t.Errorf("got %s and path %s, want only the named values replaced", got1, second.Path)
	}
}

// TestStaticSegmentsStay: a redacted value that is also a static segment
// of the path ("users") is replaced only where the template has a
// parameter, so the path still addresses its operation.
func TestStaticSegmentsStay(t *testing.T) {
	r := cassette.NewRedactor([]string{"name"})
	rec := &cassette.Record{Method: "GET", Path: "/api/credentials/orgs/users/users/users/"}
	rec.Request.SetBody([]byte(`{"name": "users"}`))
	redacted(r, rec, "/api/credentials/orgs/{org}/users/{user_id}/")
	if !strings.HasPrefix(rec.Path, "/api/credentials/orgs/redacted-") || !strings.Contains(rec.Path, "/users/redacted-") {
		t.Errorf("got %s, want the parameters redacted and the static segment kept", rec.Path)
	}
}

func TestUnchangedBodyKeepsItsKeyOrder(t *testing.T) {
	r := cassette.NewRedactor([]string{"email"})
	rec := &cassette.Record{Method: "GET", Path: "/x"}
	rec.Response.SetBody([]byte(`{"z": 1, "a": {"y": 2, "b": 3}}`))
	redacted(r, rec, "")
	if got, want := string(rec.Response.JSON), `{"z":1,"a":{"y":2,"b":3}}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// TestFormBodies: a multipart upload's named text fields are redacted and
// its file kept byte for byte; so are a urlencoded body's fields.
func TestFormBodies(t *testing.T) {
	r := cassette.NewRedactor([]string{"name", "email"})
	const boundary = "b0undary"
	file := "GIF89a\x01\x00\xff"
	body := "--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"l.gif\"\r\nContent-Type: image/gif\r\n\r\n" + file +
		"\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nAda Lovelace\r\n--" + boundary + "--\r\n"
	up := &cassette.Record{Method: "POST", Path: "/x", Status: 200}
	up.Request.Header = map[string]string{"Content-Type": "multipart/form-data; boundary=" + boundary}
	up.Request.SetBody([]byte(body))
	form := &cassette.Record{Method: "POST", Path: "/y", Status: 200}
	form.Request.Header = map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	form.Request.SetBody([]byte("email=ada%40x.example&platform_key=acme"))
	redacted(r, up, "")
	redacted(r, form, "")
	got := string(up.Request.Body())
	if strings.Contains(got, "Ada") || !strings.Contains(got, file) || !strings.Contains(got, "name=\"name\"\r\n\r\nredacted-") {
		t.Errorf("got %q, want the name redacted and the file kept", got)
	}
	if got := form.Request.Text; strings.Contains(got, "ada") || !strings.Contains(got, "platform_key=acme") {
		t.Errorf("got %q, want the email redacted", got)
	}
}

// TestErrorMessagesStay: DRF keys field errors by field name, so under a
// named key of an error answer is a message, not the value.
func TestErrorMessagesStay(t *testing.T) {
	r := cassette.NewRedactor([]string{"email"})
	rec := &cassette.Record{Method: "POST", Path: "/x", Status: 400}
	rec.Request.SetBody([]byte(`{"email": "not-an-email-ada"}`))
	rec.Response.SetBody([]byte(`{"email": ["Enter a valid email address."], "detail": "not-an-email-ada is wrong"}`))
	redacted(r, rec, "")
	if got := string(rec.Response.JSON); !strings.Contains(got, "Enter a valid email address.") || strings.Contains(got, "not-an-email-ada") {
		t.Errorf("got %s, want the message kept and the echoed value redacted", got)
	}
}

// TestValuesInKeysAndURLs (hostile test v2, M3): a secret or a redacted
// value used as a JSON object key, or written inside a URL
// percent-encoded (an email in a DRF next link as %40, a token's + and /
// as %2B and %2F, in upper or lower case hex, a space as %20 or +), or in
// a violation's JSON pointer (/ as ~1), is replaced like the value itself;
// the placeholder is written in the same encoding, so a link stays a
// link.
func TestValuesInKeysAndURLs(t *testing.T) {
	const key = "CLIENTKEY+/abc="
	r := cassette.NewRedactor([]string{"email", "username"})
	rec := &cassette.Record{Method: "GET", Path: "/api/catalog/invitations/platform/paged",
		Query: "platform_key=acme&email=carol.smith%40corp.test&username=Dave+Jones", Status: 200,
		Violations: []string{"response body /by_key/Token " + strings.ReplaceAll(key, "/", "~1") + ": value must be a string"}}
	rec.Response.SetBody([]byte(`{"next": "http://up.example/api/catalog/invitations/platform/paged?platform_key=acme&email=carol.smith%40corp.test&page=2",
		"by_key": {"Token ` + key + `": 1, "carol.smith@corp.test": 2, "Carol.Smith@corp.test": 3},
		"links": ["/x?auth=Token%20CLIENTKEY%2B%2Fabc%3D", "/x?auth=CLIENTKEY%2b%2fabc%3d", "/users/Dave%20Jones/", "/u?n=Dave+Jones"]}`))
	got := redacted2(r, rec, "Token "+key, key)
	// Only an email is matched in any case: a name in another case may be
	// another name.
	for _, s := range []string{key, "CLIENTKEY", "carol", "Dave"} {
		if strings.Contains(strings.ToLower(got), strings.ToLower(s)) {
			t.Errorf("got %q in %s, want it redacted in every form", s, got)
		}
	}
	for _, want := range []string{`email=redacted-`, `%40example.com\u0026page=2"`, `"[secret]":1`, "%5Bsecret%5D", "/users/redacted-"} {
		if !strings.Contains(got, want) {
			t.Errorf("got %s, want %q in it", got, want)
		}
	}
	if !strings.Contains(got, `"redacted-`) || !strings.Contains(got, `@example.com (2)":`) {
		t.Errorf("got %s, want both keys that were the email (in two cases) replaced by its placeholder and kept apart", got)
	}
}

// redacted2 is redacted with the secrets given.
func redacted2(r *cassette.Redactor, rec *cassette.Record, secrets ...string) string {
	r.Apply(rec, "", secrets...)
	b, _ := json.Marshal(rec)
	return string(b)
}
