package catalog

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/drf"
	"github.com/labstack/echo/v4"
)

// AssignmentView is a license assignment as the API answers it (the spec's
// *LicenseAssignmentDetail schemas): user licenses add platform_key, course
// licenses course_id, program licenses name, direct, created, modified and
// program_key.
type AssignmentView struct {
	ID          int64          `json:"id"`
	UserID      *int64         `json:"user_id"`
	Username    *string        `json:"username"`
	Name        **string       `json:"name,omitempty"` // set (maybe to null) for program licenses
	Email       *string        `json:"email"`
	Active      bool           `json:"active"`
	Fulfilled   bool           `json:"fulfilled"`
	Direct      *bool          `json:"direct,omitempty"`
	RedirectTo  *string        `json:"redirect_to"`
	Metadata    map[string]any `json:"metadata"`
	Created     *string        `json:"created,omitempty"`
	Modified    *string        `json:"modified,omitempty"`
	LicenseID   int64          `json:"license_id"`
	LicenseName string         `json:"license_name"`
	PlatformKey *string        `json:"platform_key,omitempty"`
	CourseID    *string        `json:"course_id,omitempty"`
	ProgramKey  *string        `json:"program_key,omitempty"`
}

func assignmentView(a *Assignment, l *License) AssignmentView {
	v := AssignmentView{ID: a.ID, UserID: a.UserID, Username: a.Username, Email: a.Email,
		Active: a.Active, Fulfilled: a.Fulfilled, RedirectTo: a.RedirectTo, Metadata: nonNilMap(a.Metadata),
		LicenseID: l.ID, LicenseName: l.Name}
	switch l.Kind {
	case kindUser:
		v.PlatformKey = &l.Platform
	case kindCourse:
		v.CourseID = &l.CourseID
	case kindProgram:
		name := a.Name
		v.Name = &name
		direct := a.Direct
		created, modified := drf.FormatDateTime(a.Created), drf.FormatDateTime(a.Modified)
		v.Direct, v.Created, v.Modified, v.ProgramKey = &direct, &created, &modified, &l.ProgramKey
	}
	return v
}

// licenseFor loads license id of kind as the request may see it: a license
// of another tenant than the one the request names, or of one its key may
// not touch, does not exist for it (404).
func licenseFor(c echo.Context, tx store.Tx, kind string, id int64) (*License, error) {
	l, err := getLicense(tx, kind, id)
	if err != nil {
		return nil, err
	}
	if l == nil || !visible(c, l.Platform) {
		return nil, api.NotFound()
	}
	return l, nil
}

// licenseSeats is licenseFor with the license's assignments: the prologue
// of every handler that works on one license's seats.
func licenseSeats(c echo.Context, tx store.Tx, kind string, id int64) (*License, []*Assignment, error) {
	l, err := licenseFor(c, tx, kind, id)
	if err != nil {
		return nil, nil, err
	}
	as, err := assignmentsOf(tx, l)
	if err != nil {
		return nil, nil, err
	}
	return l, as, nil
}

var assignmentList = newListQuery("id",
	[]string{"id", "user_id", "username", "email", "active", "fulfilled", "created", "modified"},
	"license_id", "user_id", "email", "active", "fulfilled")

// listAssignments answers the assignments of the license named by
// license_id.
func (h *Handlers) listAssignments(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, _ := queryInt64(c, "license_id")
		meta := assignmentList.metadataFilters(c)
		var rows []row
		err := h.d.Store.View(func(tx store.Tx) error {
			l, as, err := licenseSeats(c, tx, kind, id)
			if err != nil {
				return err
			}
			for _, a := range as {
				if !assignmentMatches(c, a) || !matchesMetadata(a.Metadata, meta) {
					continue
				}
				rows = append(rows, row{view: assignmentView(a, l), fields: map[string]any{
					"id": a.ID, "user_id": ptrValue(a.UserID), "username": ptrValue(a.Username),
					"email": ptrValue(a.Email), "active": a.Active, "fulfilled": a.Fulfilled,
					"created": a.Created, "modified": a.Modified,
				}})
			}
			return nil
		})
		if err != nil {
			return err
		}
		return assignmentList.respond(c, rows)
	}
}

