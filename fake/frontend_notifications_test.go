package fake_test

import (
	"strings"
	"testing"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/faketest"
)

// TestANotificationSentIsListedAndCounted replays the vendor's send
// dialog and its recipients' bell (WC send-notification-dialog.tsx,
// notification-dropdown.tsx) on every backend: a preview resolves the
// sources into recipients, the send makes one unread notification for
// each recipient who is a user, and their lists and counts show it; the
// build is sent once, and another tenant sees none of it (FIDELITY.md,
// "notifications").
func TestANotificationSentIsListedAndCounted(t *testing.T) {
	t.Parallel()
	for name, open := range faketest.Backends {
		t.Run(name, func(t *testing.T) {
			c := faketest.NewClient(t, fake.WithStore(open(t)), fake.WithSeed(7),
				fake.WithAPIKey("key-acme", "acme"), fake.WithAPIKey("key-globex", "globex"), fake.WithAPIKey("dm", fake.DMAdmin))
			c.Auth = "Token dm"
			c.SeedGroups(t, "acme", map[string]any{"users": []map[string]any{
				{"user_id": 1, "username": "alice", "email": "alice@acme.test"},
				{"user_id": 2, "username": "bob", "email": "bob@acme.test"},
			}})
			c.Auth = "Token key-acme"
			count := func(t *testing.T, user, status string) float64 {
				t.Helper()
				n, _ := c.Must(t, 200, "GET", "/api/notification/v1/orgs/acme/users/"+user+"/notifications-count/?status="+status, nil).Obj(t)["count"].(float64)
				return n
			}
			faketest.Equal(t, "alice's unread before", count(t, "alice", "UNREAD"), 0)

			pre := c.Must(t, 200, "POST", "/api/notification/v1/orgs/acme/notification-builder/preview/", map[string]any{
				"channels": []int{1},
				"sources": []map[string]any{
					{"type": "email", "data": "alice@acme.test"}, {"type": "username", "data": "bob"},
					{"type": "email", "data": "someone@elsewhere.test"},
				},
				"template_data": map[string]any{"message_title": "Welcome to Data Science", "message_body": "<p>Your cohort starts Monday.</p>"},
			}).Obj(t)
			faketest.Equal(t, "preview status", pre["status"], any("success"))
			faketest.Equal(t, "preview count", pre["count"], any(float64(3)))
			build := faketest.Str(t, pre, "build_id")
			recips := c.Must(t, 200, "GET", "/api/notification/v1/orgs/acme/notification-builder/"+build+"/recipients/", nil).Arr(t)
			faketest.Equal(t, "recipients", len(recips), 3)

			sent := c.Must(t, 200, "POST", "/api/notification/v1/orgs/acme/notification-builder/send/", map[string]any{"build_id": build}).Obj(t)
			faketest.Equal(t, "send status", sent["status"], any("success"))
			// The address no user has gets no in-app notification.
			faketest.Equal(t, "notifications_sent", sent["notifications_sent"], any(float64(2)))
			faketest.Equal(t, "alice's unread", count(t, "alice", "UNREAD"), 1)
			faketest.Equal(t, "alice's read", count(t, "alice", "READ"), 0)
			page := c.Must(t, 200, "GET", "/api/notification/v1/orgs/acme/users/alice/notifications/", nil).Obj(t)
			items := results(t, page)
			faketest.Equal(t, "alice's notifications", len(items), 1)
			n := items[0]
			faketest.Equal(t, "title", n["title"], any("Welcome to Data Science"))
			faketest.Equal(t, "status", n["status"], any("UNREAD"))
			faketest.Equal(t, "username", n["username"], any("alice"))
			if td, _ := n["context"].(map[string]any)["template_data"].(map[string]any); td["message_title"] != "Welcome to Data Science" {
				t.Errorf("context.template_data = %v, want the build's", td)
			}
			faketest.Equal(t, "bob's unread", count(t, "bob", "UNREAD"), 1)

			// A build is sent once; an unknown one is the builder's 404.
			faketest.JSONEq(t, c.Must(t, 400, "POST", "/api/notification/v1/orgs/acme/notification-builder/send/", map[string]any{"build_id": build}).Body,
				`{"status": "error", "message": "Notification build `+build+` was already sent."}`)
			c.Must(t, 404, "POST", "/api/notification/v1/orgs/acme/notification-builder/send/", map[string]any{"build_id": "0b8c6a52-5b8e-4f7e-9a57-0d9c3d1e2f40"})

			// Deleting it empties the count.
			c.Must(t, 204, "DELETE", "/api/notification/v1/orgs/acme/users/alice/notifications/"+faketest.Str(t, n, "id")+"/", nil)
			faketest.Equal(t, "alice's unread after delete", count(t, "alice", "UNREAD"), 0)

			// Another tenant: nothing of it.
			c.Auth = "Token key-globex"
			faketest.Equal(t, "globex's alice", len(results(t, c.Must(t, 200, "GET", "/api/notification/v1/orgs/globex/users/bob/notifications/", nil).Obj(t))), 0)
			c.Must(t, 404, "POST", "/api/notification/v1/orgs/globex/notification-builder/send/", map[string]any{"build_id": build})
			c.Must(t, 404, "GET", "/api/notification/v1/orgs/globex/notification-builder/"+build+"/recipients/", nil)
		})
	}
}

