package credentials

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/labstack/echo/v4"
)

// The directory is the part of a tenant's user base the credentials API
// needs and the fake has no other source for: users with numeric ids (the
// user_ids of user assignments), their roles, and groups of them (the
// group_ids of group assignments). Tests seed it with
// PUT /_fake/credential-groups.

const bktDirectory = "cred.directory" // tenant -> Directory

// DirUser is one user of a tenant.
type DirUser struct {
	UserID   int64   `json:"user_id"`
	Username string  `json:"username"`
	Email    *string `json:"email"`
	Name     *string `json:"name"`
	// PlatformAdmin users see and manage every assignment of the tenant;
	// the others see only their own.
	PlatformAdmin bool `json:"platform_admin"`
}

// DirGroup is a group of users (a user group / department group).
type DirGroup struct {
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	Members []int64 `json:"members"` // user ids
}

// Directory is the users and groups of one tenant.
type Directory struct {
	Org    string     `json:"org"`
	Users  []DirUser  `json:"users"`
	Groups []DirGroup `json:"groups"`
}

func getDirectory(tx store.Tx, tenant string) (*Directory, error) {
	d := &Directory{Org: tenant, Users: []DirUser{}, Groups: []DirGroup{}}
	if _, err := store.GetJSON(tx, bktDirectory, tenant, d); err != nil {
		return nil, err
	}
	return d, nil
}

func (d *Directory) user(id int64) *DirUser {
	for i := range d.Users {
		if d.Users[i].UserID == id {
			return &d.Users[i]
		}
	}
	return nil
}

// caller resolves the {user_id} path segment, a numeric id or a username.
func (d *Directory) caller(seg string) *DirUser {
	if n, err := strconv.ParseInt(seg, 10, 64); err == nil {
		if u := d.user(n); u != nil {
			return u
		}
	}
	for i := range d.Users {
		if d.Users[i].Username == seg {
			return &d.Users[i]
		}
	}
	return nil
}

func (d *Directory) group(id string) *DirGroup {
	for i := range d.Groups {
		if d.Groups[i].ID == id {
			return &d.Groups[i]
		}
	}
	return nil
}

// isAdmin reports whether the {user_id} of the URL may act on every
// assignment of the tenant: a directory user marked platform_admin, or a
// user the directory does not know (the platform API key's own user, such
// as the vendor scripts' "ibl-admin").
func (d *Directory) isAdmin(seg string) bool {
	u := d.caller(seg)
	return u == nil || u.PlatformAdmin
}

// directoryMember is a group member as the admin body gives it: a user id,
// or a user object that is added to the users.
type directoryMember struct {
	id   int64
	user *DirUser
}

func (m *directoryMember) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, &m.id); err == nil {
		return nil
	}
	m.user = &DirUser{}
	if err := json.Unmarshal(b, m.user); err != nil {
		return fmt.Errorf("a member is a user id or a user object")
	}
	m.id = m.user.UserID
	return nil
}

// PutDirectory replaces a tenant's users and groups:
//
//	PUT /_fake/credential-groups
//	{"org": "acme",
//	 "users": [{"user_id": 7, "username": "ada", "email": "ada@acme.test", "platform_admin": false}],
//	 "groups": [{"id": "cohort-a", "name": "Cohort A", "members": [7, {"user_id": 8, "username": "bob"}]}]}
//
// It answers the stored directory.
func (h *Handlers) PutDirectory(c echo.Context) error {
	var body struct {
		Org    string    `json:"org"`
		Users  []DirUser `json:"users"`
		Groups []struct {
			ID      string            `json:"id"`
			Name    string            `json:"name"`
			Members []directoryMember `json:"members"`
		} `json:"groups"`
	}
	if err := json.NewDecoder(c.Request().Body).Decode(&body); err != nil {
		return api.Detail(http.StatusBadRequest, "JSON parse error - "+err.Error())
	}
	if body.Org == "" {
		return api.Field("org", api.MsgRequired)
	}
	d := &Directory{Org: body.Org, Users: []DirUser{}, Groups: []DirGroup{}}
	add := func(u DirUser, field string) error {
		if u.UserID <= 0 || u.Username == "" {
			return api.Field(field, "Each user needs a positive user_id and a username.")
		}
		if have := d.user(u.UserID); have != nil {
			if have.Username != u.Username {
				return api.Field(field, fmt.Sprintf("user_id %d is given two usernames.", u.UserID))
			}
			return nil
		}
		if d.caller(u.Username) != nil {
			return api.Field(field, fmt.Sprintf("username %q is given two user ids.", u.Username))
		}
		d.Users = append(d.Users, u)
		return nil
	}
	for _, u := range body.Users {
		if err := add(u, "users"); err != nil {
			return err
		}
	}
	for _, g := range body.Groups {
		if g.ID == "" || d.group(g.ID) != nil {
			return api.Field("groups", "Each group needs an id, unique in the org.")
		}
		dg := DirGroup{ID: g.ID, Name: g.Name, Members: []int64{}}
		for _, m := range g.Members {
			if m.user != nil {
				if err := add(*m.user, "groups"); err != nil {
					return err
				}
			} else if d.user(m.id) == nil {
				return api.Field("groups", fmt.Sprintf("Group %s lists user %d, who is not among the users.", g.ID, m.id))
			}
			dg.Members = append(dg.Members, m.id)
		}
		d.Groups = append(d.Groups, dg)
	}
	err := h.d.Store.Update(func(tx store.Tx) error { return store.PutJSON(tx, bktDirectory, d.Org, d) })
	if err != nil {
		return err
	}
	return api.JSON(c, http.StatusOK, d)
}

// GetDirectory answers the users and groups of ?org=.
func (h *Handlers) GetDirectory(c echo.Context) error {
	org := c.QueryParam("org")
	if org == "" {
		return api.Field("org", api.MsgRequired)
	}
	var d *Directory
	err := h.d.Store.View(func(tx store.Tx) (err error) {
		d, err = getDirectory(tx, org)
		return err
	})
	if err != nil {
		return err
	}
	return api.JSON(c, http.StatusOK, d)
}
