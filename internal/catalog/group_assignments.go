package catalog

import (
	"net/http"
	"slices"
	"time"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/drf"
	"github.com/labstack/echo/v4"
)

// GroupAssignmentView is a group assignment as the API answers it (the
// spec's *LicenseGroupAssignmentDetail schemas).
type GroupAssignmentView struct {
	ID            int64          `json:"id"`
	GroupID       int64          `json:"group_id"`
	GroupName     string         `json:"group_name"`
	Active        bool           `json:"active"`
	Fulfilled     bool           `json:"fulfilled"`
	RedirectTo    *string        `json:"redirect_to"`
	Metadata      map[string]any `json:"metadata"`
	Created       *string        `json:"created,omitempty"`
	Modified      *string        `json:"modified,omitempty"`
	LicenseID     int64          `json:"license_id"`
	LicenseName   string         `json:"license_name"`
	PlatformKey   *string        `json:"platform_key,omitempty"`
	CourseID      *string        `json:"course_id,omitempty"`
	ProgramKey    *string        `json:"program_key,omitempty"`
	ProgramName   *string        `json:"program_name,omitempty"`
	UserCount     *int           `json:"user_count,omitempty"`
	AssignedCount *int           `json:"assigned_count,omitempty"`
}

// groupAssignmentView renders g; members is the group's size now and as
// the license's assignments (assigned_count counts those g covers).
func groupAssignmentView(g *GroupAssignment, l *License, members int, as []*Assignment) GroupAssignmentView {
	v := GroupAssignmentView{ID: g.ID, GroupID: g.GroupID, GroupName: g.GroupName, Active: g.Active,
		Fulfilled: g.Fulfilled, RedirectTo: g.RedirectTo, Metadata: nonNilMap(g.Metadata),
		LicenseID: l.ID, LicenseName: l.Name}
	switch l.Kind {
	case kindUser:
		v.PlatformKey = &l.Platform
	case kindCourse:
		v.CourseID = &l.CourseID
	case kindProgram:
		assigned := 0
		for _, a := range as {
			if slices.Contains(a.Groups, g.ID) {
				assigned++
			}
		}
		name := programName(l.ProgramKey)
		created, modified := drf.FormatDateTime(g.Created), drf.FormatDateTime(g.Modified)
		v.Created, v.Modified, v.ProgramKey, v.ProgramName = &created, &modified, &l.ProgramKey, &name
		v.UserCount, v.AssignedCount = &members, &assigned
	}
	return v
}

var groupAssignmentList = newListQuery("id",
	[]string{"id", "group_id", "group_name", "active", "fulfilled", "created", "modified"},
	"license_id", "group_id", "active", "fulfilled")

// listGroupAssignments answers the group assignments of the license named
// by license_id.
func (h *Handlers) listGroupAssignments(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, _ := queryInt64(c, "license_id")
		meta := groupAssignmentList.metadataFilters(c)
		var rows []row
		err := h.d.Store.View(func(tx store.Tx) error {
			l, err := licenseFor(c, tx, kind, id)
			if err != nil {
				return err
			}
			gs, err := groupAssignmentsOf(tx, l)
			if err != nil {
				return err
			}
			as, err := assignmentsOf(tx, l)
			if err != nil {
				return err
			}
			for _, g := range gs {
				if hasQuery(c, "group_id") {
					if n, _ := queryInt64(c, "group_id"); n != g.GroupID {
						continue
					}
				}
				if hasQuery(c, "active") && g.Active != api.True(c.QueryParam("active")) ||
					hasQuery(c, "fulfilled") && g.Fulfilled != api.True(c.QueryParam("fulfilled")) ||
					!matchesMetadata(g.Metadata, meta) {
					continue
				}
				members := 0
				if grp, err := getGroup(tx, l.Platform, g.GroupID); err != nil {
					return err
				} else if grp != nil {
					members = len(grp.Members)
				}
				rows = append(rows, row{view: groupAssignmentView(g, l, members, as), fields: map[string]any{
					"id": g.ID, "group_id": g.GroupID, "group_name": g.GroupName, "active": g.Active,
					"fulfilled": g.Fulfilled, "created": g.Created, "modified": g.Modified,
				}})
			}
			return nil
		})
		if err != nil {
			return err
		}
		return groupAssignmentList.respond(c, rows)
	}
}

