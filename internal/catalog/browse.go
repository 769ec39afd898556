package catalog

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
)

// The dashboard's view of this package (api.Browser): licenses with their
// assignments and invitations per platform, each row rendered by the view
// functions the handlers answer with (licenseView, assignmentView,
// groupAssignmentView, invitationView).

var _ api.Browser = (*Handlers)(nil)

// Browse kinds of this package.
const (
	browseLicenses    = "licenses"
	browseInvitations = "invitations"
)

var (
	licenseKinds    = []string{kindPlatform, kindUser, kindCourse, kindProgram}
	invitationKinds = []string{kindPlatform, kindCourse, kindProgram}
)

// Invitation states, as the dashboard shows them, in the order they are
// decided: a cancelled (inactive) invitation is cancelled whatever its
// expiry; an expired one lets nobody in; a blank one has no invitee yet; a
// redeemed one was given out (started) from a blank batch; every other
// active one is pending.
var invitationStates = []string{"pending", "redeemed", "blank", "expired", "cancelled"}

func invitationState(iv *Invitation, now time.Time) string {
	switch {
	case !iv.Active:
		return "cancelled"
	case iv.Expired != nil && !iv.Expired.After(now):
		return "expired"
	case iv.Blank():
		return "blank"
	case iv.Started != nil:
		return "redeemed"
	}
	return "pending"
}

// licenseState is active, inactive (switched off) or expired.
func licenseState(l *License, now time.Time) string {
	switch {
	case !l.Active:
		return "inactive"
	case l.Expired != nil && !l.Expired.After(now):
		return "expired"
	}
	return "active"
}

// BrowseTenants lists the platforms that have licenses, invitations, users
// or groups.
func (h *Handlers) BrowseTenants() ([]string, error) {
	buckets := []string{bktGroups, bktUsers}
	for _, k := range licenseKinds {
		buckets = append(buckets, bktLicensesByTenant+k, bktInvitationsByTen+k)
	}
	var out []string
	err := h.d.Store.View(func(tx store.Tx) error {
		out = store.KeyTenants(tx, buckets...)
		return nil
	})
	return out, err
}

// BrowseStats counts a platform's licenses by kind, the seats their active
// assignments use of the seats user, course and program licenses hold, and
// its invitations by state.
func (h *Handlers) BrowseStats(tenant string) ([]api.Stat, error) {
	now := h.d.Clock.Now()
	lic := api.Stat{Label: "Licenses", Kind: browseLicenses}
	seats := api.Stat{Label: "Seats", Kind: browseLicenses}
	inv := api.Stat{Label: "Invitations", Kind: browseInvitations}
	byState := map[string]int{}
	err := h.d.Store.View(func(tx store.Tx) error {
		for _, k := range licenseKinds {
			ls, err := tenantLicenses(tx, k, tenant)
			if err != nil {
				return err
			}
			lic.Value += len(ls)
			lic.Parts = append(lic.Parts, api.StatPart{Label: k, Value: len(ls), Filter: "kind=" + k})
			if k == kindPlatform {
				continue
			}
			for _, l := range ls {
				as, err := assignmentsOf(tx, l)
				if err != nil {
					return err
				}
				seats.Value += summarize(as).Active
				seats.Of += l.Count
			}
		}
		for _, k := range invitationKinds {
			ivs, err := invitationsOf(tx, k, tenant)
			if err != nil {
				return err
			}
			inv.Value += len(ivs)
			for _, iv := range ivs {
				byState[invitationState(iv, now)]++
			}
		}
		return nil
	})
	for _, s := range invitationStates {
		inv.Parts = append(inv.Parts, api.StatPart{Label: s, Value: byState[s], Filter: "status=" + s})
	}
	return []api.Stat{lic, seats, inv}, err
}

func tenantLicenses(tx store.Tx, kind, tenant string) ([]*License, error) {
	var out []*License
	for _, id := range indexIDs(tx, bktLicensesByTenant+kind, tenant) {
		l, err := getLicense(tx, kind, id)
		if err != nil {
			return nil, err
		}
		if l != nil {
			out = append(out, l)
		}
	}
	return out, nil
}

// BrowseKinds: licenses and invitations.
func (h *Handlers) BrowseKinds() []api.BrowseKind {
	return []api.BrowseKind{
		{Name: browseLicenses, Title: "Licenses",
			Columns: []string{"Name", "Kind", "For", "Seats used", "Status", "Started", "Expires", "External id"},
			Filters: []api.BrowseFilter{{Name: "kind", Label: "Kind", Options: licenseKinds}, {Name: "q", Label: "Name contains"}}},
		{Name: browseInvitations, Title: "Invitations",
			Columns: []string{"Created", "Kind", "Invitee", "For", "Source", "Expires", "Status"},
			Filters: []api.BrowseFilter{{Name: "kind", Label: "Kind", Options: invitationKinds},
				{Name: "status", Label: "Status", Options: invitationStates}, {Name: "q", Label: "Email or username contains"}}},
	}
}

