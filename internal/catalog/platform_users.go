package catalog

import (
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/labstack/echo/v4"
)

// PlatformUser is one user of core_platform_users_retrieve's answer: the
// directory's user (PUT /_fake/groups, the demo tenant) as the vendor's
// example shows it.
type PlatformUser struct {
	Username    string  `json:"username"`
	UserID      int64   `json:"user_id"`
	Name        string  `json:"name"`
	PlatformOrg string  `json:"platform_org"`
	ExpiredOn   *string `json:"expired_on"`
	IsAdmin     bool    `json:"is_admin"`
	IsStaff     bool    `json:"is_staff"`
	PlatformKey string  `json:"platform_key"`
	Active      bool    `json:"active"`
	Email       string  `json:"email"`
	AddedOn     *string `json:"added_on"`
	// Policies are there with return_policies (the directory holds none).
	Policies *[]string `json:"policies,omitempty"`
}

// platformUsersPage is the answer: {count, next_page, previous_page,
// results}, and allowed_policies and data with return_policies.
type platformUsersPage struct {
	Count           int            `json:"count"`
	NextPage        *int           `json:"next_page"`
	PreviousPage    *int           `json:"previous_page"`
	Results         []PlatformUser `json:"results"`
	AllowedPolicies []string       `json:"allowed_policies,omitempty"`
	Data            []PlatformUser `json:"data,omitempty"`
}

// platformUsers is GET /api/core/platform/users/: the platform's users, the
// ones the invite dialogs pick from and the vendor's login check reads,
// from the same directory the license assignments resolve against.
// query matches username, email or name (case-insensitive); sort by
// username, email, name, user_id (a leading '-' reverses); pages of
// page_size (default 10, at most 100), page numbers in next_page and
// previous_page, null at the ends (FIDELITY.md, "platform users").
func (h *Handlers) platformUsers(c echo.Context) error {
	tenant := api.Tenant(c)
	if tenant == "" {
		return api.Field("platform_key", api.MsgRequired)
	}
	q := strings.ToLower(c.QueryParam("query"))
	users, err := api.Read(h.d.Store, func(tx store.Tx) ([]User, error) {
		var out []User
		var bad error
		tx.Scan(bktUsers, tenant+sep, false, func(_ string, v []byte) bool {
			var u User
			if bad = json.Unmarshal(v, &u); bad != nil {
				return false
			}
			if q == "" || strings.Contains(strings.ToLower(u.Username), q) ||
				strings.Contains(strings.ToLower(u.Email), q) || strings.Contains(strings.ToLower(u.Name), q) {
				out = append(out, u)
			}
			return true
		})
		return out, bad
	})
	if err != nil {
		return err
	}
	sortUsers(users, c.QueryParam("sort"))
	p, err := api.ParsePage(c, len(users), 10, 100)
	if err != nil {
		return err
	}
	policies := c.QueryParam("return_policies") != ""
	page := platformUsersPage{Count: len(users), Results: []PlatformUser{}}
	for _, u := range api.Slice(p, users) {
		pu := PlatformUser{Username: u.Username, UserID: u.UserID, Name: u.Name, PlatformOrg: tenant,
			PlatformKey: tenant, Active: true, Email: u.Email}
		if policies {
			pu.Policies = &[]string{}
		}
		page.Results = append(page.Results, pu)
	}
	if p.Number < p.NumPages {
		n := p.Number + 1
		page.NextPage = &n
	}
	if p.Number > 1 {
		n := p.Number - 1
		page.PreviousPage = &n
	}
	if policies {
		page.AllowedPolicies, page.Data = []string{}, page.Results
	}
	return api.JSON(c, http.StatusOK, page)
}

// sortUsers orders users by sort (username when empty or unknown).
func sortUsers(users []User, sort string) {
	desc := strings.HasPrefix(sort, "-")
	field := strings.TrimPrefix(sort, "-")
	slices.SortStableFunc(users, func(a, b User) int {
		var r int
		switch field {
		case "email":
			r = cmp.Compare(strings.ToLower(a.Email), strings.ToLower(b.Email))
		case "name":
			r = cmp.Compare(a.Name, b.Name)
		case "user_id", "id":
			r = cmp.Compare(a.UserID, b.UserID)
		default:
			r = cmp.Compare(a.Username, b.Username)
		}
		if r == 0 {
			r = cmp.Compare(strconv.FormatInt(a.UserID, 10), strconv.FormatInt(b.UserID, 10))
		}
		if desc {
			return -r
		}
		return r
	})
}