// groupWrite is the body of a group assignment create (or update).
type groupWrite struct {
	LicenseID  api.Opt[int64]          `json:"license_id"`
	GroupID    api.Opt[int64]          `json:"group_id"`
	Active     api.Opt[bool]           `json:"active"`
	Fulfilled  api.Opt[bool]           `json:"fulfilled"`
	RedirectTo api.Opt[string]         `json:"redirect_to"`
	Metadata   api.Opt[map[string]any] `json:"metadata"`
}

// assignGroup creates or updates the assignment of a group to a license and
// gives every member an assignment of their own (members who already hold
// one keep it and are only marked as covered by the group). If the license
// has fewer free seats than the members who need one, nothing is written
// (400).
func (h *Handlers) assignGroup(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		var w groupWrite
		if _, err := readBody(c, &w); err != nil {
			return err
		}
		licenseID, ok, err := idParam(c, "license_id", w.LicenseID)
		if err != nil {
			return err
		}
		if !ok {
			return api.Field("license_id", api.MsgRequired)
		}
		if !w.GroupID.Has() {
			return api.Field("group_id", api.MsgRequired)
		}
		var view GroupAssignmentView
		err = h.d.Store.Update(func(tx store.Tx) error {
			l, err := licenseFor(c, tx, kind, licenseID)
			if err != nil {
				return err
			}
			grp, err := getGroup(tx, l.Platform, w.GroupID.V)
			if err != nil {
				return err
			}
			if grp == nil {
				return api.NotFound()
			}
			gs, err := groupAssignmentsOf(tx, l)
			if err != nil {
				return err
			}
			now := h.d.Clock.Now()
			var g *GroupAssignment
			for _, x := range gs {
				if x.GroupID == grp.ID {
					g = x
				}
			}
			isNew := g == nil
			if isNew {
				g = &GroupAssignment{Kind: kind, LicenseID: l.ID, Platform: l.Platform, GroupID: grp.ID,
					Active: true, Metadata: map[string]any{}, Created: now}
				if g.ID, err = nextID(tx, bktGroupAssignments+kind); err != nil {
					return err
				}
			}
			g.GroupName = grp.Name
			if w.Active.Has() {
				g.Active = w.Active.V
			}
			if w.Fulfilled.Has() {
				g.Fulfilled = w.Fulfilled.V
			}
			if w.RedirectTo.Set {
				g.RedirectTo = w.RedirectTo.Ptr()
			}
			if w.Metadata.Set {
				g.Metadata = nonNilMap(w.Metadata.V)
			}
			g.Modified = now
			groupActive := map[int64]bool{g.ID: g.Active}
			for _, x := range gs {
				if x.ID != g.ID {
					groupActive[x.ID] = x.Active
				}
			}
			as, err := h.coverMembers(tx, l, g, grp, groupActive, now)
			if err != nil {
				return err
			}
			if err := putGroupAssignment(tx, g, isNew); err != nil {
				return err
			}
			view = groupAssignmentView(g, l, len(grp.Members), as)
			return nil
		})
		if err != nil {
			return err
		}
		return api.JSON(c, http.StatusOK, view)
	}
}

