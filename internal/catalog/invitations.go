package catalog

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/drf"
	"github.com/iblfake/iblfake/internal/edxkey"
	"github.com/labstack/echo/v4"
)

// InvitationView is an invitation as the API answers it (to_json() per the
// descriptions and SKILL-CI): platform_key, course_id or program_key by kind.
type InvitationView struct {
	ID          int64          `json:"id"`
	UserID      *int64         `json:"user_id"`
	Username    *string        `json:"username"`
	Email       *string        `json:"email"`
	Created     string         `json:"created"`
	Started     *string        `json:"started"`
	Source      *string        `json:"source"`
	RedirectTo  *string        `json:"redirect_to"`
	Expired     *string        `json:"expired"`
	Active      bool           `json:"active"`
	Metadata    map[string]any `json:"metadata"`
	PlatformKey *string        `json:"platform_key,omitempty"`
	CourseID    *string        `json:"course_id,omitempty"`
	ProgramKey  *string        `json:"program_key,omitempty"`
	// The declared fields of the kind (invitation_fields.go); nil for the
	// other kinds, so their keys are not answered.
	*PlatformInvitationFields
	*EnrollmentFields
}

func invitationView(iv *Invitation) InvitationView {
	v := InvitationView{ID: iv.ID, UserID: iv.UserID, Username: iv.Username, Email: iv.Email,
		Created: drf.FormatDateTime(iv.Created), Started: timestampPtr(iv.Started), Source: iv.Source,
		RedirectTo: iv.RedirectTo, Expired: timestampPtr(iv.Expired), Active: iv.Active,
		Metadata: nonNilMap(iv.Metadata)}
	switch iv.Kind {
	case kindPlatform:
		v.PlatformKey = &iv.Platform
	case kindCourse:
		v.CourseID = &iv.CourseID
	case kindProgram:
		v.ProgramKey = &iv.ProgramKey
	}
	declaredView(&v, iv)
	return v
}

// invitationFields are the body keys an invitation write reads; any other
// key is stored in its metadata (desc: "extra params stored as metadata").
var invitationFields = map[string]bool{
	"platform_key": true, "key": true, "org": true, "platform_org": true, "course_id": true,
	"program_key": true, "program_id": true, "email": true, "username": true, "active": true,
	"source": true, "redirect_to": true, "created": true, "expired": true, "metadata": true,
	"enrollment_config": true, "count": true, "invitation_data": true,
}

// invitationWrite is one invitation as create, bulk items, blank and
// redeem bodies carry it.
type invitationWrite struct {
	PlatformKey      api.Opt[string]         `json:"platform_key"`
	CourseID         api.Opt[string]         `json:"course_id"`
	ProgramKey       api.Opt[string]         `json:"program_key"`
	Email            api.Opt[string]         `json:"email"`
	Username         api.Opt[string]         `json:"username"`
	Active           api.Opt[bool]           `json:"active"`
	Source           api.Opt[string]         `json:"source"`
	RedirectTo       api.Opt[string]         `json:"redirect_to"`
	Created          api.Opt[string]         `json:"created"`
	Expired          api.Opt[string]         `json:"expired"`
	Metadata         api.Opt[map[string]any] `json:"metadata"`
	EnrollmentConfig api.Opt[map[string]any] `json:"enrollment_config"`
	Count            api.Opt[int]            `json:"count"`
	declaredWrite
	// extra holds the body's other keys, which go to metadata.
	extra map[string]any
}

// setExtra keeps the body's keys that are no invitation field in extra,
// for metadata; declared names the kind's declared fields of a create
// (declaredFields; nil for blank and redeem bodies, which declare none).
func (w *invitationWrite) setExtra(body map[string]any, declared map[string]bool) {
	w.extra = map[string]any{}
	for k, v := range body {
		if !invitationFields[k] && !declared[k] {
			w.extra[k] = v
		}
	}
}

// target is what an invitation is for: a platform, a course or a program,
// and the platform it lives on.
type target struct {
	kind, platform, courseID, programKey string
	// implied is true when no platform was named and the course or program
	// key's org gave it.
	implied bool
}

