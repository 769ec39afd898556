package longtail

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/drf"
	"github.com/labstack/echo/v4"
)

// Notifications (FIDELITY.md, "notifications"): the document gives a
// user's notifications a list and a delete but no create; on the real
// service they are made by the notification builder, which a platform's
// admin drives as the vendor's send dialog does: a preview resolves the
// recipients of the sources it is given into a build, a send of that
// build makes one notification for each recipient. The fake does the
// same, so what was sent is what the recipients' lists and counts show:
// the notifications are ordinary items of the notifications family
// (created, listed, filtered by status and channel, deleted as any), and
// the count counts them with the list's filters.

// The hand-written operations of the notification builder and the count,
// each spelled out once (the long tail answers them with state, not from
// their schemas).
const (
	opNotificationCount   = "notification_v1_orgs_users_notifications_count_retrieve"
	opBuilderPreview      = "notification_v1_orgs_notification_builder_preview_create"
	opBuilderSend         = "notification_v1_orgs_notification_builder_send_create"
	opBuilderRecipients   = "notification_v1_orgs_notification_builder_recipients_list"
	opTemplateToggle      = "notification_v1_platforms_templates_toggle_partial_update"
	opMarkAllRead         = "notification_v1_orgs_mark_all_as_read_create"
	notificationsTemplate = "/api/notification/v1/orgs/{org}/users/{user_id}/notifications/"
	templatesTemplate     = "/api/notification/v1/platforms/{platform_key}/templates/"
)

// build is a previewed notification: its recipients and what it says.
type build struct {
	ID         string         `json:"build_id"`
	Recipients []recipient    `json:"recipients"`
	Template   map[string]any `json:"template_data,omitempty"`
	Channels   []any          `json:"channels,omitempty"`
	ProcessOn  any            `json:"process_on,omitempty"`
	Created    string         `json:"created_at"`
	Sent       int            `json:"notifications_sent"`
	SentAt     string         `json:"sent_at,omitempty"`
}

// recipient is one user a build reaches.
type recipient struct {
	Email    string `json:"email"`
	Username string `json:"username"`
	Status   string `json:"status"`
}

// buildKey is where a build is kept: the path of its recipients' list,
// among the tenant's singletons (one record per tenant and path).
func buildKey(tenant, platform, id string) string {
	return tenant + store.KeySep + "/api/notification/v1/orgs/" + platform + "/notification-builder/" + id + "/recipients/"
}

// errorResponse is the notification builder's declared error body
// (ErrorResponse: {status, message}).
func errorResponse(status int, msg string) *api.Error {
	return &api.Error{Status: status, Body: map[string]any{"status": "error", "message": msg}}
}

// previewNotification resolves the sources of a notification into its
// recipients and keeps them as a build: an email is the tenant's user
// with that email (or the address alone, which no in-app notification
// reaches), a username that user, "platform" every user of the tenant's
// directory; the other source types (csv, department, pathway, program,
// usergroup) are not modelled and are named in the answer's warning.
func (m *Module) previewNotification(c echo.Context) error {
	body := api.RequestBody(c).Object()
	tenant, platform := api.Tenant(c), c.Param("platform_key")
	sources, _ := body["sources"].([]any)
	b := build{ID: m.d.IDs.UUID(), Created: drf.FormatDateTime(m.d.Clock.Now()), Recipients: []recipient{}}
	if td, ok := body["template_data"].(map[string]any); ok {
		b.Template = td
	}
	b.Channels, _ = body["channels"].([]any)
	b.ProcessOn = body["process_on"]
	var unmodelled []string
	err := m.d.Store.Update(func(tx store.Tx) error {
		// The directory, read once and indexed, for every source.
		users := m.tenantUsers(tx, tenant)
		byEmail, byName := map[string]api.DirectoryUser{}, map[string]api.DirectoryUser{}
		for _, u := range users {
			if u.Email != "" {
				byEmail[strings.ToLower(u.Email)] = u
			}
			byName[u.Username] = u
		}
		seen := map[string]bool{}
		add := func(r recipient) {
			k := r.Username + "\x00" + r.Email
			if !seen[k] {
				seen[k] = true
				r.Status = "pending"
				b.Recipients = append(b.Recipients, r)
			}
		}
		for _, s := range sources {
			src, _ := s.(map[string]any)
			typ, _ := src["type"].(string)
			data := strings.TrimSpace(fmt.Sprint(src["data"]))
			switch typ {
			case "email":
				add(recipient{Email: data, Username: byEmail[strings.ToLower(data)].Username})
			case "username":
				add(recipient{Email: byName[data].Email, Username: data})
			case "platform":
				for _, u := range users {
					add(recipient{Email: u.Email, Username: u.Username})
				}
			default:
				unmodelled = append(unmodelled, typ)
			}
		}
		raw, err := json.Marshal(b)
		if err != nil {
			return err
		}
		return tx.Put(Singletons, buildKey(tenant, platform, b.ID), raw)
	})
	if err != nil {
		return err
	}
	var warning any
	if len(unmodelled) > 0 {
		warning = "iblfake does not resolve sources of type " + strings.Join(unmodelled, ", ") + "."
	}
	return api.JSON(c, http.StatusOK, map[string]any{"build_id": b.ID, "count": len(b.Recipients),
		"recipients": b.Recipients, "status": "success", "warning": warning})
}

