package credentials

import (
	"math"
	"net/http"
	"time"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/drf"
	"github.com/labstack/echo/v4"
)

// maxOverTimeDays bounds a zero-filled range (about ten years).
const maxOverTimeDays = 3660

const dayLayout = "2006-01-02"

// OverTimeMeta is the vendor's OvertimeMeta. A change is how much the
// running total grew in a window (the events in it); its percentage is that
// growth relative to the total before the window (100 when there was none
// before and some in it).
type OverTimeMeta struct {
	Total                       int     `json:"total"`
	ChangeRange                 int     `json:"change_range"`
	ChangeLastSevenDays         int     `json:"change_last_seven_days"`
	ChangeLastThirtyDays        int     `json:"change_last_thirty_days"`
	ChangeLastSevenDaysPercent  float64 `json:"change_last_seven_days_percent"`
	ChangeLastThirtyDaysPercent float64 `json:"change_last_thirty_days_percent"`
	ChangeRangePercent          float64 `json:"change_range_percent"`
}

// OverTimeView is the answer of the over-time endpoints; Meta only for
// assertions-over-time (OvertimeWithChangeInfo).
type OverTimeView struct {
	Data  map[string]int `json:"data"`
	Total int            `json:"total"`
	Meta  *OverTimeMeta  `json:"meta,omitempty"`
}

// parseDay reads start_date / end_date: YYYY-MM-DD or an ISO 8601
// date-time (its UTC day).
func parseDay(field, s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	if t, err := drf.ParseDateTime(s); err == nil {
		d := day(t)
		return &d, nil
	}
	return nil, api.Field(field, "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.")
}

// day truncates t to its UTC day.
func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func percent(change, before int) float64 {
	if before == 0 {
		if change > 0 {
			return 100
		}
		return 0
	}
	return math.Round(float64(change)/float64(before)*10000) / 100
}

// overTime counts events per UTC day. With start_date or end_date the days
// between them are all listed, zero-filled (a missing start is the first
// event's day, a missing end today on the fake's clock); without either,
// only days with events are. total is the sum of data.
func (h *Handlers) overTime(c echo.Context, withMeta bool, load func(tx store.Tx) ([]time.Time, error)) error {
	start, err := parseDay("start_date", c.QueryParam("start_date"))
	if err != nil {
		return err
	}
	end, err := parseDay("end_date", c.QueryParam("end_date"))
	if err != nil {
		return err
	}
	var events []time.Time
	if err := h.d.Store.View(func(tx store.Tx) (err error) {
		events, err = load(tx)
		return err
	}); err != nil {
		return err
	}
	today := day(h.d.Clock.Now())
	first := today
	for _, e := range events {
		if d := day(e); d.Before(first) {
			first = d
		}
	}
	ranged := start != nil || end != nil
	lo, hi := first, today
	if start != nil {
		lo = *start
	}
	if end != nil {
		hi = *end
	}
	if ranged && hi.Before(lo) {
		return api.Field("end_date", "end_date must not be before start_date.")
	}
	if ranged && hi.Sub(lo) > maxOverTimeDays*24*time.Hour {
		return api.Field("end_date", "The range may span at most 3660 days.")
	}
	out := OverTimeView{Data: map[string]int{}}
	if ranged {
		for d := lo; !d.After(hi); d = d.AddDate(0, 0, 1) {
			out.Data[d.Format(dayLayout)] = 0
		}
	}
	// count returns the events on days [from, to].
	count := func(from, to time.Time) int {
		n := 0
		for _, e := range events {
			if d := day(e); !d.Before(from) && !d.After(to) {
				n++
			}
		}
		return n
	}
	for _, e := range events {
		d := day(e)
		if ranged && (d.Before(lo) || d.After(hi)) {
			continue
		}
		out.Data[d.Format(dayLayout)]++
		out.Total++
	}
	if withMeta {
		before := func(t time.Time) int { return count(time.Time{}, t.AddDate(0, 0, -1)) }
		seven, thirty := today.AddDate(0, 0, -6), today.AddDate(0, 0, -29)
		m := &OverTimeMeta{Total: out.Total, ChangeRange: out.Total}
		m.ChangeLastSevenDays = count(seven, today)
		m.ChangeLastThirtyDays = count(thirty, today)
		m.ChangeLastSevenDaysPercent = percent(m.ChangeLastSevenDays, before(seven))
		m.ChangeLastThirtyDaysPercent = percent(m.ChangeLastThirtyDays, before(thirty))
		m.ChangeRangePercent = percent(m.ChangeRange, before(lo))
		out.Meta = m
	}
	return api.JSON(c, http.StatusOK, out)
}

// requireAdmin answers 403 unless the URL's {user_id} is a platform admin
// (SKILL-C: the assertion analytics are "Platform admin only").
func (h *Handlers) requireAdmin(c echo.Context) error {
	return h.d.Store.View(func(tx store.Tx) error {
		_, err := callerDirectory(c, tx)
		return err
	})
}

// analyticsTenants is the tenant, plus the main platform unless
// include_main_platform is false (it defaults to true) or the key may not
// read it.
func analyticsTenants(c echo.Context) []string {
	tenants := []string{api.Tenant(c)}
	incl := c.QueryParam("include_main_platform")
	if tenants[0] != mainTenant && (incl == "" || api.QueryBool(c, "include_main_platform")) && api.Allowed(c, mainTenant) {
		tenants = append(tenants, mainTenant)
	}
	return tenants
}

// tenantAssertions loads every assertion of the tenants (revoked ones too:
// the series counts issuance).
func tenantAssertions(tx store.Tx, tenants []string, keep func(*Assertion) bool) ([]time.Time, error) {
	var out []time.Time
	for _, t := range tenants {
		for _, crID := range ids(tx, bktCredsByTenant, t, false) {
			as, err := assertionsOf(tx, bktAssertionsByCred, crID)
			if err != nil {
				return nil, err
			}
			for _, a := range as {
				if keep(a) {
					out = append(out, a.IssuedOn)
				}
			}
		}
	}
	return out, nil
}

// assertionsOverTime counts assertions issued per day, with change figures.
func (h *Handlers) assertionsOverTime(c echo.Context) error {
	if err := h.requireAdmin(c); err != nil {
		return err
	}
	tenants := analyticsTenants(c)
	return h.overTime(c, true, func(tx store.Tx) ([]time.Time, error) {
		return tenantAssertions(tx, tenants, func(*Assertion) bool { return true })
	})
}

// courseAssertionsOverTime counts assertions earned for a course per day.
func (h *Handlers) courseAssertionsOverTime(c echo.Context) error {
	if err := h.requireAdmin(c); err != nil {
		return err
	}
	tenants := analyticsTenants(c)
	return h.overTime(c, false, func(tx store.Tx) ([]time.Time, error) {
		return tenantAssertions(tx, tenants, func(a *Assertion) bool { return a.Course != nil })
	})
}

// credentialsOverTime counts credentials created per day.
func (h *Handlers) credentialsOverTime(c echo.Context) error {
	tenants := analyticsTenants(c)
	return h.overTime(c, false, func(tx store.Tx) ([]time.Time, error) {
		var out []time.Time
		for _, t := range tenants {
			for _, id := range ids(tx, bktCredsByTenant, t, false) {
				cr, err := getCredential(tx, t, id)
				if err != nil {
					return nil, err
				}
				out = append(out, cr.CreatedAt)
			}
		}
		return out, nil
	})
}