// Browse lists a page of licenses (by kind, newest first) or invitations
// (newest first).
func (h *Handlers) Browse(q api.BrowseQuery) (api.BrowsePage, error) {
	now := h.d.Clock.Now()
	kinds := licenseKinds
	if q.Kind == browseInvitations {
		kinds = invitationKinds
	}
	if k := q.Filter["kind"]; k != "" {
		if !slices.Contains(kinds, k) {
			return api.BrowsePage{}, api.Field("kind", fmt.Sprintf("%q is none of %s.", k, strings.Join(kinds, ", ")))
		}
		kinds = []string{k}
	}
	search := strings.ToLower(q.Filter["q"])
	out := api.BrowsePage{Rows: []api.BrowseRow{}}
	err := h.d.Store.View(func(tx store.Tx) error {
		switch q.Kind {
		case browseLicenses:
			var found []*License
			for _, k := range kinds {
				ls, err := tenantLicenses(tx, k, q.Tenant)
				if err != nil {
					return err
				}
				for i := len(ls) - 1; i >= 0; i-- {
					if search == "" || strings.Contains(strings.ToLower(ls[i].Name), search) {
						found = append(found, ls[i])
					}
				}
			}
			out.Total = len(found)
			for _, l := range pageOf(found, q) {
				r, err := licenseRow(tx, l, now)
				if err != nil {
					return err
				}
				out.Rows = append(out.Rows, r)
			}
		case browseInvitations:
			status := q.Filter["status"]
			if status != "" && !slices.Contains(invitationStates, status) {
				return api.Field("status", fmt.Sprintf("%q is none of %s.", status, strings.Join(invitationStates, ", ")))
			}
			var found []*Invitation
			for _, k := range kinds {
				ivs, err := invitationsOf(tx, k, q.Tenant)
				if err != nil {
					return err
				}
				for _, iv := range ivs {
					if status != "" && invitationState(iv, now) != status {
						continue
					}
					if search != "" && !strings.Contains(lower(iv.Email), search) && !strings.Contains(lower(iv.Username), search) {
						continue
					}
					found = append(found, iv)
				}
			}
			sort.SliceStable(found, func(i, j int) bool {
				if !found[i].Created.Equal(found[j].Created) {
					return found[i].Created.After(found[j].Created)
				}
				return found[i].ID > found[j].ID
			})
			out.Total = len(found)
			for _, iv := range pageOf(found, q) {
				out.Rows = append(out.Rows, invitationRow(iv, now))
			}
		default:
			return api.Detail(http.StatusBadRequest, fmt.Sprintf("No kind %q here.", q.Kind))
		}
		return nil
	})
	return out, err
}

// BrowseEntity returns one license, with its assignments and group
// assignments, or one invitation; id is "KIND-ID" (ids are per kind).
func (h *Handlers) BrowseEntity(tenant, kind, id string) (*api.BrowseRow, error) {
	k, n, ok := strings.Cut(id, "-")
	num, err := strconv.ParseInt(n, 10, 64)
	if !ok || err != nil || !slices.Contains(licenseKinds, k) {
		return nil, api.NotFound()
	}
	now := h.d.Clock.Now()
	var row *api.BrowseRow
	err = h.d.Store.View(func(tx store.Tx) error {
		switch kind {
		case browseLicenses:
			l, err := getLicense(tx, k, num)
			if err != nil {
				return err
			}
			if l == nil || l.Platform != tenant {
				return api.NotFound()
			}
			r, err := licenseRow(tx, l, now)
			if err != nil {
				return err
			}
			if r.Related, err = licenseRelated(tx, l); err != nil {
				return err
			}
			row = &r
		case browseInvitations:
			if k == kindUser {
				return api.NotFound()
			}
			iv, err := getInvitation(tx, k, num)
			if err != nil {
				return err
			}
			if iv == nil || iv.Platform != tenant {
				return api.NotFound()
			}
			r := invitationRow(iv, now)
			row = &r
		default:
			return api.NotFound()
		}
		return nil
	})
	return row, err
}

func pageOf[T any](items []T, q api.BrowseQuery) []T {
	lo := min(q.Offset, len(items))
	return items[lo:min(lo+q.Limit, len(items))]
}

// catalogPath is a vendor list path with its query, the tenant named by
// platform_key.
func catalogPath(path, tenant string, q url.Values) string {
	q.Set("platform_key", tenant)
	return "GET " + path + "?" + q.Encode()
}

// licenseTarget is what a license or invitation is for.
func licenseTarget(kind, platform, courseID, programKey string) string {
	switch kind {
	case kindCourse:
		return courseID
	case kindProgram:
		return programKey
	}
	return platform
}