// sendNotification makes the notifications of a previewed build: one for
// each recipient who is a user, unread, in that user's notifications. A
// build is sent once.
func (m *Module) sendNotification(c echo.Context) error {
	id, _ := api.RequestBody(c).Object()["build_id"].(string)
	tenant, platform := api.Tenant(c), c.Param("platform_key")
	f := m.model.byCollection[notificationsTemplate]
	var b build
	err := m.d.Store.Update(func(tx store.Tx) error {
		raw := tx.Get(Singletons, buildKey(tenant, platform, id))
		if raw == nil {
			return errorResponse(http.StatusNotFound, "No notification build "+id+".")
		}
		if err := json.Unmarshal(raw, &b); err != nil {
			return err
		}
		if b.SentAt != "" {
			return errorResponse(http.StatusBadRequest, "Notification build "+id+" was already sent.")
		}
		now := m.d.Clock.Now()
		for i, r := range b.Recipients {
			if r.Username == "" || f == nil || !f.infer().ok {
				continue
			}
			if err := m.notify(tx, f, tenant, platform, r.Username, b); err != nil {
				return err
			}
			b.Recipients[i].Status = "sent"
			b.Sent++
		}
		b.SentAt = drf.FormatDateTime(now)
		out, err := json.Marshal(b)
		if err != nil {
			return err
		}
		return tx.Put(Singletons, buildKey(tenant, platform, id), out)
	})
	if err != nil {
		return err
	}
	return api.JSON(c, http.StatusOK, map[string]any{"build_id": b.ID, "status": "success", "notifications_sent": b.Sent,
		"message": fmt.Sprintf("%d notification(s) sent.", b.Sent)})
}

// notify stores one notification of b for username.
func (m *Module) notify(tx store.Tx, f *family, tenant, platform, username string, b build) error {
	sh := f.infer()
	path := strings.NewReplacer("{org}", platform, "{user_id}", username).Replace(notificationsTemplate)
	key := collectionKey(tenant, path)
	n, err := tx.NextSequence(Records)
	if err != nil {
		return err
	}
	title, _ := b.Template["message_title"].(string)
	body, _ := b.Template["message_body"].(string)
	now := drf.FormatDateTime(m.d.Clock.Now())
	obj := map[string]any{
		sh.idField: m.d.IDs.UUID(), "username": username, "title": title, "body": body,
		"short_message": shortMessage(body), "channel": nil, "status": "UNREAD",
		"context":    map[string]any{"template_data": b.Template, "build_id": b.ID},
		"created_at": now, "updated_at": now,
	}
	_, err = putItem(tx, key, idString(obj[sh.idField]), api.SeqKey(n), obj)
	return err
}