// targetOf resolves what w invites to. A course's or program's platform is
// the platform the request names, else the org part of its key (the fake
// has no catalog to look it up in). An id that is no course or program key
// is a course or program that does not exist (404, as the spec declares).
func targetOf(c echo.Context, kind string, w *invitationWrite, named string) (target, error) {
	t := target{kind: kind, platform: named}
	switch kind {
	case kindPlatform:
		if w.PlatformKey.Has() && w.PlatformKey.V != "" {
			t.platform = w.PlatformKey.V
		}
		if t.platform == "" {
			return t, api.Field("platform_key", api.MsgRequired)
		}
	case kindCourse:
		org, ok := courseOrg(w.CourseID.V)
		if !ok {
			return t, api.NotFound()
		}
		t.courseID = w.CourseID.V
		if t.platform == "" {
			t.platform, t.implied = org, true
		}
	case kindProgram:
		org, ok := programOrg(w.ProgramKey.V)
		if !ok {
			return t, api.NotFound()
		}
		t.programKey = w.ProgramKey.V
		if t.platform == "" {
			t.platform, t.implied = org, true
		}
	}
	return t, nil
}

func (t target) holds(iv *Invitation) bool {
	return iv.Kind == t.kind && iv.Platform == t.platform && iv.CourseID == t.courseID && iv.ProgramKey == t.programKey
}

var invitationList = newListQuery("-id",
	[]string{"id", "created", "started", "expired", "email", "username", "source", "active", "user_id"},
	"email", "source", "active", "username", "course_id", "program_key", "program_id")

// listInvitations answers the invitations of kind on the named tenant (or
// every tenant the key may touch).
func (h *Handlers) listInvitations(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		tenant := api.Tenant(c)
		meta := invitationList.metadataFilters(c)
		var rows []row
		err := h.d.Store.View(func(tx store.Tx) error {
			var ids []int64
			if tenant != "" {
				ids = indexIDs(tx, bktInvitationsByTen+kind, tenant)
			} else {
				ids = allIDs(tx, bktInvitations+kind)
			}
			for _, id := range ids {
				iv, err := getInvitation(tx, kind, id)
				if err != nil {
					return err
				}
				if iv == nil || !visible(c, iv.Platform) || !invitationMatches(c, iv) || !matchesMetadata(iv.Metadata, meta) {
					continue
				}
				rows = append(rows, row{view: invitationView(iv), fields: map[string]any{
					"id": iv.ID, "created": iv.Created, "started": ptrValue(iv.Started),
					"expired": ptrValue(iv.Expired), "email": ptrValue(iv.Email), "username": ptrValue(iv.Username),
					"source": ptrValue(iv.Source), "active": iv.Active, "user_id": ptrValue(iv.UserID),
				}})
			}
			return nil
		})
		if err != nil {
			return err
		}
		return invitationList.respond(c, rows)
	}
}

func invitationMatches(c echo.Context, iv *Invitation) bool {
	eq := func(param, have string) bool { return !hasQuery(c, param) || c.QueryParam(param) == have }
	if hasQuery(c, "email") && !strings.EqualFold(c.QueryParam("email"), ptrString(iv.Email)) {
		return false
	}
	if !eq("username", ptrString(iv.Username)) || !eq("source", ptrString(iv.Source)) {
		return false
	}
	if hasQuery(c, "active") && iv.Active != api.True(c.QueryParam("active")) {
		return false
	}
	if iv.Kind == kindCourse && !eq("course_id", iv.CourseID) {
		return false
	}
	if iv.Kind == kindProgram {
		if !eq("program_key", iv.ProgramKey) {
			return false
		}
		if hasQuery(c, "program_id") {
			key, _ := edxkey.ProgramKey(c.QueryParam("program_id"))
			if key != iv.ProgramKey {
				return false
			}
		}
	}
	return true
}

