package catalog

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/drf"
	"github.com/iblfake/iblfake/internal/edxkey"
	"github.com/labstack/echo/v4"
)

// LicenseView is a license as the API answers it (the real to_json():
// SKILL-CI, the spec's *LicenseDetail schemas).
type LicenseView struct {
	ID          int64          `json:"id"`
	Created     string         `json:"created"`
	Started     string         `json:"started"`
	Expired     *string        `json:"expired"`
	Name        string         `json:"name"`
	Count       int            `json:"count"`
	Active      bool           `json:"active"`
	Metadata    map[string]any `json:"metadata"`
	Source      string         `json:"source"`
	ExternalID  *string        `json:"external_id"`
	PlatformKey string         `json:"platform_key"`
	CourseID    *string        `json:"course_id,omitempty"`
	ProgramID   *string        `json:"program_id,omitempty"`
	ProgramKey  *string        `json:"program_key,omitempty"`
	ProgramName *string        `json:"program_name,omitempty"`
	UsageCount  *int           `json:"usage_count,omitempty"`
	Assignments *Summary       `json:"assignments,omitempty"`
}

// Summary counts a license's assignments: all of them, the active ones
// (each holding a seat) and the active ones not yet fulfilled.
type Summary struct {
	Total   int `json:"total"`
	Active  int `json:"active"`
	Pending int `json:"pending"`
}

func summarize(as []*Assignment) Summary {
	var s Summary
	for _, a := range as {
		s.Total++
		if a.Active {
			s.Active++
			if !a.Fulfilled {
				s.Pending++
			}
		}
	}
	return s
}

func licenseView(l *License, as []*Assignment, verbose bool) LicenseView {
	v := LicenseView{ID: l.ID, Created: drf.FormatDateTime(l.Created), Started: drf.FormatDateTime(l.Started),
		Expired: timestampPtr(l.Expired), Name: l.Name, Count: l.Count, Active: l.Active,
		Metadata: nonNilMap(l.Metadata), Source: l.Source, ExternalID: l.ExternalID, PlatformKey: l.Platform}
	switch l.Kind {
	case kindCourse:
		v.CourseID = &l.CourseID
	case kindProgram:
		if l.ProgramID != "" {
			v.ProgramID = &l.ProgramID
		}
		name := programName(l.ProgramKey)
		v.ProgramKey, v.ProgramName = &l.ProgramKey, &name
	}
	if l.Kind != kindPlatform {
		s := summarize(as)
		v.UsageCount = &s.Active
		if verbose {
			v.Assignments = &s
		}
	}
	return v
}

func nonNilMap(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

var licenseList = newListQuery("-id",
	[]string{"id", "created", "started", "expired", "name", "count", "active", "source", "external_id", "platform_key"},
	"name", "query", "source", "active", "external_id", "course_id", "program_id")

// listLicenses answers the licenses of kind on the named tenant (or on
// every tenant the key may touch), filtered and sorted as SKILL-CI says.
func (h *Handlers) listLicenses(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		tenant := api.Tenant(c)
		meta := licenseList.metadataFilters(c)
		verbose := api.QueryBool(c, "verbose")
		q := c.QueryParams()
		var rows []row
		err := h.d.Store.View(func(tx store.Tx) error {
			var ids []int64
			if tenant != "" {
				ids = indexIDs(tx, bktLicensesByTenant+kind, tenant)
			} else {
				ids = allIDs(tx, bktLicenses+kind)
			}
			for _, id := range ids {
				l, err := getLicense(tx, kind, id)
				if err != nil {
					return err
				}
				if l == nil || !visible(c, l.Platform) || !licenseMatches(l, q, meta) {
					continue
				}
				var as []*Assignment
				if kind != kindPlatform {
					if as, err = assignmentsOf(tx, l); err != nil {
						return err
					}
				}
				rows = append(rows, row{view: licenseView(l, as, verbose), fields: map[string]any{
					"id": l.ID, "created": l.Created, "started": l.Started, "expired": ptrValue(l.Expired),
					"name": l.Name, "count": l.Count, "active": l.Active, "source": l.Source,
					"external_id": ptrValue(l.ExternalID), "platform_key": l.Platform,
				}})
			}
			return nil
		})
		if err != nil {
			return err
		}
		return licenseList.respond(c, rows)
	}
}

func licenseMatches(l *License, q map[string][]string, meta map[string]string) bool {
	val := func(k string) (string, bool) {
		vs, ok := q[k]
		if !ok || len(vs) == 0 {
			return "", false
		}
		return vs[len(vs)-1], true
	}
	if v, ok := val("name"); ok && l.Name != v {
		return false
	}
	if v, ok := val("query"); ok && !strings.Contains(strings.ToLower(l.Name), strings.ToLower(v)) {
		return false
	}
	if v, ok := val("source"); ok && l.Source != v {
		return false
	}
	if v, ok := val("active"); ok && l.Active != api.True(v) {
		return false
	}
	if v, ok := val("external_id"); ok && (l.ExternalID == nil || *l.ExternalID != v) {
		return false
	}
	if v, ok := val("course_id"); ok && l.Kind == kindCourse && l.CourseID != v {
		return false
	}
	if v, ok := val("program_id"); ok && l.Kind == kindProgram && !programMatches(l, v) {
		return false
	}
	return matchesMetadata(l.Metadata, meta)
}

