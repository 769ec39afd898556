package credentials_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/iblfake/iblfake/internal/faketest"
)

// How the fake settles what the newer contract (4.205) and the evidence
// newer than 4.90.4 contradict or add (FIDELITY.md, "The newer contract":
// C1-C7), for credentials. C1 (credential delete) and C3 (assertion page
// size) are proven in TestCredentialDelete and TestAssertionListPaging; the
// catalog's items are in fake/catalog/contract_4205_test.go.

// TestUserAssertionPageOf1000 (C3): the user list, whose page_size the
// document bounds at 1000, pages up to that.
func TestUserAssertionPageOf1000(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	env := c.Must(t, 200, "GET", "/api/credentials/orgs/acme/users/alice/assertions/?page_size=1000", nil).Obj(t)
	faketest.Equal(t, "max_page_size", env["max_page_size"], any(1000.0))
	c.Must(t, 400, "GET", "/api/credentials/orgs/acme/users/alice/assertions/?page_size=1001", nil)
}

// TestAssignmentAssertionMetadata (C4): an assertion an assignment issued
// carries the six keys the vendor's LMS reads.
func TestAssignmentAssertionMetadata(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	at := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	c.Srv.Clock().SetNow(at)
	cred := c.CreateCredential(t, "acme", c.CreateIssuer(t, "acme", "Acme"), "Python Basics", nil)
	faketest.SeedCredentialGroups(t, c, "acme") // ada 7, bob 8, carol 9 (platform admin); cohort = {7, 8}

	t.Run("User", func(t *testing.T) {
		res := c.Must(t, 200, "POST", faketest.UserBase("acme", "carol")+"assignments/users/",
			map[string]any{"credential_id": cred, "user_ids": []int{7}}).Result(t)
		ua := res["successful_assignments"].([]any)[0].(map[string]any)
		meta := ua["assertion"].(map[string]any)["metadata"]
		faketest.JSONEq(t, meta, `{"org_id": "acme", "assigned_at": "2026-05-04T10:00:00Z", "assigned_by": "carol",
			"assigned_by_id": 9, "assignment_id": "`+faketest.Str(t, ua, "entity_id")+`", "issuance_type": "assignment"}`)
		// The same on every read of the assertion.
		got := faketest.Page(t, c.Must(t, 200, "GET", faketest.UserBase("acme", "ada")+"assertions/", nil).Obj(t))
		faketest.Equal(t, "listed metadata", got[0]["metadata"], meta)
	})
	t.Run("GroupByTheKeysOwnUser", func(t *testing.T) {
		c.Must(t, 200, "POST", faketest.Base("acme")+"assignments/groups/", map[string]any{"credential_id": cred, "group_ids": []string{"cohort"}})
		c.Srv.Clock().SetNow(at.Add(time.Minute))
		got := faketest.Page(t, c.Must(t, 200, "GET", faketest.UserBase("acme", "bob")+"assertions/", nil).Obj(t))
		meta := got[0]["metadata"].(map[string]any)
		// "admin" is no directory user (the platform key's own): no id.
		faketest.Equal(t, "assigned_by", meta["assigned_by"], any("admin"))
		faketest.Equal(t, "assigned_by_id", meta["assigned_by_id"], nil)
		faketest.Equal(t, "assigned_at", meta["assigned_at"], any("2026-05-04T10:01:00Z"))
		faketest.Equal(t, "issuance_type", meta["issuance_type"], any("assignment"))
	})
}

