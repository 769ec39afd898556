package credentials

import (
	"strconv"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/edxkey"
)

var (
	_ api.Names  = (*Handlers)(nil)
	_ api.Titles = (*Handlers)(nil)
)

// Names are the tenant's users (the directory's, and every assertion's
// recipient), the courses and programs its credentials name, and its
// credentials; and their display names where a credential gives them
// (course_name, program_name, credential_name).
func (h *Handlers) Names(tx store.Tx, tenant string) map[string][]string {
	out := map[string][]string{}
	if d, err := getDirectory(tx, tenant); err == nil {
		for _, u := range d.Users {
			out["username"] = append(out["username"], u.Username)
			out["user_id"] = append(out["user_id"], strconv.FormatInt(u.UserID, 10))
			if u.Email != nil {
				out["email"] = append(out["email"], *u.Email)
			}
		}
	}
	seen := map[string]bool{}
	tx.Scan(bktAssertionsByUser, tenant+sep, false, func(k string, _ []byte) bool {
		rest := k[len(tenant)+1:]
		for i := 0; i < len(rest); i++ {
			if rest[i] == sep[0] {
				rest = rest[:i]
				break
			}
		}
		if !seen[rest] && len(out["username"]) < maxNames {
			seen[rest] = true
			out["username"] = append(out["username"], rest)
		}
		return len(seen) < maxNames
	})
	for _, id := range ids(tx, bktCredsByTenant, tenant, false) {
		cr, err := getCredential(tx, tenant, id)
		if err != nil || cr == nil {
			continue
		}
		out["credential"] = append(out["credential"], cr.EntityID)
		if cr.Name != "" {
			out["credential_name"] = append(out["credential_name"], cr.Name)
		}
		for _, r := range cr.Courses {
			out["course"] = append(out["course"], r.ID)
			if r.Name != nil && *r.Name != "" {
				out["course_name"] = append(out["course_name"], *r.Name)
			}
		}
		for _, r := range cr.Programs {
			out["program"] = append(out["program"], r.ID)
			if r.Name != nil && *r.Name != "" {
				out["program_name"] = append(out["program_name"], *r.Name)
			}
		}
	}
	return out
}

// maxNames bounds each kind's names: a synthesized field needs a few.
const maxNames = 500

// Titles are the names the tenant's credentials give the courses and
// programs they are tied to (a credential names each as {id, name}), by
// course key and by program id and program key. Where two credentials
// name a course differently, the first credential (in the order they
// were created) wins.
func (h *Handlers) Titles(tx store.Tx, tenant string) map[string]string {
	out := map[string]string{}
	add := func(key string, name *string) {
		if key != "" && name != nil && *name != "" && out[key] == "" && len(out) < 2*maxNames {
			out[key] = *name
		}
	}
	for _, id := range ids(tx, bktCredsByTenant, tenant, false) {
		cr, err := getCredential(tx, tenant, id)
		if err != nil || cr == nil {
			continue
		}
		for _, r := range cr.Courses {
			add(r.ID, r.Name)
		}
		for _, r := range cr.Programs {
			add(r.ID, r.Name)
			if key, ok := edxkey.ProgramKey(r.ID); ok {
				add(key, r.Name)
			}
		}
	}
	return out
}

var _ api.Directory = (*Handlers)(nil)

// User is the tenant's credentials directory user with that username
// (PUT /_fake/credential-groups), platform_admin its Admin.
func (h *Handlers) User(tx store.Tx, tenant, username string) (api.DirectoryUser, bool) {
	d, err := getDirectory(tx, tenant)
	if err != nil {
		return api.DirectoryUser{}, false
	}
	for _, u := range d.Users {
		if u.Username == username {
			out := api.DirectoryUser{UserID: u.UserID, Username: u.Username, Admin: u.PlatformAdmin}
			if u.Email != nil {
				out.Email = *u.Email
			}
			if u.Name != nil {
				out.Name = *u.Name
			}
			return out, true
		}
	}
	return api.DirectoryUser{}, false
}
