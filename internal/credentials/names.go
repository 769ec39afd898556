package credentials

import (
	"strconv"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
)

var _ api.Names = (*Handlers)(nil)

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