// TestEveryNotificationTypeHasItsTemplate: a platform's templates are one
// per notification type from the start (the vendor's alerts tab lists and
// edits them), a PATCH and a toggle change the one they name, and the list
// shows it; another tenant's templates are its own (FIDELITY.md, "long-tail
// collections named by an enum").
func TestEveryNotificationTypeHasItsTemplate(t *testing.T) {
	t.Parallel()
	for name, open := range faketest.Backends {
		t.Run(name, func(t *testing.T) {
			c := faketest.NewClient(t, fake.WithStore(open(t)), fake.WithSeed(8),
				fake.WithAPIKey("key-acme", "acme"), fake.WithAPIKey("key-globex", "globex"))
			c.Auth = "Token key-acme"
			base := "/api/notification/v1/platforms/acme/templates/"
			list := c.Must(t, 200, "GET", base, nil).Arr(t)
			types := map[string]bool{}
			for _, it := range list {
				types[faketest.Str(t, it.(map[string]any), "type")] = true
			}
			if len(types) != len(list) || !types["CUSTOM_NOTIFICATION"] || !types["COURSE_INVITATION"] || len(list) < 20 {
				t.Fatalf("templates = %d, types %v: one per notification type expected", len(list), types)
			}
			got := c.Must(t, 200, "PATCH", base+"CUSTOM_NOTIFICATION/", map[string]any{"message_title": "A word from Acme Academy"}).Obj(t)
			faketest.Equal(t, "patched title", got["message_title"], any("A word from Acme Academy"))
			faketest.Equal(t, "detail title", c.Must(t, 200, "GET", base+"CUSTOM_NOTIFICATION/", nil).Obj(t)["message_title"], any("A word from Acme Academy"))
			for _, allow := range []bool{false, true, false} {
				c.Must(t, 200, "PATCH", base+"CUSTOM_NOTIFICATION/toggle/", map[string]any{"allow_notification": allow})
				for _, it := range c.Must(t, 200, "GET", base, nil).Arr(t) {
					if m := it.(map[string]any); m["type"] == "CUSTOM_NOTIFICATION" && m["is_enabled"] != allow {
						t.Errorf("after toggling to %v the list says is_enabled %v", allow, m["is_enabled"])
					}
				}
			}
			c.Must(t, 404, "GET", base+"NO_SUCH_TYPE/", nil)
			c.Auth = "Token key-globex"
			other := c.Must(t, 200, "GET", "/api/notification/v1/platforms/globex/templates/CUSTOM_NOTIFICATION/", nil).Obj(t)
			if other["message_title"] == "A word from Acme Academy" {
				t.Error("globex's template shows acme's edit")
			}
		})
	}
}

// results are the items of a DRF page ({count, next, previous, results}).
func results(t *testing.T, page map[string]any) []map[string]any {
	t.Helper()
	rs, ok := page["results"].([]any)
	if !ok {
		t.Fatalf("results = %#v, want a list", page["results"])
	}
	out := make([]map[string]any, len(rs))
	for i, r := range rs {
		out[i], _ = r.(map[string]any)
	}
	return out
}