func assignmentMatches(c echo.Context, a *Assignment) bool {
	if hasQuery(c, "user_id") {
		if n, _ := queryInt64(c, "user_id"); a.UserID == nil || *a.UserID != n {
			return false
		}
	}
	if hasQuery(c, "email") && !strings.EqualFold(c.QueryParam("email"), ptrString(a.Email)) {
		return false
	}
	if hasQuery(c, "active") && a.Active != api.True(c.QueryParam("active")) {
		return false
	}
	if hasQuery(c, "fulfilled") && a.Fulfilled != api.True(c.QueryParam("fulfilled")) {
		return false
	}
	return true
}

func ptrString(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// assignmentWrite is the body of an assignment create (or update).
type assignmentWrite struct {
	LicenseID  api.Opt[int64]          `json:"license_id"`
	UserID     api.Opt[int64]          `json:"user_id"`
	Username   api.Opt[string]         `json:"username"`
	Email      api.Opt[string]         `json:"email"`
	Active     api.Opt[bool]           `json:"active"`
	Fulfilled  api.Opt[bool]           `json:"fulfilled"`
	Direct     api.Opt[bool]           `json:"direct"`
	RedirectTo api.Opt[string]         `json:"redirect_to"`
	Metadata   api.Opt[map[string]any] `json:"metadata"`
}

// seatError is the 400 for an assignment the license has no seat for. Its
// body starts as the built-in seat-exhaustion scenario's does, so a client
// sees one shape whether the seats ran out or the scenario says they did.
func seatError(l *License, used, want int) error {
	return api.Detail(http.StatusBadRequest, fmt.Sprintf(
		"Not enough seats available on this license: %d of %d in use, %d more requested.", used, l.Count, want))
}

// assign creates or updates the assignment of one user (user_id wins over
// username and email; an email no user has makes an email-only
// assignment). A new active assignment needs a free seat: the check and the
// write happen in one transaction, so concurrent requests never over-assign.
func (h *Handlers) assign(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		var w assignmentWrite
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
		if !w.UserID.Has() && !(w.Email.Has() && w.Email.V != "") && !(kind == kindProgram && w.Username.Has() && w.Username.V != "") {
			return api.NonField("Either user_id or email is required.")
		}
		var view AssignmentView
		err = h.d.Store.Update(func(tx store.Tx) error {
			l, err := licenseFor(c, tx, kind, licenseID)
			if err != nil {
				return err
			}
			if kind != kindProgram {
				w.Username = api.Opt[string]{} // only program assignments name a username
			}
			user, email, err := resolveUser(tx, l.Platform, w.UserID, w.Username, w.Email)
			if err != nil {
				return err
			}
			as, err := assignmentsOf(tx, l)
			if err != nil {
				return err
			}
			var a *Assignment
			for _, x := range as {
				if sameAssignee(x, user, email) {
					a = x
					break
				}
			}
			now := h.d.Clock.Now()
			isNew := a == nil
			if isNew {
				a = &Assignment{Kind: kind, LicenseID: l.ID, Platform: l.Platform, Active: true,
					Direct: true, Metadata: map[string]any{}, Created: now}
				if user != nil {
					a.UserID, a.Username = &user.UserID, &user.Username
					if user.Name != "" {
						a.Name = &user.Name
					}
					if user.Email != "" {
						a.Email = &user.Email
					}
				} else {
					a.Email = &email
				}
			}
			wasActive := !isNew && a.Active
			if w.Active.Has() {
				a.Active = w.Active.V
			}
			if w.Fulfilled.Has() {
				a.Fulfilled = w.Fulfilled.V
			}
			a.Direct = true
			if w.Direct.Has() {
				a.Direct = w.Direct.V
			}
			if w.RedirectTo.Set {
				a.RedirectTo = w.RedirectTo.Ptr()
			}
			if w.Metadata.Set {
				a.Metadata = nonNilMap(w.Metadata.V)
			}
			a.Modified = now
			if a.Active && !wasActive {
				if err := seatsFree(l, as, 1, now); err != nil {
					return err
				}
			}
			if isNew {
				if a.ID, err = nextID(tx, bktAssignments+kind); err != nil {
					return err
				}
			}
			if err := putAssignment(tx, a, isNew); err != nil {
				return err
			}
			view = assignmentView(a, l)
			return nil
		})
		if err != nil {
			return err
		}
		return api.JSON(c, http.StatusOK, view)
	}
}

