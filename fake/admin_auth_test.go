package fake_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/iblfake/iblfake/fake"
)

func TestAdminToken(t *testing.T) {
	t.Parallel()
	const token = "s3cret-admin"
	srv := fake.NewTestServer(t, fake.WithAdminToken(token))
	if srv.AdminOpen() {
		t.Fatal("AdminOpen() = true with a token set")
	}
	do := func(method, path, auth string) (int, http.Header, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := srv.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var body map[string]any
		_ = json.Unmarshal(raw, &body)
		return resp.StatusCode, resp.Header, body
	}
	for _, tc := range []struct {
		name, method, path, auth string
		want                     int
		detail                   string
	}{
		{"NoHeader", "GET", "/_fake/requests", "", 401, fake.MsgAdminTokenRequired},
		{"OtherScheme", "GET", "/_fake/state", "Token " + token, 401, fake.MsgAdminTokenRequired},
		{"WrongToken", "GET", "/_fake/state", "Bearer nope", 401, fake.MsgAdminTokenInvalid},
		{"TokenPrefix", "GET", "/_fake/state", "Bearer " + token[:4], 401, fake.MsgAdminTokenInvalid},
		{"ResetRefused", "POST", "/_fake/reset", "", 401, fake.MsgAdminTokenRequired},
		{"UnknownAdminPath", "GET", "/_fake/nope", "", 401, fake.MsgAdminTokenRequired},
		{"Bearer", "GET", "/_fake/state", "Bearer " + token, 200, ""},
		{"BearerAnyCase", "GET", "/_fake/requests", "bearer " + token, 200, ""},
		{"HealthOpen", "GET", "/_fake/health", "", 200, ""},
		{"VendorUnaffected", "GET", "/api/credentials/orgs/acme/users/u/issuers/", "Token any", 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, h, body := do(tc.method, tc.path, tc.auth)
			if status != tc.want {
				t.Fatalf("status %d, want %d (%v)", status, tc.want, body)
			}
			if tc.want == 401 {
				if body["detail"] != tc.detail {
					t.Errorf("detail %q, want %q", body["detail"], tc.detail)
				}
				if got := h.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
					t.Errorf("WWW-Authenticate %q, want Bearer", got)
				}
			}
		})
	}

	// A refused admin request changed nothing: the issuer made before a
	// refused reset is still there.
	req, _ := http.NewRequest("POST", srv.URL+"/api/credentials/orgs/acme/users/u/issuers/", strings.NewReader(`{"name":"Kept"}`))
	req.Header.Set("Authorization", "Token any")
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("creating an issuer: %v %v", resp, err)
	}
	resp.Body.Close()
	if status, _, _ := do("POST", "/_fake/reset", "Bearer wrong"); status != 401 {
		t.Fatalf("reset with a wrong token: %d, want 401", status)
	}
	if _, _, body := do("GET", "/api/credentials/orgs/acme/users/u/issuers/", "Token any"); body["result"].(map[string]any)["count"] != 1.0 {
		t.Fatalf("after a refused reset the issuer list is %v, want the issuer kept", body)
	}
}

func TestAdminOpenByDefault(t *testing.T) {
	t.Parallel()
	srv := fake.NewTestServer(t)
	if !srv.AdminOpen() {
		t.Fatal("AdminOpen() = false without a token")
	}
	resp, err := srv.Client.Get(srv.URL + "/_fake/requests")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET /_fake/requests without a token set: %d, want 200", resp.StatusCode)
	}
	if _, err := fake.New(fake.WithAdminToken("")); err == nil {
		t.Fatal("WithAdminToken(\"\") accepted")
	}
}