// TestCredentialImageIDs (C5): a credential written with the id of an
// uploaded image answers that image's URL and id, as the vendor UI expects
// when it sends icon_image_id alone.
func TestCredentialImageIDs(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	is := c.CreateIssuer(t, "acme", "Acme")
	up := c.Must(t, 200, "POST", faketest.Base("acme")+"images/", faketest.MultipartBody(t, "image", "logo.png", faketest.PNGBytes(t, 2, 2), "name", "Logo")).Obj(t)
	imgID, imgURL := up["id"], faketest.Str(t, up, "image")

	// The LMS credentials card's create body.
	r := c.Must(t, 200, "POST", faketest.Base("acme"), map[string]any{"name": "DS", "description": "d", "issuer": is,
		"credentialType": "COURSE_CERTIFICATE", "issuing_signal": "COURSE_COMPLETED",
		"courses": []string{"course-v1:acme+DS+1"}, "icon_image_id": imgID}).Result(t)
	faketest.Equal(t, "iconImage", r["iconImage"], any(imgURL))
	faketest.Equal(t, "icon_image_id", r["icon_image_id"], imgID)
	id := faketest.Str(t, r, "entityId")
	// The image renders at that URL.
	u, _ := url.Parse(imgURL)
	c.Must(t, 200, "GET", u.Path, nil)

	t.Run("BackgroundAndThumbnail", func(t *testing.T) {
		got := c.Must(t, 200, "PUT", faketest.Base("acme")+id, map[string]any{"background_image_id": imgID, "thumbnail_image_id": imgID}).Result(t)
		faketest.Equal(t, "backgroundImage", got["backgroundImage"], any(imgURL))
		faketest.Equal(t, "thumbnail_image_id", got["thumbnail_image_id"], imgID)
		faketest.Equal(t, "icon kept", got["icon_image_id"], imgID)
	})
	t.Run("NullDetaches", func(t *testing.T) {
		got := c.Must(t, 200, "PUT", faketest.Base("acme")+id, map[string]any{"thumbnail_image_id": nil}).Result(t)
		faketest.Equal(t, "thumbnail", []any{got["thumbnailImage"], got["thumbnail_image_id"]}, []any{nil, nil})
	})
	t.Run("AURLDropsTheID", func(t *testing.T) {
		got := c.Must(t, 200, "PUT", faketest.Base("acme")+id, map[string]any{"backgroundImage": "https://cdn.test/bg.png"}).Result(t)
		faketest.Equal(t, "background", []any{got["backgroundImage"], got["background_image_id"]}, []any{any("https://cdn.test/bg.png"), nil})
	})
	t.Run("ErrUnknownImage", func(t *testing.T) {
		faketest.JSONEq(t, c.Must(t, 400, "PUT", faketest.Base("acme")+id, map[string]any{"icon_image_id": 99, "background_image_id": 0}).Body,
			`{"icon_image_id": ["Invalid pk \"99\" - object does not exist."], "background_image_id": ["Invalid pk \"0\" - object does not exist."]}`)
		// Another tenant's upload is not this tenant's.
		c.Must(t, 400, "POST", faketest.Base("beta"), map[string]any{"name": "B", "issuer": c.CreateIssuer(t, "beta", "Beta"), "icon_image_id": imgID})
		c.Must(t, 400, "PUT", faketest.Base("acme")+id, map[string]any{"icon_image_id": "x"})
	})
}

// TestCredentialTypesTheUIOffers (E3): the type and issuing-signal values
// the vendor UI offers are stored as sent (the document has no enum; the
// sources also spell MICROCREDENTIAL).
func TestCredentialTypesTheUIOffers(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	is := c.CreateIssuer(t, "acme", "Acme")
	for _, typ := range []string{"MICRO_CREDENTIAL", "CERTIFICATE", "PROGRAM_CERTIFICATE", "COURSE_CERTIFICATE", "PATHWAY_CERTIFICATE", "MICROCREDENTIAL"} {
		for _, signal := range []string{"COURSE_COMPLETED", "COURSE_PASSED"} {
			r := c.Must(t, 200, "POST", faketest.Base("acme"), map[string]any{"name": typ, "issuer": is, "credentialType": typ, "issuing_signal": signal}).Result(t)
			faketest.Equal(t, "credentialType", r["credentialType"], any(typ))
			faketest.Equal(t, "signal", r["signal"], any(signal))
		}
	}
}
