package reports

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/drf"
	"github.com/labstack/echo/v4"
)

// Report is one requested report.
type Report struct {
	ID     string `json:"report_id"`
	Tenant string `json:"tenant"`
	Name   string `json:"report_name"`
	// Token is the secret part of the file's public URL, as a presigned
	// URL's signature: the report's id alone comes from the seeded id
	// sequence, which anyone who knows the seed can tell.
	Token string `json:"token"`
	// Params are the request's fields besides report_name (mentor, dates,
	// course, groups, ...), which make a request the same as an earlier
	// one or not.
	Params    map[string]any `json:"params,omitempty"`
	CreatedAt time.Time      `json:"created_at"`
}

// The states of StateEnum the fake's reports go through.
const (
	stateProcessing = "processing"
	stateCompleted  = "completed"
	stateExpired    = "expired"
)

// state is the report's state at now: processing for Delay after it was
// requested, then completed for Lifetime, then expired.
func (r *Report) state(now time.Time) string {
	done := r.CreatedAt.Add(Delay)
	switch {
	case now.Before(done):
		return stateProcessing
	case now.Before(done.Add(Lifetime)):
		return stateCompleted
	}
	return stateExpired
}

// status is the report's ReportStatus at now; a completed report's has the
// URL of its file on the fake's own host and when it expires.
func (r *Report) status(c echo.Context, now time.Time) map[string]any {
	st := map[string]any{"report_id": r.ID, "report_name": r.Name, "state": r.state(now),
		"created_at": drf.FormatDateTime(r.CreatedAt), "started_on": drf.FormatDateTime(r.CreatedAt)}
	if st["state"] == stateCompleted {
		st["url"] = r.fileURL(c)
		st["expires"] = drf.FormatDateTime(r.CreatedAt.Add(Delay + Lifetime))
	}
	return st
}

// fileURL is where the report's file is served (MediaPath).
func (r *Report) fileURL(c echo.Context) string {
	u := url.URL{Scheme: c.Scheme(), Host: c.Request().Host,
		Path: "/media/reports/" + r.Tenant + "/" + r.ID + "/" + r.Token + "/" + r.Name + ".csv"}
	return u.String()
}

// data is a report type as the list and the detail answer it (ReportData),
// with the status of the tenant's latest request of it ({} for none).
func (t *reportType) data(status map[string]any) map[string]any {
	if status == nil {
		status = map[string]any{}
	}
	return map[string]any{"report_name": t.Name, "display_name": t.Display, "description": t.Description,
		"extra_query_params": t.Params, "result_columns": t.Columns, "status": status}
}

// latest is the tenant's latest request of report type name, or nil.
func latest(tx store.Tx, tenant, name string) (*Report, error) {
	id := tx.Get(bktLatest, tenant+store.KeySep+name)
	if id == nil {
		return nil, nil
	}
	return get(tx, tenant, string(id))
}

// get is the tenant's report id, or nil.
func get(tx store.Tx, tenant, id string) (*Report, error) {
	var r Report
	ok, err := store.GetJSON(tx, bktRequests, tenant+store.KeySep+id, &r)
	if err != nil || !ok {
		return nil, err
	}
	return &r, nil
}

// list answers every report type with the status of the tenant's latest
// request of it.
func (m *Module) list(c echo.Context) error {
	tenant, now := api.Tenant(c), m.d.Clock.Now()
	out := make([]any, 0, len(types))
	err := m.d.Store.View(func(tx store.Tx) error {
		for i := range types {
			r, err := latest(tx, tenant, types[i].Name)
			if err != nil {
				return err
			}
			var st map[string]any
			if r != nil {
				st = r.status(c, now)
			}
			out = append(out, types[i].data(st))
		}
		return nil
	})
	if err != nil {
		return err
	}
	return api.JSON(c, http.StatusOK, map[string]any{"data": out})
}

// detail answers one report type and the status of the tenant's latest
// request of it: the page polls it until the state is completed. An
// unknown type is DRF's 404, as the operation's description says.
func (m *Module) detail(c echo.Context) error {
	t := typeOf(c.Param("report_name"))
	if t == nil {
		return api.NotFound()
	}
	r, err := api.Read(m.d.Store, func(tx store.Tx) (*Report, error) { return latest(tx, api.Tenant(c), t.Name) })
	if err != nil {
		return err
	}
	var st map[string]any
	if r != nil {
		st = r.status(c, m.d.Clock.Now())
	}
	return api.JSON(c, http.StatusOK, map[string]any{"data": t.data(st)})
}

// create requests a report: report_name must be a type the platform
// offers. A request like the tenant's latest of that type (the same
// parameters), while that one has not expired, answers its status, as the
// operation's description says ("If the report has been previously
// requested, it returns the status of the report"), unless force asks for
// a new one; else a new report starts processing.
func (m *Module) create(c echo.Context) error {
	body := api.RequestBody(c).Object()
	name, _ := body["report_name"].(string)
	name = strings.TrimSpace(name)
	if name == "" {
		return api.Field("report_name", api.MsgRequired)
	}
	t := typeOf(name)
	if t == nil {
		// DRF's ChoiceField wording.
		return api.Field("report_name", fmt.Sprintf("%q is not a valid choice.", name))
	}
	params := map[string]any{}
	for k, v := range body {
		if k != "report_name" && k != "force" && v != nil && v != "" {
			params[k] = v
		}
	}
	force := false
	switch v := body["force"].(type) {
	case bool:
		force = v
	case string:
		force = api.True(v)
	}
	tenant, now := api.Tenant(c), m.d.Clock.Now()
	var r *Report
	err := m.d.Store.Update(func(tx store.Tx) error {
		old, err := latest(tx, tenant, name)
		if err != nil {
			return err
		}
		if old != nil && !force && old.state(now) != stateExpired && sameParams(old.Params, params) {
			r = old
			return nil
		}
		r = &Report{ID: m.d.IDs.UUID(), Tenant: tenant, Name: name, Token: token(), Params: params, CreatedAt: now}
		if err := store.PutJSON(tx, bktRequests, tenant+store.KeySep+r.ID, r); err != nil {
			return err
		}
		return tx.Put(bktLatest, tenant+store.KeySep+name, []byte(r.ID))
	})
	if err != nil {
		return err
	}
	return api.JSON(c, http.StatusOK, map[string]any{"data": r.status(c, now)})
}

// sameParams reports whether two requests ask for the same report.
func sameParams(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for _, k := range slices.Sorted(maps.Keys(a)) {
		x, _ := json.Marshal(a[k])
		y, _ := json.Marshal(b[k])
		if string(x) != string(y) {
			return false
		}
	}
	return true
}

// token is a new secret for a file URL.
func token() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