// coverMembers gives each member of grp an assignment of l covered by g,
// after checking that the license has a seat for every new active one. It
// returns the license's assignments afterwards.
//
// A member assignment that exists only through groups (not Direct) is
// active while any group assignment covering it is (groupActive, by group
// assignment id, with g's new state): re-posting g with active true
// activates the ones it made inactive, taking their seats (all or nothing,
// like fresh ones); active false frees the seats of those no other active
// group covers. Direct assignments keep their own state. Nothing documents
// this on the real service; it is what an admin who switches a group's
// license back on expects its members to get.
func (h *Handlers) coverMembers(tx store.Tx, l *License, g *GroupAssignment, grp *Group, groupActive map[int64]bool, now time.Time) ([]*Assignment, error) {
	as, err := assignmentsOf(tx, l)
	if err != nil {
		return nil, err
	}
	var covered, fresh, changed []*Assignment
	activated := 0
	for _, m := range grp.Members {
		u := m
		var a *Assignment
		for _, x := range as {
			if sameAssignee(x, &u, u.Email) {
				a = x
				break
			}
		}
		if a != nil {
			if !slices.Contains(a.Groups, g.ID) {
				covered = append(covered, a)
			}
			if a.Direct {
				continue
			}
			want := g.Active
			for _, id := range a.Groups {
				want = want || groupActive[id]
			}
			if want != a.Active {
				if want {
					activated++
				}
				changed = append(changed, a)
			}
			continue
		}
		a = &Assignment{Kind: l.Kind, LicenseID: l.ID, Platform: l.Platform, UserID: &u.UserID,
			Username: &u.Username, Active: g.Active, Fulfilled: g.Fulfilled, RedirectTo: g.RedirectTo,
			Metadata: map[string]any{}, Groups: []int64{g.ID}, Created: now, Modified: now}
		if u.Name != "" {
			a.Name = &u.Name
		}
		if u.Email != "" {
			a.Email = &u.Email
		}
		fresh = append(fresh, a)
	}
	need := activated
	if g.Active {
		need += len(fresh)
	}
	if need > 0 {
		if err := seatsFree(l, as, need, now); err != nil {
			return nil, err
		}
	}
	for _, a := range changed {
		a.Active = !a.Active
		a.Modified = now
		if !slices.Contains(covered, a) {
			if err := putAssignment(tx, a, false); err != nil {
				return nil, err
			}
		}
	}
	for _, a := range covered {
		a.Groups = append(a.Groups, g.ID)
		a.Modified = now
		if err := putAssignment(tx, a, false); err != nil {
			return nil, err
		}
	}
	for _, a := range fresh {
		if a.ID, err = nextID(tx, bktAssignments+l.Kind); err != nil {
			return nil, err
		}
		if err := putAssignment(tx, a, true); err != nil {
			return nil, err
		}
		as = append(as, a)
	}
	return as, nil
}

// unassignGroup deletes the group assignment named by assignment_id. Unless
// remove_user_assignments is false (it defaults to true), the member
// assignments it made go too, except those also held directly or through
// another group. 200 without a body (spec).
func (h *Handlers) unassignGroup(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, _ := queryInt64(c, "assignment_id")
		remove := !hasQuery(c, "remove_user_assignments") || api.True(c.QueryParam("remove_user_assignments"))
		err := h.d.Store.Update(func(tx store.Tx) error {
			g, err := getGroupAssignment(tx, kind, id)
			if err != nil {
				return err
			}
			if g == nil {
				return api.NotFound()
			}
			if lid, ok := queryInt64(c, "license_id"); hasQuery(c, "license_id") && (!ok || lid != g.LicenseID) {
				return api.NotFound()
			}
			_, as, err := licenseSeats(c, tx, kind, g.LicenseID)
			if err != nil {
				return err
			}
			for _, a := range as {
				i := slices.Index(a.Groups, g.ID)
				if i < 0 {
					continue
				}
				a.Groups = slices.Delete(a.Groups, i, i+1)
				if remove && !a.Direct && len(a.Groups) == 0 {
					err = deleteAssignment(tx, a)
				} else {
					err = putAssignment(tx, a, false)
				}
				if err != nil {
					return err
				}
			}
			return deleteGroupAssignment(tx, g)
		})
		if err != nil {
			return err
		}
		return c.NoContent(http.StatusOK)
	}
}