// invite creates the invitation of one email (or username) to the body's
// platform, course or program, or updates the one it already has there.
func (h *Handlers) invite(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		var w invitationWrite
		body, err := readBody(c, &w)
		if err != nil {
			return err
		}
		w.setExtra(body, declaredFields[kind])
		t, err := targetOf(c, kind, &w, api.Tenant(c))
		if err != nil {
			return err
		}
		if err := mayWrite(c, t.platform); err != nil {
			return err
		}
		var view InvitationView
		err = h.d.Store.Update(func(tx store.Tx) error {
			iv, err := h.upsertInvitation(tx, t, &w)
			if err != nil {
				return err
			}
			view = invitationView(iv)
			return nil
		})
		if err != nil {
			return err
		}
		return api.JSON(c, http.StatusOK, view)
	}
}

// upsertInvitation writes w as the invitation of its email (or username)
// to t: a new one, or the one that invitee already has there.
func (h *Handlers) upsertInvitation(tx store.Tx, t target, w *invitationWrite) (*Invitation, error) {
	email, username := strings.TrimSpace(w.Email.V), strings.TrimSpace(w.Username.V)
	if email == "" && username == "" {
		return nil, api.Field("email", api.MsgRequired)
	}
	// The single create's email was checked by the request validator; a
	// bulk item's is checked here, to be that item's error code.
	if email != "" && !validEmail(email) {
		return nil, api.Field("email", msgInvalidEmail)
	}
	user, err := findUser(tx, t.platform, email, username)
	if err != nil {
		return nil, err
	}
	existing, err := invitationsOf(tx, t.kind, t.platform)
	if err != nil {
		return nil, err
	}
	var iv *Invitation
	for _, x := range existing {
		if t.holds(x) && ((email != "" && strings.EqualFold(ptrString(x.Email), email)) ||
			(email == "" && username != "" && ptrString(x.Username) == username)) {
			iv = x
		}
	}
	isNew := iv == nil
	var prevEmail *string
	if isNew {
		iv = &Invitation{Kind: t.kind, Platform: t.platform, CourseID: t.courseID, ProgramKey: t.programKey,
			Active: true, Created: h.d.Clock.Now(), Metadata: map[string]any{}}
		if w.Created.Has() {
			at, err := parseTime("created", w.Created.V)
			if err != nil {
				return nil, err
			}
			iv.Created = at
		}
	} else {
		prevEmail = iv.Email
	}
	if email != "" {
		iv.Email = &email
	}
	if username != "" {
		iv.Username = &username
	}
	if user != nil {
		iv.UserID, iv.Username = &user.UserID, &user.Username
		if user.Email != "" && iv.Email == nil {
			iv.Email = &user.Email
		}
	}
	if err := applyInvitation(iv, w); err != nil {
		return nil, err
	}
	if err := applyDeclared(iv, w); err != nil {
		return nil, err
	}
	if isNew {
		if iv.ID, err = nextID(tx, bktInvitations+t.kind); err != nil {
			return nil, err
		}
	}
	if err := putInvitation(tx, iv, isNew, prevEmail); err != nil {
		return nil, err
	}
	return iv, nil
}

// applyInvitation writes the body's invitation fields and metadata onto iv.
func applyInvitation(iv *Invitation, w *invitationWrite) error {
	if w.Active.Has() {
		iv.Active = w.Active.V
	}
	if w.Source.Set {
		iv.Source = w.Source.Ptr()
	}
	if w.RedirectTo.Set {
		iv.RedirectTo = w.RedirectTo.Ptr()
	}
	if w.Expired.Set {
		iv.Expired = nil
		if !w.Expired.Null {
			at, err := parseTime("expired", w.Expired.V)
			if err != nil {
				return err
			}
			iv.Expired = &at
		}
	}
	if iv.Metadata == nil {
		iv.Metadata = map[string]any{}
	}
	if w.Metadata.Has() {
		for k, v := range w.Metadata.V {
			iv.Metadata[k] = v
		}
	}
	for k, v := range w.extra {
		iv.Metadata[k] = v
	}
	if w.EnrollmentConfig.Set && iv.Kind != kindPlatform {
		iv.EnrollmentConfig = w.EnrollmentConfig.V
	}
	return nil
}

