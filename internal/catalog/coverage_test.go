package catalog_test

import (
	"strings"
	"testing"

	"github.com/iblfake/iblfake/internal/faketest"
	"github.com/iblfake/iblfake/spec"
)

// TestCatalogEveryOperationModelled sends each catalog operation of the
// document a bare request: none may answer 501 (not modelled) or 5xx.
func TestCatalogEveryOperationModelled(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	n := 0
	for _, op := range spec.MustLoad().Operations() {
		if !strings.HasPrefix(op.Path, "/api/catalog/licenses/") && !strings.HasPrefix(op.Path, "/api/catalog/invitations/") {
			continue
		}
		n++
		var body any
		if op.Method == "POST" {
			body = map[string]any{}
		}
		r := c.Do(t, op.Method, op.Path+"?platform_key=acme&license_id=1&assignment_id=1&email=a@acme.test", body)
		if r.Status >= 500 {
			t.Errorf("%s %s (%s): status %d, body %s", op.Method, op.Path, op.Op.OperationID, r.Status, r.Raw)
		}
	}
	faketest.Equal(t, "catalog operations", n, 50)
}

// TestCatalogOddInputs: malformed requests are DRF-shaped 4xx, never 5xx.
func TestCatalogOddInputs(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	for _, tc := range []struct {
		name, method, path string
		body               any
		want               int
	}{
		{"LicenseIDNotInt", "GET", faketest.LicBase + "user/assignment/?license_id=abc", nil, 400},
		{"LicenseIDMissing", "GET", faketest.LicBase + "user/assignment/", nil, 400},
		{"SortDashOnly", "GET", faketest.LicBase + "user/?sort=-", nil, 400},
		{"CountNegative", "POST", faketest.LicBase + "user/create/", map[string]any{"platform_key": "acme", "count": -1}, 400},
		{"CountNotInt", "POST", faketest.LicBase + "user/create/", map[string]any{"platform_key": "acme", "count": "many"}, 400},
		{"BadStarted", "POST", faketest.LicBase + "user/create/", map[string]any{"platform_key": "acme", "started": "yesterday"}, 400},
		{"BodyQueryDisagree", "POST", faketest.LicBase + "user/assignment/?license_id=2", map[string]any{"license_id": 1, "email": "a@b.co"}, 400},
		{"MalformedJSON", "POST", faketest.InvBase + "platform/", faketest.RawBody{ContentType: "application/json", Data: `{"platform_key": `}, 400},
		{"FormInvite", "POST", faketest.InvBase + "platform/", faketest.RawBody{ContentType: "application/x-www-form-urlencoded", Data: "platform_key=acme&email=f%40acme.test&team=red"}, 200},
		{"BulkNotAList", "POST", faketest.InvBase + "platform/bulk/", map[string]any{"invitation_data": "x"}, 400},
		{"BlankTooMany", "POST", faketest.InvBase + "course/blank/", map[string]any{"course_id": "course-v1:acme+C+1", "source": "s", "count": 100000}, 400},
		{"RedeemNoInvitee", "POST", faketest.InvBase + "platform/redeem/", map[string]any{"platform_key": "acme", "source": "s"}, 400},
		{"GroupIDMissing", "POST", faketest.LicBase + "user/assignment/group/", map[string]any{"license_id": 1}, 400},
		{"UnassignUnknown", "DELETE", faketest.LicBase + "course/assignment/group/?assignment_id=77", nil, 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.Must(t, tc.want, tc.method, tc.path, tc.body)
			if tc.want >= 400 {
				r.Obj(t) // a JSON object body
			}
		})
	}
	form := results(t, c.Must(t, 200, "GET", faketest.InvBase+"platform/?platform_key=acme&team=red", nil).Obj(t))
	faketest.Equal(t, "form invite", faketest.Field(form, "email"), []string{"f@acme.test"})
}
