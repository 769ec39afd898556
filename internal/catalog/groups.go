package catalog

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/labstack/echo/v4"
)

// Directory is a platform's users and user groups, which the fake cannot
// learn from the vendor API (groups and users live in other services).
// PUT /_fake/groups replaces a platform's directory; GET returns it.
//
//	{"platform_key": "acme",
//	 "users":  [{"user_id": 7, "username": "ann", "email": "ann@acme.test", "name": "Ann"}],
//	 "groups": [{"id": 1, "name": "Sales", "members": [{"user_id": 8, "username": "bob"}]}]}
//
// Group members are users of the platform too.
type Directory struct {
	PlatformKey string  `json:"platform_key"`
	Users       []User  `json:"users"`
	Groups      []Group `json:"groups"`
}

func (h *Handlers) getDirectory(c echo.Context) error {
	tenant := c.QueryParam("platform_key")
	if tenant == "" {
		return api.Field("platform_key", api.MsgRequired)
	}
	dir := Directory{PlatformKey: tenant, Users: []User{}, Groups: []Group{}}
	err := h.d.Store.View(func(tx store.Tx) error {
		var bad error
		tx.Scan(bktUsers, tenant+sep, false, func(_ string, v []byte) bool {
			var u User
			bad = json.Unmarshal(v, &u)
			dir.Users = append(dir.Users, u)
			return bad == nil
		})
		if bad != nil {
			return bad
		}
		tx.Scan(bktGroups, tenant+sep, false, func(_ string, v []byte) bool {
			var g Group
			bad = json.Unmarshal(v, &g)
			dir.Groups = append(dir.Groups, g)
			return bad == nil
		})
		return bad
	})
	if err != nil {
		return err
	}
	return api.JSON(c, http.StatusOK, dir)
}

// putDirectory replaces the platform's users and groups in one
// transaction. Assignments already made are left as they are.
func (h *Handlers) putDirectory(c echo.Context) error {
	var dir Directory
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&dir); err != nil {
		return api.Detail(http.StatusBadRequest, "JSON parse error - "+err.Error())
	}
	if dir.PlatformKey == "" {
		return api.Field("platform_key", api.MsgRequired)
	}
	users := map[int64]User{}
	var order []int64
	addUser := func(u User, where string) error {
		if u.UserID < 1 || u.Username == "" {
			return api.Field(where, "Each user needs a positive user_id and a username.")
		}
		if u.Email != "" && !validEmail(u.Email) {
			return api.Field(where, fmt.Sprintf("%q is not a valid email address.", u.Email))
		}
		if prev, ok := users[u.UserID]; ok && prev != u {
			return api.Field(where, fmt.Sprintf("user_id %d is given twice with different details.", u.UserID))
		}
		if _, ok := users[u.UserID]; !ok {
			order = append(order, u.UserID)
		}
		users[u.UserID] = u
		return nil
	}
	for _, u := range dir.Users {
		if err := addUser(u, "users"); err != nil {
			return err
		}
	}
	seen := map[int64]bool{}
	for _, g := range dir.Groups {
		if g.ID < 1 || g.Name == "" || seen[g.ID] {
			return api.Field("groups", "Each group needs a unique positive id and a name.")
		}
		seen[g.ID] = true
		for _, m := range g.Members {
			if err := addUser(m, "groups"); err != nil {
				return err
			}
		}
	}
	err := h.d.Store.Update(func(tx store.Tx) error {
		for _, b := range []string{bktUsers, bktGroups} {
			var old []string
			tx.Scan(b, dir.PlatformKey+sep, false, func(k string, _ []byte) bool {
				old = append(old, k)
				return true
			})
			for _, k := range old {
				if err := tx.Delete(b, k); err != nil {
					return err
				}
			}
		}
		for _, id := range order {
			if err := store.PutJSON(tx, bktUsers, key(dir.PlatformKey, idKey(id)), users[id]); err != nil {
				return err
			}
		}
		for _, g := range dir.Groups {
			if g.Members == nil {
				g.Members = []User{}
			}
			if err := store.PutJSON(tx, bktGroups, key(dir.PlatformKey, idKey(g.ID)), g); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return api.JSON(c, http.StatusOK, map[string]any{
		"platform_key": dir.PlatformKey, "users": len(order), "groups": len(dir.Groups)})
}
