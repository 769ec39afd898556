package catalog

import (
	"encoding/json"
	"strconv"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
)

var (
	_ api.Names     = (*Handlers)(nil)
	_ api.Roster    = (*Handlers)(nil)
	_ api.Directory = (*Handlers)(nil)
)

// Names are the platform's directory users and the courses and programs
// its licenses and invitations name.
func (h *Handlers) Names(tx store.Tx, tenant string) map[string][]string {
	out := map[string][]string{}
	tx.Scan(bktUsers, tenant+sep, false, func(_ string, v []byte) bool {
		var u User
		if json.Unmarshal(v, &u) == nil {
			out["username"] = append(out["username"], u.Username)
			out["user_id"] = append(out["user_id"], strconv.FormatInt(u.UserID, 10))
			if u.Email != "" {
				out["email"] = append(out["email"], u.Email)
			}
		}
		return len(out["username"]) < 500
	})
	for _, kind := range licenseKinds {
		for _, id := range indexIDs(tx, bktLicensesByTenant+kind, tenant) {
			if l, err := getLicense(tx, kind, id); err == nil && l != nil {
				add(out, "course", l.CourseID)
				add(out, "program", l.ProgramID)
				add(out, "program", l.ProgramKey)
			}
		}
	}
	for _, kind := range invitationKinds {
		for _, id := range indexIDs(tx, bktInvitationsByTen+kind, tenant) {
			if inv, err := getInvitation(tx, kind, id); err == nil && inv != nil {
				add(out, "course", inv.CourseID)
				add(out, "program", inv.ProgramKey)
			}
		}
	}
	return out
}

func add(out map[string][]string, kind, v string) {
	if v != "" && len(out[kind]) < 500 {
		out[kind] = append(out[kind], v)
	}
}

// Users are the platform's users as its directory holds them (PUT
// /_fake/groups), in the directory's order (api.Roster): the long tail
// reaches a notification's recipients by them.
func (h *Handlers) Users(tx store.Tx, tenant string) []api.DirectoryUser {
	var out []api.DirectoryUser
	tx.Scan(bktUsers, tenant+sep, false, func(_ string, v []byte) bool {
		var u User
		if json.Unmarshal(v, &u) == nil {
			out = append(out, api.DirectoryUser{UserID: u.UserID, Username: u.Username, Email: u.Email, Name: u.Name})
		}
		return true
	})
	return out
}

// User is the platform's directory user with that username
// (PUT /_fake/groups); the catalog's directory knows no roles.
func (h *Handlers) User(tx store.Tx, tenant, username string) (api.DirectoryUser, bool) {
	u, err := findUser(tx, tenant, "", username)
	if err != nil || u == nil || username == "" {
		return api.DirectoryUser{}, false
	}
	return api.DirectoryUser{UserID: u.UserID, Username: u.Username, Email: u.Email, Name: u.Name}, true
}