// programMatches reports whether the program_id filter v names l's
// program: its id, its key, or (for a license created with program_key
// alone, which records no run) any run of its program, as the program
// invitation list matches program_id by its key.
func programMatches(l *License, v string) bool {
	if l.ProgramID == v || l.ProgramKey == v {
		return true
	}
	key, ok := edxkey.ProgramKey(v)
	return ok && l.ProgramID == "" && key == l.ProgramKey
}

// licenseWrite is the body of every license create and update.
type licenseWrite struct {
	LicenseID        api.Opt[int64]          `json:"license_id"`
	PlatformKey      api.Opt[string]         `json:"platform_key"`
	CourseID         api.Opt[string]         `json:"course_id"`
	ProgramID        api.Opt[string]         `json:"program_id"`
	ProgramKey       api.Opt[string]         `json:"program_key"`
	Name             api.Opt[string]         `json:"name"`
	Count            api.Opt[int]            `json:"count"`
	Started          api.Opt[string]         `json:"started"`
	Expired          api.Opt[string]         `json:"expired"`
	Active           api.Opt[bool]           `json:"active"`
	Metadata         api.Opt[map[string]any] `json:"metadata"`
	EnrollmentConfig api.Opt[map[string]any] `json:"enrollment_config"`
	Source           api.Opt[string]         `json:"source"`
	ExternalID       api.Opt[string]         `json:"external_id"`
	TransactionID    api.Opt[string]         `json:"transaction_id"`
	ChangeType       api.Opt[string]         `json:"change_type"`
}

// apply writes the body's updatable fields onto l and returns the names of
// the fields it changed.
func (w *licenseWrite) apply(l *License) ([]string, error) {
	var changed []string
	set := func(name string) { changed = append(changed, name) }
	if w.Name.Has() {
		l.Name = w.Name.V
		set("name")
	}
	if w.Count.Has() {
		if w.Count.V < 0 {
			return nil, api.Field("count", "Ensure this value is greater than or equal to 0.")
		}
		l.Count = w.Count.V
		set("count")
	}
	if w.Started.Has() {
		t, err := parseTime("started", w.Started.V)
		if err != nil {
			return nil, err
		}
		l.Started = t
		set("started")
	}
	if w.Expired.Set {
		l.Expired = nil
		if !w.Expired.Null {
			t, err := parseTime("expired", w.Expired.V)
			if err != nil {
				return nil, err
			}
			l.Expired = &t
		}
		set("expired")
	}
	if w.Active.Has() {
		l.Active = w.Active.V
		set("active")
	}
	if w.Metadata.Set {
		l.Metadata = nonNilMap(w.Metadata.V)
		set("metadata")
	}
	if w.EnrollmentConfig.Set && l.Kind != kindPlatform {
		l.EnrollmentConfig = w.EnrollmentConfig.V
		set("enrollment_config")
	}
	if w.Source.Has() {
		l.Source = w.Source.V
		set("source")
	}
	return changed, nil
}

// setExternalID gives l a new external_id, which must be unique among the
// licenses of its kind (a unique column in the real service).
func setExternalID(tx store.Tx, l *License, ext api.Opt[string]) error {
	if !ext.Set {
		return nil
	}
	if ext.Null || ext.V == "" {
		l.ExternalID = nil
		return nil
	}
	other, err := licenseByExternalID(tx, l.Kind, ext.V)
	if err != nil {
		return err
	}
	if other != nil && other.ID != l.ID {
		return api.Field("external_id", l.Kind+" license with this external id already exists.")
	}
	v := ext.V
	l.ExternalID = &v
	return nil
}

