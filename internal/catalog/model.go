// Package catalog serves the data manager's catalog licenses and invitations
// (dl_catalog_invitations): seat pools per platform, user, course and
// program, their assignments to users and groups, and platform, course and
// program invitations. No route has path parameters; a request names its
// tenant (platform) with platform_key / key / org / platform_org in the query
// or the body, and its entities with ids in the query or the body.
package catalog

import (
	"strings"
	"time"

	"github.com/iblfake/iblfake/internal/drf"
)

// Kinds of licenses, assignments and invitations.
const (
	kindPlatform = "platform"
	kindUser     = "user"
	kindCourse   = "course"
	kindProgram  = "program"
)

// License is a seat pool. Platform licenses have no assignments; user,
// course and program licenses are assigned to users and groups, one seat per
// active assignment.
type License struct {
	ID               int64          `json:"id"`
	Kind             string         `json:"kind"`
	Platform         string         `json:"platform"`
	CourseID         string         `json:"course_id,omitempty"`
	ProgramID        string         `json:"program_id,omitempty"`
	ProgramKey       string         `json:"program_key,omitempty"`
	Name             string         `json:"name"`
	Count            int            `json:"count"`
	Active           bool           `json:"active"`
	Created          time.Time      `json:"created"`
	Started          time.Time      `json:"started"`
	Expired          *time.Time     `json:"expired"`
	Metadata         map[string]any `json:"metadata"`
	EnrollmentConfig map[string]any `json:"enrollment_config,omitempty"`
	Source           string         `json:"source"`
	ExternalID       *string        `json:"external_id"`
	// History has one record per create and update, as the real service
	// keeps (SKILL-CI "each update writes a history record").
	History []Change `json:"history"`
}

// Change is one history record of a license.
type Change struct {
	At            time.Time `json:"at"`
	ChangeType    string    `json:"change_type"`
	TransactionID string    `json:"transaction_id,omitempty"`
	Fields        []string  `json:"fields"`
}

// Assignment gives one user (or one email not yet a user) a seat of a
// license. It holds a seat while Active.
type Assignment struct {
	ID         int64          `json:"id"`
	Kind       string         `json:"kind"`
	LicenseID  int64          `json:"license_id"`
	Platform   string         `json:"platform"`
	UserID     *int64         `json:"user_id"`
	Username   *string        `json:"username"`
	Name       *string        `json:"name"`
	Email      *string        `json:"email"`
	Active     bool           `json:"active"`
	Fulfilled  bool           `json:"fulfilled"`
	Direct     bool           `json:"direct"`
	RedirectTo *string        `json:"redirect_to"`
	Metadata   map[string]any `json:"metadata"`
	// Groups are the group assignments that made or cover this assignment.
	Groups   []int64   `json:"groups,omitempty"`
	Created  time.Time `json:"created"`
	Modified time.Time `json:"modified"`
}

// GroupAssignment gives every member of a group a seat of a license; each
// member gets an Assignment of their own.
type GroupAssignment struct {
	ID         int64          `json:"id"`
	Kind       string         `json:"kind"`
	LicenseID  int64          `json:"license_id"`
	Platform   string         `json:"platform"`
	GroupID    int64          `json:"group_id"`
	GroupName  string         `json:"group_name"`
	Active     bool           `json:"active"`
	Fulfilled  bool           `json:"fulfilled"`
	RedirectTo *string        `json:"redirect_to"`
	Metadata   map[string]any `json:"metadata"`
	Created    time.Time      `json:"created"`
	Modified   time.Time      `json:"modified"`
}

// Invitation invites an email or user to a platform, course or program. A
// blank invitation has neither until it is redeemed.
type Invitation struct {
	ID         int64          `json:"id"`
	Kind       string         `json:"kind"`
	Platform   string         `json:"platform"`
	CourseID   string         `json:"course_id,omitempty"`
	ProgramKey string         `json:"program_key,omitempty"`
	UserID     *int64         `json:"user_id"`
	Username   *string        `json:"username"`
	Email      *string        `json:"email"`
	Created    time.Time      `json:"created"`
	Started    *time.Time     `json:"started"`
	Expired    *time.Time     `json:"expired"`
	Source     *string        `json:"source"`
	RedirectTo *string        `json:"redirect_to"`
	Active     bool           `json:"active"`
	Metadata   map[string]any `json:"metadata"`
	// EnrollmentConfig is kept for course and program invitations.
	EnrollmentConfig map[string]any `json:"enrollment_config,omitempty"`
	// The platform invitation's declared CSV fields (invitation_fields.go).
	CompanyName         *string `json:"company_name,omitempty"`
	FirstName           *string `json:"first_name,omitempty"`
	LastName            *string `json:"last_name,omitempty"`
	UserGroup           *string `json:"user_group,omitempty"`
	UserGroupOwnerEmail *string `json:"user_group_owner_email,omitempty"`
}

// Blank reports whether the invitation has not been given to anyone yet.
func (iv *Invitation) Blank() bool {
	return iv.Email == nil && iv.Username == nil && iv.UserID == nil
}

// Pending reports whether the invitation still lets its invitee in: active
// and not past its expiry.
func (iv *Invitation) Pending(now time.Time) bool {
	return iv.Active && (iv.Expired == nil || iv.Expired.After(now))
}

// User is a platform user the fake knows (seeded with PUT /_fake/groups).
type User struct {
	UserID   int64  `json:"user_id"`
	Username string `json:"username"`
	Email    string `json:"email,omitempty"`
	Name     string `json:"name,omitempty"`
}

// Group is a platform's user group.
type Group struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Members []User `json:"members"`
}

func timestampPtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := drf.FormatDateTime(*t)
	return &s
}

// courseOrg returns the org part of an opaque course key
// (course-v1:ORG+COURSE+RUN, also ccx-v1:), and whether id is one.
func courseOrg(id string) (string, bool) {
	for _, prefix := range []string{"course-v1:", "ccx-v1:"} {
		if rest, ok := strings.CutPrefix(id, prefix); ok {
			parts := strings.Split(rest, "+")
			if len(parts) >= 3 && parts[0] != "" && parts[1] != "" && parts[2] != "" {
				return parts[0], true
			}
		}
	}
	return "", false
}

// programOrg returns the org of a program key (ORG+PROGRAM), and whether
// key is one.
func programOrg(key string) (string, bool) {
	org, name, ok := strings.Cut(key, "+")
	if !ok || org == "" || name == "" || strings.ContainsAny(key, " /") {
		return "", false
	}
	return org, true
}

// programName is the display name the fake gives a program: its key's
// program part (the fake has no program catalog).
func programName(key string) string {
	_, name, _ := strings.Cut(key, "+")
	return name
}
