package fake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/labstack/echo/v4"
)

// WithClockOffset starts the fake's clock moved by d from the real time
// (negative allowed), as POST /_fake/clock {"offset": "..."} does. Expiry,
// "today" in analytics and the processing of group assignments follow it.
func WithClockOffset(d time.Duration) Option {
	return func(o *options) error {
		o.clockSetup = append(o.clockSetup, func(c *api.Clock) { c.SetOffset(d) })
		return nil
	}
}

// WithClockAt starts the fake's clock frozen at t, as POST /_fake/clock
// {"now": "..."} does.
func WithClockAt(t time.Time) Option {
	return func(o *options) error {
		o.clockSetup = append(o.clockSetup, func(c *api.Clock) { c.SetNow(t) })
		return nil
	}
}

// clockView is what GET and POST /_fake/clock answer.
type clockView struct {
	Now    string `json:"now"`
	Offset string `json:"offset"`
	Frozen bool   `json:"frozen"`
}

func viewClock(c *api.Clock) clockView {
	return clockView{Now: c.Now().Format(time.RFC3339Nano), Offset: c.Offset().String(), Frozen: c.Frozen()}
}

// clockRoutes serve the fake's clock under /_fake/clock:
//
//	GET  /_fake/clock                       {"now": ..., "offset": "0s", "frozen": false}
//	POST /_fake/clock {"offset": "720h"}    real time moved by a Go duration (negative allowed; "0s" resets)
//	POST /_fake/clock {"advance": "1h"}     move the clock on from where it is
//	POST /_fake/clock {"now": "<RFC 3339>"} freeze the clock at an instant
func (s *Server) clockRoutes() []api.Route {
	return []api.Route{
		{Method: http.MethodGet, Path: "/clock", Handler: func(c echo.Context) error {
			return api.JSON(c, http.StatusOK, viewClock(s.deps.Clock))
		}},
		{Method: http.MethodPost, Path: "/clock", Handler: s.moveClock},
	}
}

// moveClock is POST /_fake/clock.
func (s *Server) moveClock(c echo.Context) error {
	var body struct {
		Offset  *string `json:"offset"`
		Advance *string `json:"advance"`
		Now     *string `json:"now"`
	}
	if err := json.Unmarshal(api.RequestBody(c).Raw, &body); err != nil {
		return api.Detail(http.StatusBadRequest, "JSON parse error - "+err.Error())
	}
	set := 0
	for _, p := range []*string{body.Offset, body.Advance, body.Now} {
		if p != nil {
			set++
		}
	}
	if set != 1 {
		return api.NonField(`Send exactly one of "offset", "advance" (Go durations such as "720h" or "-90m") or "now" (an RFC 3339 time).`)
	}
	clock := s.deps.Clock
	switch {
	case body.Now != nil:
		t, err := time.Parse(time.RFC3339Nano, *body.Now)
		if err != nil || t.UTC().Year() < 1 || t.UTC().Year() > 9999 {
			return api.Field("now", fmt.Sprintf("%q is not an RFC 3339 time in years 1-9999.", *body.Now))
		}
		clock.SetNow(t)
	case body.Offset != nil:
		d, err := time.ParseDuration(*body.Offset)
		if err != nil {
			return api.Field("offset", fmt.Sprintf("%q is not a Go duration.", *body.Offset))
		}
		clock.SetOffset(d)
	default:
		d, err := time.ParseDuration(*body.Advance)
		if err != nil {
			return api.Field("advance", fmt.Sprintf("%q is not a Go duration.", *body.Advance))
		}
		if err := clock.Advance(d); err != nil {
			return api.Field("advance", err.Error())
		}
	}
	s.saveClock(true) // a --db fake starts again with the clock as moved
	return api.JSON(c, http.StatusOK, viewClock(clock))
}