// TestMarkAllAsReadEmptiesTheBell replays the vendor's notification
// dropdown (WC notification-dropdown.tsx handleMarkAllAsRead: the listed
// ids, or one clicked id) on every backend: the ids named turn READ and
// the others stay UNREAD, naming none marks every unread notification of
// the platform, so the bell's UNREAD count goes to 0; the answer counts
// what changed; another tenant's key changes nothing of this one's.
func TestMarkAllAsReadEmptiesTheBell(t *testing.T) {
	t.Parallel()
	for name, open := range faketest.Backends {
		t.Run(name, func(t *testing.T) {
			c := faketest.NewClient(t, fake.WithStore(open(t)), fake.WithSeed(7),
				fake.WithAPIKey("key-acme", "acme"), fake.WithAPIKey("key-globex", "globex"), fake.WithAPIKey("dm", fake.DMAdmin))
			c.Auth = "Token dm"
			c.SeedGroups(t, "acme", map[string]any{"users": []map[string]any{
				{"user_id": 1, "username": "alice", "email": "alice@acme.test"},
				{"user_id": 2, "username": "bob", "email": "bob@acme.test"},
			}})
			c.Auth = "Token key-acme"
			send := func(t *testing.T, title string) {
				t.Helper()
				pre := c.Must(t, 200, "POST", "/api/notification/v1/orgs/acme/notification-builder/preview/", map[string]any{
					"channels": []int{1}, "sources": []map[string]any{{"type": "platform", "data": "acme"}},
					"template_data": map[string]any{"message_title": title, "message_body": "<p>" + title + "</p>"},
				}).Obj(t)
				c.Must(t, 200, "POST", "/api/notification/v1/orgs/acme/notification-builder/send/", map[string]any{"build_id": faketest.Str(t, pre, "build_id")})
			}
			send(t, "First")
			send(t, "Second")
			count := func(t *testing.T, user string) float64 {
				t.Helper()
				n, _ := c.Must(t, 200, "GET", "/api/notification/v1/orgs/acme/users/"+user+"/notifications-count/?status=UNREAD", nil).Obj(t)["count"].(float64)
				return n
			}
			faketest.Equal(t, "alice's unread", count(t, "alice"), 2)
			faketest.Equal(t, "bob's unread", count(t, "bob"), 2)
			mine := results(t, c.Must(t, 200, "GET", "/api/notification/v1/orgs/acme/users/alice/notifications/", nil).Obj(t))
			one := faketest.Str(t, mine[0], "id")

			// Another tenant's key marking acme's ids: nothing of acme's.
			c.Auth = "Token key-globex"
			got := c.Must(t, 200, "POST", "/api/notification/v1/orgs/globex/mark-all-as-read", map[string]any{"notification_ids": []string{one}}).Obj(t)
			faketest.Equal(t, "globex marked", got["count"], any(float64(0)))
			c.Must(t, 403, "POST", "/api/notification/v1/orgs/acme/mark-all-as-read", map[string]any{})
			c.Auth = "Token key-acme"
			faketest.Equal(t, "alice's unread after globex", count(t, "alice"), 2)

			// One id (in capitals: a UUID is a UUID however written): that one only.
			got = c.Must(t, 200, "POST", "/api/notification/v1/orgs/acme/mark-all-as-read", map[string]any{"notification_ids": []string{strings.ToUpper(one)}}).Obj(t)
			faketest.Equal(t, "marked one", got["count"], any(float64(1)))
			faketest.Equal(t, "alice's unread after one", count(t, "alice"), 1)
			faketest.Equal(t, "bob's unread after alice's one", count(t, "bob"), 2)
			for _, n := range results(t, c.Must(t, 200, "GET", "/api/notification/v1/orgs/acme/users/alice/notifications/", nil).Obj(t)) {
				want := "UNREAD"
				if n["id"] == one {
					want = "READ"
				}
				faketest.Equal(t, "status of "+faketest.Str(t, n, "id"), n["status"], any(want))
			}
			// Again: nothing left to change.
			got = c.Must(t, 200, "POST", "/api/notification/v1/orgs/acme/mark-all-as-read", map[string]any{"notification_ids": []string{one}}).Obj(t)
			faketest.Equal(t, "marked again", got["count"], any(float64(0)))

			// None named (the dropdown with an empty list): every unread one.
			got = c.Must(t, 200, "POST", "/api/notification/v1/orgs/acme/mark-all-as-read", map[string]any{"notification_ids": []string{}}).Obj(t)
			faketest.Equal(t, "marked all", got["count"], any(float64(3)))
			faketest.Equal(t, "alice's unread after all", count(t, "alice"), 0)
			faketest.Equal(t, "bob's unread after all", count(t, "bob"), 0)
			n, _ := c.Must(t, 200, "GET", "/api/notification/v1/orgs/acme/users/bob/notifications-count/?status=READ", nil).Obj(t)["count"].(float64)
			faketest.Equal(t, "bob's read", n, 2)
			// A bad id is DRF's 400 for a list of UUIDs (the document's items are uuid).
			faketest.JSONEq(t, c.Must(t, 400, "POST", "/api/notification/v1/orgs/acme/mark-all-as-read", map[string]any{"notification_ids": []string{one, "not-a-uuid"}}).Body,
				`{"notification_ids": {"1": ["Must be a valid UUID."]}}`)
		})
	}
}
