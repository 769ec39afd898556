package fake_test

import (
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/faketest"
)

func TestClockAdmin(t *testing.T) {
	t.Parallel()
	c := faketest.NewClient(t)
	before := time.Now()
	r := c.Must(t, 200, "POST", "/_fake/clock", map[string]any{"offset": "720h"}).Obj(t)
	now, err := time.Parse(time.RFC3339Nano, faketest.Str(t, r, "now"))
	if err != nil || now.Sub(before) < 719*time.Hour || now.Sub(before) > 721*time.Hour {
		t.Fatalf("now = %v after offset 720h from %v", r["now"], before)
	}
	faketest.Equal(t, "offset", r["offset"], any("720h0m0s"))
	r = c.Must(t, 200, "POST", "/_fake/clock", map[string]any{"now": "2030-01-02T03:04:05Z"}).Obj(t)
	faketest.JSONEq(t, r, `{"now": "2030-01-02T03:04:05Z", "offset": "0s", "frozen": true}`)
	faketest.JSONEq(t, c.Must(t, 200, "POST", "/_fake/clock", map[string]any{"advance": "-1h"}).Body,
		`{"now": "2030-01-02T02:04:05Z", "offset": "0s", "frozen": true}`)
	faketest.JSONEq(t, c.Must(t, 200, "GET", "/_fake/clock", nil).Body, `{"now": "2030-01-02T02:04:05Z", "offset": "0s", "frozen": true}`)
	c.Must(t, 400, "POST", "/_fake/clock", map[string]any{"offset": "a month"})
	c.Must(t, 400, "POST", "/_fake/clock", map[string]any{"offset": "1h", "now": "2030-01-02T03:04:05Z"})
	c.Must(t, 400, "POST", "/_fake/clock", map[string]any{})
	r = c.Must(t, 200, "POST", "/_fake/clock", map[string]any{"offset": "0s"}).Obj(t)
	faketest.Equal(t, "frozen after offset", r["frozen"], any(false))

	d := faketest.NewClient(t, fake.WithClockOffset(-48*time.Hour))
	faketest.Equal(t, "option offset", d.Must(t, 200, "GET", "/_fake/clock", nil).Obj(t)["offset"], any("-48h0m0s"))

	// A reset sets the clock back to its start-up setting.
	c.Must(t, 200, "POST", "/_fake/clock", map[string]any{"now": "2030-01-02T03:04:05Z"})
	c.Must(t, 200, "POST", "/_fake/reset", nil)
	faketest.Equal(t, "frozen after reset", c.Must(t, 200, "GET", "/_fake/clock", nil).Obj(t)["frozen"], any(false))
	d.Must(t, 200, "POST", "/_fake/clock", map[string]any{"offset": "1h"})
	d.Must(t, 200, "POST", "/_fake/reset", nil)
	faketest.Equal(t, "offset after reset", d.Must(t, 200, "GET", "/_fake/clock", nil).Obj(t)["offset"], any("-48h0m0s"))
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	e := faketest.NewClient(t, fake.WithClockAt(at))
	e.Must(t, 200, "POST", "/_fake/clock", map[string]any{"advance": "24h"})
	e.Must(t, 200, "POST", "/_fake/reset", nil)
	faketest.Equal(t, "now after reset", e.Must(t, 200, "GET", "/_fake/clock", nil).Obj(t)["now"], any("2025-01-01T00:00:00Z"))
}
