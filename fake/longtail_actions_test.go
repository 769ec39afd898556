package fake_test

import (
	"testing"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/faketest"
)

// TestATemplatesSwitchIsTheTemplates: a notification template's toggle
// (allow_notification) sets the template's is_enabled, which its list
// and detail then show, as the vendor's AlertsTab reads them; a template
// the platform has not is DRF's 404.
func TestATemplatesSwitchIsTheTemplates(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithLongTailFill())
	const base = "/api/notification/v1/platforms/acme/templates/"
	list := c.Must(t, 200, "GET", base, nil).Arr(t)
	if len(list) == 0 {
		t.Fatal("the filled template list is empty")
	}
	tpl := list[0].(map[string]any)
	typ, was := tpl["type"].(string), tpl["is_enabled"] == true
	ans := c.Must(t, 200, "PATCH", base+typ+"/toggle/", map[string]any{"allow_notification": !was}).Obj(t)
	faketest.Equal(t, "the answer", ans["allow_notification"], any(!was))
	for _, it := range c.Must(t, 200, "GET", base, nil).Arr(t) {
		if it := it.(map[string]any); it["type"] == typ {
			faketest.Equal(t, "listed is_enabled", it["is_enabled"], any(!was))
		}
	}
	faketest.Equal(t, "detail is_enabled", c.Must(t, 200, "GET", base+typ+"/", nil).Obj(t)["is_enabled"], any(!was))
	c.Must(t, 200, "PATCH", base+typ+"/toggle/", map[string]any{}) // sets nothing
	faketest.Equal(t, "unchanged", c.Must(t, 200, "GET", base+typ+"/", nil).Obj(t)["is_enabled"], any(!was))
	c.Must(t, 404, "PATCH", base+"NO_SUCH_TYPE/toggle/", map[string]any{"allow_notification": true})
}

// TestAFilledItemOpensByTheIDItShows: an item the fill makes, whose id
// is a choice (a notification template's type), opens by the id the
// list shows, and no two items share one.
func TestAFilledItemOpensByTheIDItShows(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithLongTailFill(), fake.WithSeed(3))
	const base = "/api/notification/v1/platforms/acme/templates/"
	seen := map[string]bool{}
	for _, it := range c.Must(t, 200, "GET", base, nil).Arr(t) {
		typ := it.(map[string]any)["type"].(string)
		if seen[typ] {
			t.Errorf("two templates of type %s", typ)
		}
		seen[typ] = true
		c.Must(t, 200, "GET", base+typ+"/", nil)
	}
}
