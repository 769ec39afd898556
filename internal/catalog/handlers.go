package catalog

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/drf"
	"github.com/labstack/echo/v4"
)

// Handlers serves the catalog licenses and invitations operations over a
// store.
type Handlers struct {
	d *api.Deps
}

// New returns the handlers of the catalog licenses and invitations API.
func New(d *api.Deps) *Handlers { return &Handlers{d: d} }

var _ api.Module = (*Handlers)(nil)

// AdminRoutes serves the platforms' directories (users and groups, which
// license assignments resolve against): PUT /_fake/groups replaces one,
// GET ?platform_key= reads it.
func (h *Handlers) AdminRoutes() []api.Route {
	return []api.Route{
		{Method: http.MethodGet, Path: "/groups", Handler: h.getDirectory, Query: []string{"platform_key"}},
		{Method: http.MethodPut, Path: "/groups", Handler: h.putDirectory},
	}
}

// MediaRoutes: the catalog serves no files.
func (h *Handlers) MediaRoutes() []api.Route { return nil }

// Operations are the operations this package serves: each id spelled out,
// so grepping a journal entry's operation_id finds its handler, with
// whether only DM admins may call it (license create and update: SKILL-CI
// "DM-admin only", the IsDMAdmin permission class) and the license a
// scenario's when clause sees.
func (h *Handlers) Operations() []api.Operation {
	return []api.Operation{
		{ID: "catalog_licenses_platform_retrieve", Handle: h.listLicenses(kindPlatform)},
		{ID: "catalog_licenses_platform_create_create", Handle: h.createLicense(kindPlatform), DMAdminOnly: true},
		{ID: "catalog_licenses_platform_update_create", Handle: h.updateLicense(kindPlatform), DMAdminOnly: true},
		{ID: "catalog_licenses_user_retrieve", Handle: h.listLicenses(kindUser), Entity: h.licenseEntity(kindUser)},
		{ID: "catalog_licenses_user_create_create", Handle: h.createLicense(kindUser), DMAdminOnly: true, Entity: h.licenseEntity(kindUser)},
		{ID: "catalog_licenses_user_update_create", Handle: h.updateLicense(kindUser), DMAdminOnly: true, Entity: h.licenseEntity(kindUser)},
		{ID: "catalog_licenses_course_retrieve", Handle: h.listLicenses(kindCourse), Entity: h.licenseEntity(kindCourse)},
		{ID: "catalog_licenses_course_create_create", Handle: h.createLicense(kindCourse), DMAdminOnly: true, Entity: h.licenseEntity(kindCourse)},
		{ID: "catalog_licenses_course_update_create", Handle: h.updateLicense(kindCourse), DMAdminOnly: true, Entity: h.licenseEntity(kindCourse)},
		{ID: "catalog_licenses_program_retrieve", Handle: h.listLicenses(kindProgram), Entity: h.licenseEntity(kindProgram)},
		{ID: "catalog_licenses_program_create_create", Handle: h.createLicense(kindProgram), DMAdminOnly: true, Entity: h.licenseEntity(kindProgram)},
		{ID: "catalog_licenses_program_update_create", Handle: h.updateLicense(kindProgram), DMAdminOnly: true, Entity: h.licenseEntity(kindProgram)},
		{ID: "catalog_licenses_user_assignment_retrieve", Handle: h.listAssignments(kindUser), Entity: h.licenseEntity(kindUser)},
		{ID: "catalog_licenses_user_assignment_create", Handle: h.assign(kindUser), Entity: h.licenseEntity(kindUser)},
		{ID: "catalog_licenses_user_assignment_destroy", Handle: h.unassign(kindUser), Entity: h.licenseEntity(kindUser)},
		{ID: "catalog_licenses_user_assignment_group_retrieve", Handle: h.listGroupAssignments(kindUser), Entity: h.licenseEntity(kindUser)},
		{ID: "catalog_licenses_user_assignment_group_create", Handle: h.assignGroup(kindUser), Entity: h.licenseEntity(kindUser)},
		{ID: "catalog_licenses_user_assignment_group_destroy", Handle: h.unassignGroup(kindUser), Entity: h.licenseEntity(kindUser)},
		{ID: "catalog_licenses_course_assignment_retrieve", Handle: h.listAssignments(kindCourse), Entity: h.licenseEntity(kindCourse)},
		{ID: "catalog_licenses_course_assignment_create", Handle: h.assign(kindCourse), Entity: h.licenseEntity(kindCourse)},
		{ID: "catalog_licenses_course_assignment_destroy", Handle: h.unassign(kindCourse), Entity: h.licenseEntity(kindCourse)},
		{ID: "catalog_licenses_course_assignment_group_retrieve", Handle: h.listGroupAssignments(kindCourse), Entity: h.licenseEntity(kindCourse)},
		{ID: "catalog_licenses_course_assignment_group_create", Handle: h.assignGroup(kindCourse), Entity: h.licenseEntity(kindCourse)},
		{ID: "catalog_licenses_course_assignment_group_destroy", Handle: h.unassignGroup(kindCourse), Entity: h.licenseEntity(kindCourse)},
		{ID: "catalog_licenses_program_assignment_retrieve", Handle: h.listAssignments(kindProgram), Entity: h.licenseEntity(kindProgram)},
		{ID: "catalog_licenses_program_assignment_create", Handle: h.assign(kindProgram), Entity: h.licenseEntity(kindProgram)},
		{ID: "catalog_licenses_program_assignment_destroy", Handle: h.unassign(kindProgram), Entity: h.licenseEntity(kindProgram)},
		{ID: "catalog_licenses_program_assignment_group_retrieve", Handle: h.listGroupAssignments(kindProgram), Entity: h.licenseEntity(kindProgram)},
		{ID: "catalog_licenses_program_assignment_group_create", Handle: h.assignGroup(kindProgram), Entity: h.licenseEntity(kindProgram)},
		{ID: "catalog_licenses_program_assignment_group_destroy", Handle: h.unassignGroup(kindProgram), Entity: h.licenseEntity(kindProgram)},
		{ID: "catalog_licenses_user_assignment_check_retrieve", Handle: h.checkUserAssignment, Entity: h.licenseEntity(kindUser)},
		{ID: "catalog_invitations_platform_retrieve", Handle: h.listInvitations(kindPlatform)},
		{ID: "catalog_invitations_platform_create", Handle: h.invite(kindPlatform)},
		{ID: "catalog_invitations_platform_destroy", Handle: h.deleteInvitations},
		{ID: "catalog_invitations_platform_blank_create", Handle: h.blankInvitations(kindPlatform)},
		{ID: "catalog_invitations_platform_bulk_create", Handle: h.bulkInvite(kindPlatform)},
		{ID: "catalog_invitations_platform_redeem_create", Handle: h.redeem(kindPlatform)},
		{ID: "catalog_invitations_course_retrieve", Handle: h.listInvitations(kindCourse)},
		{ID: "catalog_invitations_course_create", Handle: h.invite(kindCourse)},
		{ID: "catalog_invitations_course_destroy", Handle: h.deleteInvitations},
		{ID: "catalog_invitations_course_blank_create", Handle: h.blankInvitations(kindCourse)},
		{ID: "catalog_invitations_course_bulk_create", Handle: h.bulkInvite(kindCourse)},
		{ID: "catalog_invitations_course_redeem_create", Handle: h.redeem(kindCourse)},
		{ID: "catalog_invitations_program_retrieve", Handle: h.listInvitations(kindProgram)},
		{ID: "catalog_invitations_program_create", Handle: h.invite(kindProgram)},
		{ID: "catalog_invitations_program_destroy", Handle: h.deleteInvitations},
		{ID: "catalog_invitations_program_blank_create", Handle: h.blankInvitations(kindProgram)},
		{ID: "catalog_invitations_program_bulk_create", Handle: h.bulkInvite(kindProgram)},
		{ID: "catalog_invitations_program_redeem_create", Handle: h.redeem(kindProgram)},
		{ID: "catalog_invitations_platform_check_retrieve", Handle: h.checkPlatformInvitation},
		// platform_users.go: the directory's users, as the core app lists them.
		{ID: "core_platform_users_retrieve", Handle: h.platformUsers},
	}
}