// seatsFree refuses want new seats on l unless it is active, unexpired and
// has that many seats free.
func seatsFree(l *License, as []*Assignment, want int, now time.Time) error {
	if !l.Active {
		return api.Field("license_id", "This license is not active.")
	}
	if l.Expired != nil && !l.Expired.After(now) {
		return api.Field("license_id", "This license has expired.")
	}
	if used := summarize(as).Active; used+want > l.Count {
		return seatError(l, used, want)
	}
	return nil
}

// resolveUser finds the assignee: a known user by user_id (404 when the
// tenant has none), by username (program licenses; 404 likewise) or by
// email; an email no user has comes back as the email alone.
func resolveUser(tx store.Tx, tenant string, userID api.Opt[int64], username, email api.Opt[string]) (*User, string, error) {
	switch {
	case userID.Has():
		u, err := getUser(tx, tenant, userID.V)
		if err != nil {
			return nil, "", err
		}
		if u == nil {
			return nil, "", api.NotFound()
		}
		return u, u.Email, nil
	case username.Has() && username.V != "":
		u, err := findUser(tx, tenant, "", username.V)
		if err != nil {
			return nil, "", err
		}
		if u == nil {
			return nil, "", api.NotFound()
		}
		return u, u.Email, nil
	}
	u, err := findUser(tx, tenant, email.V, "")
	if err != nil || u != nil {
		return u, email.V, err
	}
	return nil, email.V, nil
}

// sameAssignee reports whether a is the assignment of user (or of email).
func sameAssignee(a *Assignment, user *User, email string) bool {
	if user != nil && a.UserID != nil {
		return *a.UserID == user.UserID
	}
	return email != "" && a.Email != nil && strings.EqualFold(*a.Email, email)
}

// unassign deletes the assignment named by assignment_id (and license_id,
// when given), freeing its seat. 200 without a body (spec).
func (h *Handlers) unassign(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, _ := queryInt64(c, "assignment_id")
		err := h.d.Store.Update(func(tx store.Tx) error {
			a, err := getAssignment(tx, kind, id)
			if err != nil {
				return err
			}
			if a == nil {
				return api.NotFound()
			}
			if lid, ok := queryInt64(c, "license_id"); hasQuery(c, "license_id") && (!ok || lid != a.LicenseID) {
				return api.NotFound()
			}
			if _, err := licenseFor(c, tx, kind, a.LicenseID); err != nil {
				return err
			}
			return deleteAssignment(tx, a)
		})
		if err != nil {
			return err
		}
		return c.NoContent(http.StatusOK)
	}
}

// checkUserAssignment is the public check: 200 when the email holds an
// active assignment of an active, unexpired user license, 404 when not
// (publicCheck).
func (h *Handlers) checkUserAssignment(c echo.Context) error {
	return h.publicCheck(c, func(tx store.Tx, email string, now time.Time) (bool, error) {
		for _, id := range indexIDs(tx, bktAssignmentsByMail+kindUser, email) {
			a, err := getAssignment(tx, kindUser, id)
			if err != nil {
				return false, err
			}
			if a == nil || !a.Active {
				continue
			}
			l, err := getLicense(tx, kindUser, a.LicenseID)
			if err != nil {
				return false, err
			}
			if l != nil && l.Active && (l.Expired == nil || l.Expired.After(now)) {
				return true, nil
			}
		}
		return false, nil
	})
}