// shortMessage is a notification's body as its preview shows it: the text
// without markup, at most 140 characters.
func shortMessage(body string) string {
	var b strings.Builder
	in := false
	for _, r := range body {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	s := strings.Join(strings.Fields(b.String()), " ")
	if r := []rune(s); len(r) > 140 {
		s = string(r[:139]) + "…"
	}
	return s
}

// buildRecipients lists a build's recipients, searched by username or
// email.
func (m *Module) buildRecipients(c echo.Context) error {
	raw, err := api.Read(m.d.Store, func(tx store.Tx) ([]byte, error) {
		return tx.Get(Singletons, buildKey(api.Tenant(c), c.Param("platform_key"), c.Param("id"))), nil
	})
	if err != nil {
		return err
	}
	if raw == nil {
		return errorResponse(http.StatusNotFound, "No notification build "+c.Param("id")+".")
	}
	var b build
	if err := json.Unmarshal(raw, &b); err != nil {
		return err
	}
	q := strings.ToLower(c.QueryParam("search"))
	out := []recipient{}
	for _, r := range b.Recipients {
		if q == "" || strings.Contains(strings.ToLower(r.Username+" "+r.Email), q) {
			out = append(out, r)
		}
	}
	return api.JSON(c, http.StatusOK, out)
}

// countNotifications counts the user's notifications the request's
// status and channel select, as the list filters them.
func (m *Module) countNotifications(c echo.Context) error {
	f := m.model.byCollection[notificationsTemplate]
	if f == nil || !f.infer().ok {
		return m.synthesize(c)
	}
	sh := f.infer()
	key := collectionKey(api.Tenant(c), collectionPath(notificationsTemplate, c.Param))
	n, err := api.Read(m.d.Store, func(tx store.Tx) (int, error) {
		v, err := m.collection(tx, key, sh)
		if err != nil {
			return 0, err
		}
		return selectItems(v, sh, c.QueryParams()).count(), nil
	})
	if err != nil {
		return err
	}
	return api.JSON(c, http.StatusOK, map[string]any{"count": n})
}

// toggleTemplate turns a notification template on or off
// ({allow_notification}), which its list and detail then show as
// is_enabled.
func (m *Module) toggleTemplate(c echo.Context) error {
	f := m.model.byCollection[templatesTemplate]
	if f == nil || !f.infer().ok {
		return m.synthesize(c)
	}
	sh := f.infer()
	allow, ok := api.RequestBody(c).Object()["allow_notification"].(bool)
	key := collectionKey(api.Tenant(c), collectionPath(templatesTemplate, c.Param))
	if err := m.materializeOnce(c, f, key); err != nil {
		return err
	}
	var obj map[string]any
	err := m.d.Store.Update(func(tx store.Tx) error {
		old, place, err := findItem(tx, key, c.Param("notification_type"))
		if err != nil {
			return err
		}
		if old == nil {
			return api.NotFound()
		}
		obj = clone(old)
		if !ok {
			allow, _ = obj["is_enabled"].(bool)
		}
		obj["is_enabled"] = allow
		stamp(obj, sh.updated, sh.item, m.d.Clock.Now())
		_, err = putItem(tx, key, c.Param("notification_type"), place, obj)
		return err
	})
	if err != nil {
		return err
	}
	return api.JSON(c, http.StatusOK, map[string]any{"allow_notification": allow})
}

// tenantUsers are the users of the tenant's directory (none without one).
func (m *Module) tenantUsers(tx store.Tx, tenant string) []api.DirectoryUser {
	if m.users == nil {
		return nil
	}
	return m.users(tx, tenant)
}

// markAllRead marks the platform's notifications read
// (POST .../orgs/{platform_key}/mark-all-as-read {notification_ids}): the
// ones notification_ids names, or, when it names none (absent or empty,
// as the view's "optionally provide specific notification IDs" reads an
// empty list), every unread one. The document says "for a user"; the
// fake's keys name no user, so "every" is every user's of the platform
// in the request's tenant. It answers how many it changed; ids the
// tenant has not are passed over, as a queryset filter passes them.
func (m *Module) markAllRead(c echo.Context) error {
	f := m.model.byCollection[notificationsTemplate]
	if f == nil || !f.infer().ok {
		return m.synthesize(c)
	}
	sh := f.infer()
	want := map[string]bool{}
	ids, _ := api.RequestBody(c).Object()["notification_ids"].([]any)
	bad := map[string]any{}
	for i, id := range ids {
		s, _ := id.(string)
		u, ok := canonUUID(s)
		if !ok {
			// DRF's ListField(child=UUIDField): each bad entry by index.
			bad[strconv.Itoa(i)] = []string{"Must be a valid UUID."}
			continue
		}
		want[u] = true
	}
	if len(bad) > 0 {
		return &api.Error{Status: http.StatusBadRequest, Body: map[string]any{"notification_ids": bad}}
	}
	// The platform's notifications: the collections of every user under
	// the path's platform, in the request's tenant.
	prefix := collectionKey(api.Tenant(c), "/api/notification/v1/orgs/"+c.Param("platform_key")+"/users/")
	n := 0
	err := m.d.Store.Update(func(tx store.Tx) error {
		type change struct {
			key, id, place string
			obj            map[string]any
		}
		var changes []change
		var err error
		tx.Scan(Records, prefix, false, func(k string, raw []byte) bool {
			i := strings.LastIndex(k, store.KeySep)
			key, place := k[:i], k[i+1:]
			if !strings.HasSuffix(key, "/notifications/") || strings.Count(key[len(prefix):], "/") != 2 {
				return true // another collection under the user
			}
			var obj map[string]any
			if err = json.Unmarshal(raw, &obj); err != nil {
				return false
			}
			id := idString(obj[sh.idField])
			u, _ := canonUUID(id)
			if obj["status"] != "UNREAD" || len(want) > 0 && !want[u] {
				return true
			}
			changes = append(changes, change{key, id, place, obj})
			return true
		})
		if err != nil {
			return err
		}
		now := m.d.Clock.Now()
		for _, ch := range changes {
			obj := clone(ch.obj)
			obj["status"] = "READ"
			stamp(obj, sh.updated, sh.item, now)
			if _, err := putItem(tx, ch.key, ch.id, ch.place, obj); err != nil {
				return err
			}
		}
		n = len(changes)
		return nil
	})
	if err != nil {
		return err
	}
	return api.JSON(c, http.StatusOK, map[string]any{"count": n, "message": fmt.Sprintf("%d notification(s) marked as read.", n)})
}

// canonUUID is s as Python's uuid.UUID reads it (DRF's UUIDField: 32
// hex digits, hyphens anywhere or none, optionally in braces or after
// "urn:uuid:"), in its canonical form; ok false when it is no UUID.
func canonUUID(s string) (string, bool) {
	s = strings.ToLower(s)
	s = strings.ReplaceAll(strings.ReplaceAll(s, "urn:", ""), "uuid:", "")
	s = strings.ReplaceAll(strings.Trim(s, "{}"), "-", "")
	if len(s) != 32 {
		return "", false
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdef", r) {
			return "", false
		}
	}
	return s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:], true
}
