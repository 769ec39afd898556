package catalog

import (
	"strings"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/internal/drf"
)

// The fields the newer contract (4.205) declares on the invitation creates
// and their bulk items, by kind (FIDELITY.md, C6): the platform invitation's
// CSV columns, and the course and program access dates that map into
// enrollment_config. They are stored and answered as fields; on another
// kind, or in a blank or redeem body, they are unknown keys and go to
// metadata as before.
var declaredFields = map[string]map[string]bool{
	kindPlatform: {"company_name": true, "first_name": true, "last_name": true, "user_group": true,
		"user_group_owner_email": true},
	kindCourse:  {"course_access_start_date": true, "course_access_expiration_date": true},
	kindProgram: {"program_access_start_date": true, "program_access_expiration_date": true},
}

// declaredWrite is the part of invitationWrite those fields bind to.
type declaredWrite struct {
	CompanyName         api.Opt[string] `json:"company_name"`
	FirstName           api.Opt[string] `json:"first_name"`
	LastName            api.Opt[string] `json:"last_name"`
	UserGroup           api.Opt[string] `json:"user_group"`
	UserGroupOwnerEmail api.Opt[string] `json:"user_group_owner_email"`
	CourseAccessStart   api.Opt[string] `json:"course_access_start_date"`
	CourseAccessEnd     api.Opt[string] `json:"course_access_expiration_date"`
	ProgramAccessStart  api.Opt[string] `json:"program_access_start_date"`
	ProgramAccessEnd    api.Opt[string] `json:"program_access_expiration_date"`
}

// PlatformInvitationFields are the declared fields a platform invitation
// answers (null when unset).
type PlatformInvitationFields struct {
	CompanyName         *string `json:"company_name"`
	FirstName           *string `json:"first_name"`
	LastName            *string `json:"last_name"`
	UserGroup           *string `json:"user_group"`
	UserGroupOwnerEmail *string `json:"user_group_owner_email"`
}

// EnrollmentFields is what a course or program invitation answers of its
// enrollment configuration ({} when unset).
type EnrollmentFields struct {
	EnrollmentConfig map[string]any `json:"enrollment_config"`
}

// applyDeclared writes the declared fields of iv's kind onto iv: a field
// given replaces the stored one; an access date is stored
// in enrollment_config under "started" or "expired", formatted as the API
// formats date-times, after the body's own enrollment_config, so the date
// wins ("maps to enrollment_config['started']": PYSDK's
// CourseInvitationCreate). A bulk item's malformed owner email is refused
// here, to be the item's error code (the single create's was refused by the
// request validator).
func applyDeclared(iv *Invitation, w *invitationWrite) error {
	set := func(dst **string, o api.Opt[string]) {
		if o.Set {
			*dst = o.Ptr()
		}
	}
	switch iv.Kind {
	case kindPlatform:
		if o := w.UserGroupOwnerEmail; o.Has() && !validEmail(strings.TrimSpace(o.V)) {
			return api.Field("user_group_owner_email", msgInvalidEmail)
		}
		set(&iv.CompanyName, w.CompanyName)
		set(&iv.FirstName, w.FirstName)
		set(&iv.LastName, w.LastName)
		set(&iv.UserGroup, w.UserGroup)
		set(&iv.UserGroupOwnerEmail, w.UserGroupOwnerEmail)
		return nil
	case kindCourse:
		return setAccessDates(iv, w.CourseAccessStart, "course_access_start_date", w.CourseAccessEnd, "course_access_expiration_date")
	case kindProgram:
		return setAccessDates(iv, w.ProgramAccessStart, "program_access_start_date", w.ProgramAccessEnd, "program_access_expiration_date")
	}
	return nil
}

// setAccessDates maps a start and an expiration date into
// enrollment_config's "started" and "expired" (the document makes neither
// nullable; the request validator refuses null).
func setAccessDates(iv *Invitation, start api.Opt[string], startField string, end api.Opt[string], endField string) error {
	for _, d := range []struct {
		o            api.Opt[string]
		field, entry string
	}{{start, startField, "started"}, {end, endField, "expired"}} {
		if !d.o.Has() {
			continue
		}
		if iv.EnrollmentConfig == nil {
			iv.EnrollmentConfig = map[string]any{}
		}
		at, err := parseTime(d.field, d.o.V)
		if err != nil {
			return err
		}
		iv.EnrollmentConfig[d.entry] = drf.FormatDateTime(at)
	}
	return nil
}

// declaredView adds the declared fields of iv's kind to its view.
func declaredView(v *InvitationView, iv *Invitation) {
	switch iv.Kind {
	case kindPlatform:
		v.PlatformInvitationFields = &PlatformInvitationFields{CompanyName: iv.CompanyName, FirstName: iv.FirstName,
			LastName: iv.LastName, UserGroup: iv.UserGroup, UserGroupOwnerEmail: iv.UserGroupOwnerEmail}
	case kindCourse, kindProgram:
		v.EnrollmentFields = &EnrollmentFields{EnrollmentConfig: nonNilMap(iv.EnrollmentConfig)}
	}
}