func licenseRow(tx store.Tx, l *License, now time.Time) (api.BrowseRow, error) {
	var as []*Assignment
	if l.Kind != kindPlatform {
		var err error
		if as, err = assignmentsOf(tx, l); err != nil {
			return api.BrowseRow{}, err
		}
	}
	v := licenseView(l, as, true)
	seats := "—"
	if v.UsageCount != nil {
		seats = fmt.Sprintf("%d of %d", *v.UsageCount, v.Count)
	}
	expires, ext := api.BrowseCell{Text: "never"}, "—"
	if v.Expired != nil {
		expires = api.BrowseCell{Text: *v.Expired, Time: true}
	}
	if v.ExternalID != nil {
		ext = *v.ExternalID
	}
	return api.BrowseRow{
		ID: l.Kind + "-" + strconv.FormatInt(l.ID, 10),
		Cells: []api.BrowseCell{{Text: v.Name}, {Text: l.Kind}, {Text: licenseTarget(l.Kind, l.Platform, l.CourseID, l.ProgramKey), Mono: true},
			{Text: seats}, {Text: licenseState(l, now), Badge: true}, {Text: v.Started, Time: true}, expires, {Text: ext, Mono: true}},
		API:  catalogPath("/api/catalog/licenses/"+l.Kind+"/", l.Platform, url.Values{"verbose": {"true"}, "name": {l.Name}, "page_size": {"100"}}),
		In:   "results[]",
		View: v,
	}, nil
}

// licenseRelated lists a license's assignments and group assignments, as
// their lists render them.
func licenseRelated(tx store.Tx, l *License) ([]api.BrowseSection, error) {
	if l.Kind == kindPlatform {
		return nil, nil
	}
	as, err := assignmentsOf(tx, l)
	if err != nil {
		return nil, err
	}
	gs, err := groupAssignmentsOf(tx, l)
	if err != nil {
		return nil, err
	}
	lid := strconv.FormatInt(l.ID, 10)
	seats := api.BrowseSection{Title: "Assignments", Columns: []string{"User", "Email", "Status", "Fulfilled", "By group"}, Rows: []api.BrowseRow{}}
	for _, a := range as {
		v := assignmentView(a, l)
		user := ptrString(v.Username)
		if user == "" {
			user = "(email only)"
		}
		state, by := "released", "—"
		if a.Active {
			state = "active"
		}
		if len(a.Groups) > 0 {
			by = "yes"
		}
		seats.Rows = append(seats.Rows, api.BrowseRow{
			ID: strconv.FormatInt(a.ID, 10),
			Cells: []api.BrowseCell{{Text: user}, {Text: ptrString(v.Email)}, {Text: state, Badge: true},
				{Text: yesNo(v.Fulfilled)}, {Text: by}},
			API:  catalogPath("/api/catalog/licenses/"+l.Kind+"/assignment/", l.Platform, url.Values{"license_id": {lid}, "page_size": {"100"}}),
			In:   "results[]",
			View: v,
		})
	}
	groups := api.BrowseSection{Title: "Group assignments", Columns: []string{"Group", "Members", "Status", "Fulfilled"}, Rows: []api.BrowseRow{}}
	for _, g := range gs {
		members := 0
		if grp, err := getGroup(tx, l.Platform, g.GroupID); err != nil {
			return nil, err
		} else if grp != nil {
			members = len(grp.Members)
		}
		v := groupAssignmentView(g, l, members, as)
		state := "released"
		if g.Active {
			state = "active"
		}
		groups.Rows = append(groups.Rows, api.BrowseRow{
			ID:    strconv.FormatInt(g.ID, 10),
			Cells: []api.BrowseCell{{Text: v.GroupName}, {Text: strconv.Itoa(members)}, {Text: state, Badge: true}, {Text: yesNo(v.Fulfilled)}},
			API:   catalogPath("/api/catalog/licenses/"+l.Kind+"/assignment/group/", l.Platform, url.Values{"license_id": {lid}, "page_size": {"100"}}),
			In:    "results[]",
			View:  v,
		})
	}
	return []api.BrowseSection{seats, groups}, nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func invitationRow(iv *Invitation, now time.Time) api.BrowseRow {
	v := invitationView(iv)
	invitee, q := "(blank)", url.Values{"page_size": {"100"}}
	switch {
	case iv.Email != nil:
		invitee = *iv.Email
		q.Set("email", *iv.Email)
	case iv.Username != nil:
		invitee = *iv.Username
		q.Set("username", *iv.Username)
	case iv.Source != nil:
		q.Set("source", *iv.Source)
	}
	expires := api.BrowseCell{Text: "never"}
	if v.Expired != nil {
		expires = api.BrowseCell{Text: *v.Expired, Time: true}
	}
	return api.BrowseRow{
		ID: iv.Kind + "-" + strconv.FormatInt(iv.ID, 10),
		Cells: []api.BrowseCell{{Text: v.Created, Time: true}, {Text: iv.Kind}, {Text: invitee},
			{Text: licenseTarget(iv.Kind, iv.Platform, iv.CourseID, iv.ProgramKey), Mono: true},
			{Text: ptrString(v.Source)}, expires, {Text: invitationState(iv, now), Badge: true}},
		API:  catalogPath("/api/catalog/invitations/"+iv.Kind+"/", iv.Platform, q),
		In:   "results[]",
		View: v,
	}
}