// createLicense creates a license of kind on the body's platform_key. Course
// licenses need a course key (404 otherwise, as the spec declares); program
// licenses a program_id (program-v1:ORG+PROGRAM+RUN) or program_key.
func (h *Handlers) createLicense(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		var w licenseWrite
		if _, err := readBody(c, &w); err != nil {
			return err
		}
		platform := w.PlatformKey.V
		if platform == "" {
			platform = api.Tenant(c)
		}
		if platform == "" {
			return api.Field("platform_key", api.MsgRequired)
		}
		if err := mayWrite(c, platform); err != nil {
			return err
		}
		now := h.d.Clock.Now()
		l := &License{Kind: kind, Platform: platform, Active: true, Created: now, Started: now,
			Metadata: map[string]any{}}
		switch kind {
		case kindCourse:
			if _, ok := courseOrg(w.CourseID.V); !ok {
				return api.NotFound()
			}
			l.CourseID = w.CourseID.V
		case kindProgram:
			l.Source = "api" // ProgramLicenseCreateDetail.source default
			switch {
			case w.ProgramID.Has():
				key, ok := edxkey.ProgramKey(w.ProgramID.V)
				if !ok {
					return api.Field("program_id", "Enter a program id like program-v1:ORG+PROGRAM+RUN.")
				}
				l.ProgramID, l.ProgramKey = w.ProgramID.V, key
				if w.ProgramKey.Has() && w.ProgramKey.V != key {
					return api.Field("program_key", "The program key does not match program_id.")
				}
			case w.ProgramKey.Has():
				if _, ok := programOrg(w.ProgramKey.V); !ok {
					return api.Field("program_key", "Enter a program key like ORG+PROGRAM.")
				}
				l.ProgramKey = w.ProgramKey.V
			default:
				return api.Field("program_id", api.MsgRequired)
			}
		}
		if _, err := w.apply(l); err != nil {
			return err
		}
		view, err := api.Write(h.d.Store, func(tx store.Tx) (view LicenseView, err error) {
			if err := setExternalID(tx, l, w.ExternalID); err != nil {
				return view, err
			}
			id, err := nextID(tx, bktLicenses+kind)
			if err != nil {
				return view, err
			}
			l.ID = id
			l.History = []Change{{At: now, ChangeType: changeType(w.ChangeType, "create"),
				TransactionID: w.TransactionID.V, Fields: []string{"*"}}}
			if err := putLicense(tx, l, true, nil); err != nil {
				return view, err
			}
			return licenseView(l, nil, false), nil
		})
		if err != nil {
			return err
		}
		return api.JSON(c, http.StatusOK, view)
	}
}

func changeType(o api.Opt[string], def string) string {
	if o.Has() && o.V != "" {
		return o.V
	}
	return def
}

// updateLicense updates the license named by license_id or external_id
// (license_id wins). Its platform, course and program never change; its
// count never drops below the seats in use; each update is recorded in its
// history.
func (h *Handlers) updateLicense(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		var w licenseWrite
		if _, err := readBody(c, &w); err != nil {
			return err
		}
		if !w.LicenseID.Has() && !(w.ExternalID.Has() && w.ExternalID.V != "") {
			return api.NonField("Either license_id or external_id is required.")
		}
		view, err := api.Write(h.d.Store, func(tx store.Tx) (view LicenseView, err error) {
			var l *License
			if w.LicenseID.Has() {
				l, err = getLicense(tx, kind, w.LicenseID.V)
			} else {
				l, err = licenseByExternalID(tx, kind, w.ExternalID.V)
			}
			if err != nil {
				return view, err
			}
			if l == nil || !visible(c, l.Platform) {
				return view, api.NotFound()
			}
			if err := immutable(l, &w); err != nil {
				return view, err
			}
			prevExt := l.ExternalID
			changed, err := w.apply(l)
			if err != nil {
				return view, err
			}
			if w.LicenseID.Has() && w.ExternalID.Set {
				if err := setExternalID(tx, l, w.ExternalID); err != nil {
					return view, err
				}
				changed = append(changed, "external_id")
			}
			var as []*Assignment
			if kind != kindPlatform {
				if as, err = assignmentsOf(tx, l); err != nil {
					return view, err
				}
				if used := summarize(as).Active; l.Count < used {
					return view, api.Field("count", fmt.Sprintf("Ensure this value is greater than or equal to %d, the seats in use.", used))
				}
			}
			l.History = append(l.History, Change{At: h.d.Clock.Now(), ChangeType: changeType(w.ChangeType, "update"),
				TransactionID: w.TransactionID.V, Fields: changed})
			if err := putLicense(tx, l, false, prevExt); err != nil {
				return view, err
			}
			return licenseView(l, as, false), nil
		})
		if err != nil {
			return err
		}
		return api.JSON(c, http.StatusOK, view)
	}
}

// immutable refuses a body that would move a license to another platform,
// course or program.
func immutable(l *License, w *licenseWrite) error {
	cannot := func(field string) error {
		return api.Field(field, "This field cannot be changed on an existing license.")
	}
	if w.PlatformKey.Has() && w.PlatformKey.V != l.Platform {
		return cannot("platform_key")
	}
	if w.CourseID.Has() && w.CourseID.V != l.CourseID {
		return cannot("course_id")
	}
	if w.ProgramID.Has() && w.ProgramID.V != l.ProgramID {
		return cannot("program_id")
	}
	if w.ProgramKey.Has() && w.ProgramKey.V != l.ProgramKey {
		return cannot("program_key")
	}
	return nil
}