// readBody binds the request's body into v (api.Bind: exact keys, DRF's
// errors) and also returns it as an object, for the keys v does not name
// (metadata filters, extra invitation fields).
func readBody(c echo.Context, v any) (map[string]any, error) {
	if err := api.Bind(c, v); err != nil {
		return nil, err
	}
	return api.RequestBody(c).Object(), nil
}

// visible reports whether an entity of platform is one the request may
// address: the tenant it names, or (naming none) any the key may touch.
func visible(c echo.Context, platform string) bool {
	if t := api.Tenant(c); t != "" {
		return t == platform
	}
	return api.Allowed(c, platform)
}

// mayWrite refuses (403) a write to a platform the request's key may not
// touch. The server has already refused a request naming such a tenant;
// this covers platforms a request implies (a course key's org, a bulk
// item's platform).
func mayWrite(c echo.Context, platform string) error {
	if !api.Allowed(c, platform) {
		return api.Detail(http.StatusForbidden, api.MsgForbidden)
	}
	return nil
}

// parseTime reads a date-time field as DRF's DateTimeField does
// (drf.ParseDateTime), refusing it on field with DRF's message.
func parseTime(field, s string) (time.Time, error) {
	t, err := drf.ParseDateTime(s)
	if err != nil {
		return time.Time{}, api.Field(field, drf.DateTimeMessage(err))
	}
	return t, nil
}

// msgInvalidEmail is Django's EmailValidator message (api.MsgInvalidEmail).
const msgInvalidEmail = api.MsgInvalidEmail

// validEmail is api.ValidEmail, for the emails no request schema types:
// the public checks' query parameter and the admin directory's users.
func validEmail(s string) bool { return api.ValidEmail(s) }

// idParam reads the integer id named param from the body value (POST) or
// the query string, refusing a body and query that disagree.
func idParam(c echo.Context, param string, body api.Opt[int64]) (int64, bool, error) {
	q, inQuery := int64(0), false
	if s := c.QueryParam(param); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, false, api.Field(param, "A valid integer is required.")
		}
		q, inQuery = n, true
	}
	switch {
	case body.Has() && inQuery && body.V != q:
		return 0, false, api.Field(param, "The body and the query string name different ids.")
	case body.Has():
		return body.V, true, nil
	}
	return q, inQuery, nil
}

// publicCheck answers one of the public "check by email" endpoints: 400
// for a malformed email, else 200 when holds finds what is asked for the
// lower-cased email, 404 when not. Neither answer has a body (the spec
// declares none).
func (h *Handlers) publicCheck(c echo.Context, holds func(tx store.Tx, email string, now time.Time) (bool, error)) error {
	email := c.QueryParam("email")
	if !validEmail(email) {
		return api.Field("email", msgInvalidEmail)
	}
	found, err := api.Read(h.d.Store, func(tx store.Tx) (bool, error) {
		return holds(tx, strings.ToLower(email), h.d.Clock.Now())
	})
	if err != nil {
		return err
	}
	if !found {
		return api.Empty(http.StatusNotFound)
	}
	return c.NoContent(http.StatusOK)
}