// BulkResult is the answer of bulk and blank creates.
type BulkResult struct {
	Successes  int      `json:"successes"`
	ErrorCodes []string `json:"error_codes"`
}

// maxBlank bounds one blank create (the fake's safety limit; the real one is
// not documented).
const maxBlank = 1000

// blankInvitations creates count invitations without an invitee under
// source, to be redeemed later.
func (h *Handlers) blankInvitations(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		var w invitationWrite
		body, err := readBody(c, &w)
		if err != nil {
			return err
		}
		w.setExtra(body, nil)
		switch {
		case w.Count.V < 1:
			return api.Field("count", "Ensure this value is greater than or equal to 1.")
		case w.Count.V > maxBlank:
			return api.Field("count", fmt.Sprintf("Ensure this value is less than or equal to %d.", maxBlank))
		case strings.TrimSpace(w.Source.V) == "":
			return api.Field("source", "This field may not be blank.")
		}
		t, err := targetOf(c, kind, &w, api.Tenant(c))
		if err != nil {
			return err
		}
		if err := mayWrite(c, t.platform); err != nil {
			return err
		}
		err = h.d.Store.Update(func(tx store.Tx) error {
			now := h.d.Clock.Now()
			for range w.Count.V {
				iv := &Invitation{Kind: kind, Platform: t.platform, CourseID: t.courseID, ProgramKey: t.programKey,
					Active: true, Created: now, Metadata: map[string]any{}}
				if err := applyInvitation(iv, &w); err != nil {
					return err
				}
				id, err := nextID(tx, bktInvitations+kind)
				if err != nil {
					return err
				}
				iv.ID = id
				if err := putInvitation(tx, iv, true, nil); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		return api.JSON(c, http.StatusOK, BulkResult{Successes: w.Count.V, ErrorCodes: []string{}})
	}
}

// bulkWrite is the body of a bulk create.
type bulkWrite struct {
	PlatformKey    api.Opt[string]  `json:"platform_key"`
	InvitationData []map[string]any `json:"invitation_data"`
}

// bulkInvite creates or updates one invitation per item, all on one
// platform: the body's platform_key (required for platform invitations),
// else the tenant the request names, else the platform of the first item. An item on another platform makes the
// whole request a 400 and writes nothing (SKILL-CI). Items that fail on
// their own are reported in error_codes as "<index>:<code>" and the others
// are written.
func (h *Handlers) bulkInvite(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		var bw bulkWrite
		if _, err := readBody(c, &bw); err != nil {
			return err
		}
		// A platform bulk create names its platform in the body (required
		// by the document: FIDELITY.md, C2); a blank one names none.
		if kind == kindPlatform && strings.TrimSpace(bw.PlatformKey.V) == "" {
			return api.Field("platform_key", "This field may not be blank.")
		}
		named := bw.PlatformKey.V
		if named == "" {
			named = api.Tenant(c)
		}
		platform := named
		items := make([]*invitationWrite, len(bw.InvitationData))
		targets := make([]*target, len(bw.InvitationData))
		codes := []string{}
		for i, raw := range bw.InvitationData {
			w, err := decodeItem(raw, kind)
			if err != nil {
				return api.Fields(map[string]any{"invitation_data": map[string]any{fmt.Sprint(i): []string{err.Error()}}})
			}
			items[i] = w
			t, err := targetOf(c, kind, w, named)
			if err != nil {
				codes = append(codes, fmt.Sprintf("%d:%s_not_found", i, kind))
				continue
			}
			if platform == "" {
				platform = t.platform // the first item's platform
			} else if t.platform != platform {
				return api.Field("invitation_data", fmt.Sprintf(
					"Every invitation must be on platform %q; item %d is on %q.", platform, i, t.platform))
			}
			targets[i] = &t
		}
		if platform != "" {
			if err := mayWrite(c, platform); err != nil {
				return err
			}
		}
		successes := 0
		err := h.d.Store.Update(func(tx store.Tx) error {
			for i, t := range targets {
				if t == nil {
					continue
				}
				if _, err := h.upsertInvitation(tx, *t, items[i]); err != nil {
					ae, ok := err.(*api.Error)
					if !ok {
						return err
					}
					codes = append(codes, fmt.Sprintf("%d:%s", i, itemCode(ae)))
					continue
				}
				successes++
			}
			return nil
		})
		if err != nil {
			return err
		}
		return api.JSON(c, http.StatusOK, BulkResult{Successes: successes, ErrorCodes: codes})
	}
}

// decodeItem reads one invitation_data item (already validated against the
// item schema).
func decodeItem(raw map[string]any, kind string) (*invitationWrite, error) {
	w := &invitationWrite{}
	if err := api.BindValue(raw, w); err != nil {
		return nil, err
	}
	w.setExtra(raw, declaredFields[kind])
	return w, nil
}

// itemCode names why one bulk item failed.
func itemCode(e *api.Error) string {
	if m, ok := e.Body.(map[string]any); ok {
		for field, msgs := range m {
			if l, ok := msgs.([]string); ok && len(l) > 0 && l[0] == api.MsgRequired {
				return field + "_required"
			}
			return "invalid_" + field
		}
	}
	return "error"
}

// redeem gives the oldest pending blank invitation of the target with the
// body's source to the email or username; 404 when none is left. The
// invitation stays active (pending) and records when it was redeemed in
// started.
func (h *Handlers) redeem(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		var w invitationWrite
		body, err := readBody(c, &w)
		if err != nil {
			return err
		}
		w.setExtra(body, nil)
		email, username := strings.TrimSpace(w.Email.V), strings.TrimSpace(w.Username.V)
		if email == "" && username == "" {
			return api.Field("email", api.MsgRequired)
		}
		// A malformed email was refused by the request validator.
		t, err := targetOf(c, kind, &w, api.Tenant(c))
		if err != nil {
			return err
		}
		if err := mayWrite(c, t.platform); err != nil {
			return err
		}
		var view InvitationView
		err = h.d.Store.Update(func(tx store.Tx) error {
			now := h.d.Clock.Now()
			all, err := invitationsOf(tx, kind, t.platform)
			if err != nil {
				return err
			}
			var iv *Invitation
			for _, x := range all {
				if t.holds(x) && x.Blank() && x.Pending(now) && ptrString(x.Source) == w.Source.V {
					iv = x
					break
				}
			}
			if iv == nil {
				return api.NotFound()
			}
			user, err := findUser(tx, t.platform, email, username)
			if err != nil {
				return err
			}
			if email != "" {
				iv.Email = &email
			}
			if username != "" {
				iv.Username = &username
			}
			if user != nil {
				iv.UserID, iv.Username = &user.UserID, &user.Username
				if iv.Email == nil && user.Email != "" {
					iv.Email = &user.Email
				}
			}
			iv.Started = &now
			w.Source = api.Opt[string]{} // the source stays the blank batch's
			if err := applyInvitation(iv, &w); err != nil {
				return err
			}
			if err := putInvitation(tx, iv, false, nil); err != nil {
				return err
			}
			view = invitationView(iv)
			return nil
		})
		if err != nil {
			return err
		}
		return api.JSON(c, http.StatusOK, view)
	}
}

// deleteInvitations is the real service's stub: the collection DELETE
// answers 200 and deletes nothing (desc "TBD"; SKILL-CI "unimplemented
// (return 200 without deleting)").
func (h *Handlers) deleteInvitations(c echo.Context) error {
	return c.NoContent(http.StatusOK)
}

// checkPlatformInvitation is the public check: 200 when the email has a
// pending platform invitation on any platform, 404 when not (publicCheck).
func (h *Handlers) checkPlatformInvitation(c echo.Context) error {
	return h.publicCheck(c, func(tx store.Tx, email string, now time.Time) (bool, error) {
		for _, id := range indexIDs(tx, bktInvitationsByMail+kindPlatform, email) {
			iv, err := getInvitation(tx, kindPlatform, id)
			if err != nil {
				return false, err
			}
			if iv != nil && iv.Pending(now) {
				return true, nil
			}
		}
		return false, nil
	})
}
