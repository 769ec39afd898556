package credentials_test

import (
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/faketest"
)

func TestOverTimeAnalytics(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t, fake.WithClockAt(time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)))
	iss := c.CreateIssuer(t, "acme", "Acme")
	cred := c.CreateCredential(t, "acme", iss, "Badge", nil)
	at := func(ts string) {
		c.Must(t, 200, "POST", "/_fake/clock", map[string]any{"now": ts})
	}
	c.Issue(t, "acme", cred, "u1", map[string]any{"course": "course-v1:acme+X+1"})
	at("2024-03-09T08:00:00Z")
	c.Issue(t, "acme", cred, "u2", nil)
	c.Issue(t, "acme", cred, "u3", map[string]any{"course": "course-v1:acme+X+1"})
	at("2024-03-10T23:59:00Z")
	c.CreateCredential(t, "acme", iss, "Second badge", nil)
	c.Issue(t, "acme", cred, "u4", nil)

	r := c.Must(t, 200, "GET", faketest.Base("acme")+"assertions-over-time/?start_date=2024-03-08&end_date=2024-03-11", nil)
	faketest.JSONEq(t, r.Body, `{"data": {"2024-03-08": 0, "2024-03-09": 2, "2024-03-10": 1, "2024-03-11": 0}, "total": 3,
		"meta": {"total": 3, "change_range": 3, "change_range_percent": 300,
		         "change_last_seven_days": 3, "change_last_seven_days_percent": 300,
		         "change_last_thirty_days": 4, "change_last_thirty_days_percent": 100}}`)

	r = c.Must(t, 200, "GET", faketest.Base("acme")+"course-assertions-over-time/?start_date=2024-02-29T10:00:00Z&end_date=2024-03-02", nil)
	faketest.JSONEq(t, r.Body, `{"data": {"2024-02-29": 0, "2024-03-01": 1, "2024-03-02": 0}, "total": 1}`)
	r = c.Must(t, 200, "GET", faketest.Base("acme")+"credentials-over-time/", nil)
	faketest.JSONEq(t, r.Body, `{"data": {"2024-03-01": 1, "2024-03-10": 1}, "total": 2}`)
	r = c.Must(t, 200, "GET", faketest.Base("acme")+"credentials-over-time/?start_date=2024-03-09", nil)
	faketest.JSONEq(t, r.Body, `{"data": {"2024-03-09": 0, "2024-03-10": 1}, "total": 1}`)

	t.Run("Errors", func(t *testing.T) {
		faketest.JSONEq(t, c.Must(t, 400, "GET", faketest.Base("acme")+"assertions-over-time/?start_date=March", nil).Body,
			`{"start_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."]}`)
		c.Must(t, 400, "GET", faketest.Base("acme")+"assertions-over-time/?start_date=2024-03-10&end_date=2024-03-01", nil)
		c.Must(t, 400, "GET", faketest.Base("acme")+"assertions-over-time/?format=xml", nil)
		faketest.SeedCredentialGroups(t, c, "acme")
		c.Must(t, 403, "GET", faketest.UserBase("acme", "bob")+"assertions-over-time/", nil)
		c.Must(t, 200, "GET", faketest.UserBase("acme", "bob")+"credentials-over-time/", nil)
	})
}
