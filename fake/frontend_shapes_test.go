package fake_test

import (
	"testing"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/faketest"
)

// TestFrontendShapesAreWhatTheConsumersRead asks every operation
// spec/corrections/60-frontend.yaml corrects from the vendor's frontend
// code and reads the answer as the consuming component does (FIDELITY.md,
// the frontend rows): each answer through the real handler, checked by the
// test server's response validator against the corrected document.
func TestFrontendShapesAreWhatTheConsumersRead(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithSeed(23))
	get := func(t *testing.T, path string) map[string]any {
		t.Helper()
		return c.Must(t, 200, "GET", path, nil).Obj(t)
	}
	arr := func(t *testing.T, what string, v any) []any {
		t.Helper()
		a, ok := v.([]any)
		if !ok {
			t.Fatalf("%s = %#v, want an array", what, v)
		}
		return a
	}
	obj := func(t *testing.T, what string, v any) map[string]any {
		t.Helper()
		o, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s = %#v, want an object", what, v)
		}
		return o
	}
	num := func(t *testing.T, what string, v any) float64 {
		t.Helper()
		n, ok := v.(float64)
		if !ok {
			t.Fatalf("%s = %#v, want a number", what, v)
		}
		return n
	}
	str := func(t *testing.T, what string, v any) string {
		t.Helper()
		s, ok := v.(string)
		if !ok {
			t.Fatalf("%s = %#v, want a string", what, v)
		}
		return s
	}

	t.Run("notification count", func(t *testing.T) {
		// NotificationDropdown: notificationCount?.count
		num(t, "count", get(t, "/api/notification/v1/orgs/acme/users/alice/notifications-count/?status=UNREAD")["count"])
	})
	t.Run("notifications page", func(t *testing.T) {
		// NotificationDropdown: response.data.results
		page := get(t, "/api/notification/v1/orgs/acme/users/alice/notifications/")
		arr(t, "results", page["results"])
		num(t, "count", page["count"])
	})
	t.Run("notification preview and send", func(t *testing.T) {
		// SendNotificationDialog: previewResponse.status === 'success',
		// then sendResponse.status === 'success'
		pre := c.Must(t, 200, "POST", "/api/notification/v1/orgs/acme/notification-builder/preview/", map[string]any{
			"channels": []int{1}, "sources": []map[string]any{{"type": "email", "data": "alice@example.com"}},
			"template_data": map[string]any{"message_title": "Hello", "message_body": "<p>Hi</p>"},
		}).Obj(t)
		faketest.Equal(t, "preview status", pre["status"], any("success"))
		build := str(t, "build_id", pre["build_id"])
		sent := c.Must(t, 200, "POST", "/api/notification/v1/orgs/acme/notification-builder/send/", map[string]any{"build_id": build}).Obj(t)
		faketest.Equal(t, "send status", sent["status"], any("success"))
		num(t, "notifications_sent", sent["notifications_sent"])
	})
	t.Run("recently accessed mentors", func(t *testing.T) {
		// MentorProvider: starred_mentors.length, recent_mentors.length
		got := get(t, "/api/ai-mentor/orgs/acme/users/alice/recently-accessed-mentors/")
		arr(t, "starred_mentors", got["starred_mentors"])
		arr(t, "recent_mentors", got["recent_mentors"])
	})
	t.Run("access-time heatmap", func(t *testing.T) {
		// useUsers convertToHeatmapArray: response.data.forEach(({day_of_week, hour, value}))
		cells := arr(t, "data", get(t, "/api/analytics/time/?platform_key=acme&date_filter=30d")["data"])
		if len(cells) == 0 {
			t.Fatal("no heatmap cells")
		}
		for i, cell := range cells {
			o := obj(t, "cell", cell)
			day, hour := num(t, "day_of_week", o["day_of_week"]), num(t, "hour", o["hour"])
			if day < 1 || day > 7 || hour < 0 || hour > 23 || num(t, "value", o["value"]) < 0 {
				t.Errorf("cell %d = %v: day_of_week 1-7, hour 0-23 and value >= 0 expected", i, o)
			}
		}
	})
	t.Run("users analytics by metric", func(t *testing.T) {
		// analytics-users-stats: activeUsers.points[].date/.value;
		// the counters' .count; the overview's .percentage_change
		series := get(t, "/api/analytics/users/?platform_key=acme&date_filter=30d&metric=active_users")
		faketest.Equal(t, "metric", series["metric"], any("active_users"))
		for _, p := range arr(t, "points", series["points"]) {
			str(t, "points[].date", obj(t, "point", p)["date"])
			num(t, "points[].value", obj(t, "point", p)["value"])
		}
		for _, metric := range []string{"registered_users", "currently_active", "active_users_last_30d"} {
			got := get(t, "/api/analytics/users/?platform_key=acme&date_filter=30d&metric="+metric)
			faketest.Equal(t, "metric", got["metric"], any(metric))
			num(t, metric+" count", got["count"])
			num(t, metric+" percentage_change", got["percentage_change"])
			if _, ok := got["points"]; ok {
				t.Errorf("%s answers points: %v", metric, got)
			}
		}
	})
	t.Run("user details page", func(t *testing.T) {
		// analytics-users-stats: results[].email, pagination.page/.total_pages/.has_next
		got := get(t, "/api/analytics/users/details/?platform_key=acme&date_filter=30d&page=1&limit=5")
		for _, r := range arr(t, "results", got["results"]) {
			str(t, "results[].email", obj(t, "row", r)["email"])
		}
		p := obj(t, "pagination", got["pagination"])
		num(t, "pagination.page", p["page"])
		num(t, "pagination.total_pages", p["total_pages"])
		if _, ok := p["has_next"].(bool); !ok {
			t.Errorf("pagination.has_next = %v, want a boolean", p["has_next"])
		}
	})
	t.Run("transcripts", func(t *testing.T) {
		// analytics-transcripts-stats: summary.total_conversations (unguarded), pagination.total_pages
		got := get(t, "/api/analytics/messages/?platform_key=acme&page=1&limit=20")
		num(t, "summary.total_conversations", obj(t, "summary", got["summary"])["total_conversations"])
		num(t, "pagination.total_pages", obj(t, "pagination", got["pagination"])["total_pages"])
		arr(t, "results", got["results"])
		// messages[].human, messages[].ai
		det := get(t, "/api/analytics/messages/details/?platform_key=acme&session_id=3f6c1f3e-8a0e-4d7b-9d2a-5a8d1c2b4e6f")
		msgs := arr(t, "messages", det["messages"])
		if len(msgs) == 0 {
			t.Fatal("a transcript without messages")
		}
		for _, m := range msgs {
			str(t, "messages[].human", obj(t, "message", m)["human"])
			str(t, "messages[].ai", obj(t, "message", m)["ai"])
		}
	})
	t.Run("conversation headline by metric", func(t *testing.T) {
		// analytics-transcripts-stats: avg_messages_per_conversation.value / .percentage_change
		h := get(t, "/api/analytics/conversations/?platform_key=acme&metric=headline")
		faketest.Equal(t, "metric", h["metric"], any("headline"))
		for _, k := range []string{"avg_rating", "avg_cost_per_conversation", "avg_messages_per_conversation"} {
			num(t, k+".value", obj(t, k, h[k])["value"])
			num(t, k+".percentage_change", obj(t, k, h[k])["percentage_change"])
		}
		// The default metric is the chart.
		chart := get(t, "/api/analytics/conversations/?platform_key=acme")
		faketest.Equal(t, "metric", chart["metric"], any("conversations"))
		arr(t, "points", chart["points"])
	})
	t.Run("financial details rows", func(t *testing.T) {
		// analytics-financial-stats: rows.map(item => item.provider, item.total_cost)
		got := get(t, "/api/analytics/financial/details/?platform_key=acme&group_by=provider&date_filter=30d")
		rows := arr(t, "rows", got["rows"])
		for _, r := range rows {
			num(t, "rows[].total_cost", obj(t, "row", r)["total_cost"])
		}
	})
	t.Run("custom domains", func(t *testing.T) {
		// TenantProvider: 'custom_domains' in data, domains[0].platform_key
		arr(t, "custom_domains", get(t, "/api/custom-domains/?domain=localhost")["custom_domains"])
	})
	t.Run("permission check", func(t *testing.T) {
		// MentorProvider: {...mentorPermissions}
		c.Must(t, 200, "POST", "/api/core/rbac/permissions/check/", map[string]any{
			"platform_key": "acme", "resources": []string{"/mentors/", "/apitokens/"},
		}).Obj(t)
	})
	t.Run("metadata objects", func(t *testing.T) {
		// TenantProvider: tenantMetadata.metadata.spa_domains...
		obj(t, "metadata", get(t, "/api/core/orgs/acme/metadata/")["metadata"])
		// MentorProvider: mentor.metadata.default
		for _, m := range arr(t, "results", get(t, "/api/search/orgs/acme/users/alice/mentors/")["results"]) {
			if md := obj(t, "mentor", m)["metadata"]; md != nil {
				obj(t, "results[].metadata", md)
			}
		}
	})
}
