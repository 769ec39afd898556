package credentials

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/drf"
	"github.com/labstack/echo/v4"
)

// GroupAssignmentDelay is how long (on the fake's clock) a group assignment
// stays PENDING before it is processed. The real service hands group
// assignments to a Celery worker (SKILL-C); clients that poll see PENDING,
// then COMPLETED. Tests move the clock (POST /_fake/clock) instead of
// sleeping.
const GroupAssignmentDelay = 2 * time.Second

// Assignment statuses.
const (
	statusPending   = "PENDING"
	statusCompleted = "COMPLETED"
	statusFailed    = "FAILED"
)

const (
	bktUserAssignments      = "cred.user_assignments"            // entityId -> UserAssignment
	bktUserAssignByTenant   = "cred.user_assignments_by_tenant"  // tenant|seq
	bktUserAssignByGroup    = "cred.user_assignments_by_group"   // group assignment|seq
	bktGroupAssignments     = "cred.group_assignments"           // entityId -> GroupAssignment
	bktGroupAssignByTenant  = "cred.group_assignments_by_tenant" // tenant|seq
	bktGroupAssignPending   = "cred.group_assignments_pending"   // tenant|seq
	msgAssignmentsForbidden = "You don't have permission to view these assignments"
)

// UserAssignment links a credential to one user; processing it issues the
// user an assertion.
type UserAssignment struct {
	EntityID          string    `json:"entity_id"`
	Tenant            string    `json:"tenant"`
	CredentialID      string    `json:"credential_id"`
	Seq               uint64    `json:"seq"`
	UserID            int64     `json:"user_id"`
	Username          string    `json:"username"`
	Email             *string   `json:"email"`
	Name              *string   `json:"name"`
	Status            string    `json:"status"`
	GroupAssignmentID *string   `json:"group_assignment_id"`
	AssignedBy        *string   `json:"assigned_by"`
	AssertionID       *string   `json:"assertion_id"`
	CreatedAt         time.Time `json:"created_at"`
}

// GroupAssignment links a credential to a group: once processed, each
// member gets a user assignment.
type GroupAssignment struct {
	EntityID     string     `json:"entity_id"`
	Tenant       string     `json:"tenant"`
	CredentialID string     `json:"credential_id"`
	Seq          uint64     `json:"seq"`
	GroupID      string     `json:"group_id"`
	GroupName    *string    `json:"group_name"`
	Status       string     `json:"status"`
	AssignedBy   *string    `json:"assigned_by"`
	CreatedAt    time.Time  `json:"created_at"`
	CompletedAt  *time.Time `json:"completed_at"`
	UserCount    int        `json:"user_count"`
	Successful   int        `json:"successful_count"`
	Failed       int        `json:"failed_count"`
}

// UserAssignmentView is a user assignment as the API answers it.
type UserAssignmentView struct {
	EntityID          string         `json:"entity_id"`
	CredentialID      string         `json:"credential_id"`
	CredentialName    string         `json:"credential_name"`
	UserID            int64          `json:"user_id"`
	Username          string         `json:"username"`
	Email             *string        `json:"email"`
	Name              *string        `json:"name"`
	Status            string         `json:"status"`
	GroupAssignmentID *string        `json:"group_assignment_id"`
	AssignedBy        *string        `json:"assigned_by"`
	CreatedAt         string         `json:"created_at"`
	Assertion         *AssertionView `json:"assertion"`
}

// GroupAssignmentView is a group assignment as the API answers it.
type GroupAssignmentView struct {
	EntityID       string  `json:"entity_id"`
	CredentialID   string  `json:"credential_id"`
	CredentialName string  `json:"credential_name"`
	GroupID        string  `json:"group_id"`
	GroupName      *string `json:"group_name"`
	Status         string  `json:"status"`
	AssignedBy     *string `json:"assigned_by"`
	CreatedAt      string  `json:"created_at"`
	CompletedAt    *string `json:"completed_at"`
	UserCount      int     `json:"user_count"`
	Successful     int     `json:"successful_count"`
	Failed         int     `json:"failed_count"`
}

type assignFailure struct {
	UserID  *int64  `json:"user_id,omitempty"`
	GroupID *string `json:"group_id,omitempty"`
	Error   string  `json:"error"`
}

type assignResult struct {
	Successful []any           `json:"successful_assignments"`
	Failed     []assignFailure `json:"failed_assignments"`
	Message    string          `json:"message"`
}

func credentialName(tx store.Tx, id string) string {
	var cr Credential
	if ok, _ := store.GetJSON(tx, bktCredentials, id, &cr); ok {
		return cr.Name
	}
	return ""
}

func userAssignmentView(tx store.Tx, av *assertionViews, ua *UserAssignment) UserAssignmentView {
	v := UserAssignmentView{
		EntityID: ua.EntityID, CredentialID: ua.CredentialID, CredentialName: credentialName(tx, ua.CredentialID),
		UserID: ua.UserID, Username: ua.Username, Email: ua.Email, Name: ua.Name, Status: ua.Status,
		GroupAssignmentID: ua.GroupAssignmentID, AssignedBy: ua.AssignedBy, CreatedAt: drf.FormatDateTime(ua.CreatedAt),
	}
	if ua.AssertionID != nil {
		if a, _ := getAssertion(tx, *ua.AssertionID); a != nil {
			view := av.view(a)
			v.Assertion = &view
		}
	}
	return v
}

func groupAssignmentView(tx store.Tx, ga *GroupAssignment) GroupAssignmentView {
	v := GroupAssignmentView{
		EntityID: ga.EntityID, CredentialID: ga.CredentialID, CredentialName: credentialName(tx, ga.CredentialID),
		GroupID: ga.GroupID, GroupName: ga.GroupName, Status: ga.Status, AssignedBy: ga.AssignedBy,
		CreatedAt: drf.FormatDateTime(ga.CreatedAt), UserCount: ga.UserCount, Successful: ga.Successful, Failed: ga.Failed,
	}
	if ga.CompletedAt != nil {
		s := drf.FormatDateTime(*ga.CompletedAt)
		v.CompletedAt = &s
	}
	return v
}

func getUserAssignment(tx store.Tx, id string) (*UserAssignment, error) {
	return store.Get[UserAssignment](tx, bktUserAssignments, id)
}

func getGroupAssignment(tx store.Tx, id string) (*GroupAssignment, error) {
	return store.Get[GroupAssignment](tx, bktGroupAssignments, id)
}

func putUserAssignment(tx store.Tx, ua *UserAssignment) error {
	seq, err := tx.NextSequence(bktUserAssignments)
	if err != nil {
		return err
	}
	ua.Seq = seq
	s := api.SeqKey(seq)
	if err := tx.Put(bktUserAssignByTenant, key(ua.Tenant, s), []byte(ua.EntityID)); err != nil {
		return err
	}
	if ua.GroupAssignmentID != nil {
		if err := tx.Put(bktUserAssignByGroup, key(*ua.GroupAssignmentID, s), []byte(ua.EntityID)); err != nil {
			return err
		}
	}
	return store.PutJSON(tx, bktUserAssignments, ua.EntityID, ua)
}

// deleteUserAssignment removes a user assignment and the assertion it
// issued.
func deleteUserAssignment(tx store.Tx, ua *UserAssignment) error {
	if ua.AssertionID != nil {
		a, err := getAssertion(tx, *ua.AssertionID)
		if err != nil {
			return err
		}
		if a != nil {
			if err := deleteAssertion(tx, a); err != nil {
				return err
			}
		}
	}
	s := api.SeqKey(ua.Seq)
	if ua.GroupAssignmentID != nil {
		if err := tx.Delete(bktUserAssignByGroup, key(*ua.GroupAssignmentID, s)); err != nil {
			return err
		}
	}
	if err := tx.Delete(bktUserAssignByTenant, key(ua.Tenant, s)); err != nil {
		return err
	}
	return tx.Delete(bktUserAssignments, ua.EntityID)
}

// callerDirectory loads the tenant's directory and checks that the URL's
// {user_id} may manage assignments (403 otherwise).
func callerDirectory(c echo.Context, tx store.Tx) (*Directory, error) {
	d, err := getDirectory(tx, api.Tenant(c))
	if err != nil {
		return nil, err
	}
	if !d.isAdmin(c.Param("user_id")) {
		return nil, api.Detail(http.StatusForbidden, api.MsgForbidden)
	}
	return d, nil
}

// assignUser issues cr to u through a new user assignment, unless u already
// holds an active assertion of cr (a failure). The assertion's metadata
// says how it was issued (assignmentMetadata); d resolves who assigned it.
func (h *Handlers) assignUser(tx store.Tx, d *Directory, cr *Credential, u *DirUser, group, by *string, now time.Time) (*UserAssignment, string, error) {
	held, err := holdsActive(tx, cr, u.Username, now)
	if err != nil {
		return nil, "", err
	}
	if held {
		return nil, fmt.Sprintf("User %d already holds this credential.", u.UserID), nil
	}
	a, err := h.newAssertion(cr, Recipient{Username: u.Username, Email: u.Email, Name: u.Name}, &earnedFor{})
	if err != nil {
		return nil, fmt.Sprintf("User %d: the credential's expiry would fall after 9999-12-31.", u.UserID), nil
	}
	ua := &UserAssignment{
		EntityID: h.d.IDs.EntityID(), Tenant: cr.Tenant, CredentialID: cr.EntityID,
		UserID: u.UserID, Username: u.Username, Email: u.Email, Name: u.Name, Status: statusCompleted,
		GroupAssignmentID: group, AssignedBy: by, AssertionID: &a.EntityID, CreatedAt: now,
	}
	a.Metadata = assignmentMetadata(d, ua)
	if err := putAssertion(tx, a, true); err != nil {
		return nil, "", err
	}
	return ua, "", putUserAssignment(tx, ua)
}

// credentialField loads the credential a body names in credential_id (400
// on that field when the tenant has none).
func credentialField(tx store.Tx, tenant, id string) (*Credential, error) {
	cr, err := getCredential(tx, tenant, id)
	if err != nil {
		return nil, api.Field("credential_id", "Object with entity_id="+id+" does not exist.")
	}
	return cr, nil
}

// createUserAssignments assigns a credential to users by numeric id: each
// known user gets a COMPLETED assignment and an assertion.
func (h *Handlers) createUserAssignments(c echo.Context) error {
	var body struct {
		CredentialID string  `json:"credential_id"`
		UserIDs      []int64 `json:"user_ids"`
	}
	if err := api.Bind(c, &body); err != nil {
		return err
	}
	by := c.Param("user_id")
	now := h.d.Clock.Now()
	return h.assignEach(c, body.CredentialID, "Created", "%d assignment(s) created, %d failed.", func(tx store.Tx, d *Directory, cr *Credential, res *assignResult) error {
		av := newAssertionViews(tx)
		seen := map[int64]bool{}
		for _, id := range body.UserIDs {
			id := id
			u := d.user(id)
			switch {
			case seen[id]:
				res.Failed = append(res.Failed, assignFailure{UserID: &id, Error: "Duplicate user id."})
				continue
			case u == nil:
				res.Failed = append(res.Failed, assignFailure{UserID: &id, Error: fmt.Sprintf("User %d does not exist.", id)})
				continue
			}
			seen[id] = true
			ua, reason, err := h.assignUser(tx, d, cr, u, nil, &by, now)
			if err != nil {
				return err
			}
			if ua == nil {
				res.Failed = append(res.Failed, assignFailure{UserID: &id, Error: reason})
				continue
			}
			res.Successful = append(res.Successful, userAssignmentView(tx, av, ua))
		}
		return nil
	})
}

// createGroupAssignments accepts group assignments: each known group gets a
// PENDING assignment, processed GroupAssignmentDelay later (settle).
func (h *Handlers) createGroupAssignments(c echo.Context) error {
	var body struct {
		CredentialID string   `json:"credential_id"`
		GroupIDs     []string `json:"group_ids"`
	}
	if err := api.Bind(c, &body); err != nil {
		return err
	}
	by := c.Param("user_id")
	now := h.d.Clock.Now()
	return h.assignEach(c, body.CredentialID, "Accepted", "%d group assignment(s) accepted for processing, %d failed.", func(tx store.Tx, d *Directory, cr *Credential, res *assignResult) error {
		assigned := map[string]bool{}
		for _, id := range ids(tx, bktGroupAssignByTenant, cr.Tenant, false) {
			if ga, err := getGroupAssignment(tx, id); err != nil {
				return err
			} else if ga != nil && ga.CredentialID == cr.EntityID && ga.Status != statusFailed {
				assigned[ga.GroupID] = true
			}
		}
		for _, gid := range body.GroupIDs {
			gid := gid
			g := d.group(gid)
			switch {
			case g == nil:
				res.Failed = append(res.Failed, assignFailure{GroupID: &gid, Error: fmt.Sprintf("Group %s does not exist.", gid)})
				continue
			case assigned[gid]:
				res.Failed = append(res.Failed, assignFailure{GroupID: &gid, Error: "This group is already assigned this credential."})
				continue
			}
			assigned[gid] = true
			name := g.Name
			ga := &GroupAssignment{
				EntityID: h.d.IDs.EntityID(), Tenant: cr.Tenant, CredentialID: cr.EntityID, GroupID: gid,
				GroupName: &name, Status: statusPending, AssignedBy: &by, CreatedAt: now, UserCount: len(g.Members),
			}
			seq, err := tx.NextSequence(bktGroupAssignments)
			if err != nil {
				return err
			}
			ga.Seq = seq
			s := api.SeqKey(seq)
			if err := tx.Put(bktGroupAssignByTenant, key(ga.Tenant, s), []byte(ga.EntityID)); err != nil {
				return err
			}
			if err := tx.Put(bktGroupAssignPending, key(ga.Tenant, s), []byte(ga.EntityID)); err != nil {
				return err
			}
			if err := store.PutJSON(tx, bktGroupAssignments, ga.EntityID, ga); err != nil {
				return err
			}
			res.Successful = append(res.Successful, groupAssignmentView(tx, ga))
		}
		return nil
	})
}

// assignEach is what both assignment creates share: in one transaction,
// the caller's directory and the credential the body names, then each's
// work on the result; the answer is the result, wrapped with description,
// its message made from message and the success and failure counts.
func (h *Handlers) assignEach(c echo.Context, credentialID, description, message string,
	each func(tx store.Tx, d *Directory, cr *Credential, res *assignResult) error) error {
	res := assignResult{Successful: []any{}, Failed: []assignFailure{}}
	err := h.d.Store.Update(func(tx store.Tx) error {
		d, err := callerDirectory(c, tx)
		if err != nil {
			return err
		}
		cr, err := credentialField(tx, api.Tenant(c), credentialID)
		if err != nil {
			return err
		}
		return each(tx, d, cr, &res)
	})
	if err != nil {
		return err
	}
	res.Message = fmt.Sprintf(message, len(res.Successful), len(res.Failed))
	return api.Wrapped(c, description, res)
}

// settle processes the tenant's pending group assignments whose delay has
// passed on the fake's clock: every member of the group (as the directory
// lists it now) gets a user assignment and an assertion.
func (h *Handlers) settle(tenant string) error {
	now := h.d.Clock.Now()
	sc := settleChecks.Get().(*settleCheck)
	if sc.tenant != tenant || sc.prefix == "" {
		sc.tenant, sc.prefix = tenant, tenant+sep
	}
	sc.now, sc.due, sc.err = now, false, nil
	err := h.d.Store.View(sc.view)
	due := sc.due
	settleChecks.Put(sc)
	if err != nil || !due {
		return err
	}
	return h.d.Store.Update(func(tx store.Tx) error {
		d, err := getDirectory(tx, tenant)
		if err != nil {
			return err
		}
		for _, id := range ids(tx, bktGroupAssignPending, tenant, false) {
			ga, err := getGroupAssignment(tx, id)
			if err != nil {
				return err
			}
			if ga == nil || ga.CreatedAt.Add(GroupAssignmentDelay).After(now) {
				continue
			}
			if err := h.process(tx, d, ga, now); err != nil {
				return err
			}
			if err := tx.Delete(bktGroupAssignPending, key(tenant, api.SeqKey(ga.Seq))); err != nil {
				return err
			}
		}
		return nil
	})
}

// settleCheck is settle's look for a due group assignment, which runs
// before every credentials request: pooled, so that its callbacks are made
// once and the tenant's index prefix is kept while the tenant stays the
// same, and the look allocates nothing when nothing is pending.
type settleCheck struct {
	tenant, prefix string
	now            time.Time
	due            bool
	err            error
	tx             store.Tx
	view           func(store.Tx) error
	visit          func(string, []byte) bool
}

var settleChecks = sync.Pool{New: func() any {
	sc := &settleCheck{}
	sc.view, sc.visit = sc.run, sc.check
	return sc
}}

func (sc *settleCheck) run(tx store.Tx) error {
	sc.tx = tx
	tx.Scan(bktGroupAssignPending, sc.prefix, false, sc.visit)
	sc.tx = nil
	return sc.err
}

// check stops at the first pending assignment that is due, or that cannot
// be read.
func (sc *settleCheck) check(_ string, v []byte) bool {
	ga, err := getGroupAssignment(sc.tx, indexID(v))
	if err != nil {
		sc.err = err
		return false
	}
	if ga != nil && !ga.CreatedAt.Add(GroupAssignmentDelay).After(sc.now) {
		sc.due = true
		return false
	}
	return true
}

// process runs one group assignment, as the worker would.
func (h *Handlers) process(tx store.Tx, d *Directory, ga *GroupAssignment, now time.Time) error {
	ga.CompletedAt = &now
	g := d.group(ga.GroupID)
	cr, err := getCredential(tx, ga.Tenant, ga.CredentialID)
	if g == nil || err != nil {
		// The group or the credential went away before the worker ran.
		ga.Status = statusFailed
		return store.PutJSON(tx, bktGroupAssignments, ga.EntityID, ga)
	}
	ga.Status, ga.UserCount, ga.Successful, ga.Failed = statusCompleted, len(g.Members), 0, 0
	for _, uid := range g.Members {
		u := d.user(uid)
		if u == nil {
			ga.Failed++
			continue
		}
		ua, _, err := h.assignUser(tx, d, cr, u, &ga.EntityID, ga.AssignedBy, now)
		if err != nil {
			return err
		}
		if ua == nil {
			ga.Failed++
		} else {
			ga.Successful++
		}
	}
	return store.PutJSON(tx, bktGroupAssignments, ga.EntityID, ga)
}

// listUserAssignments answers the user assignments the URL's {user_id} may
// see (every user of the tenant for a platform admin, else their own) that
// are COMPLETED and whose assertion is not revoked, newest first, as a
// wrapped page; search matches credential name, username or email.
func (h *Handlers) listUserAssignments(c echo.Context) error {
	tenant, caller := api.Tenant(c), c.Param("user_id")
	search := strings.ToLower(c.QueryParam("search"))
	body, err := api.Read(h.d.Store, func(tx store.Tx) (body api.PageNumberBody, err error) {
		d, err := getDirectory(tx, tenant)
		if err != nil {
			return body, err
		}
		admin := d.isAdmin(caller)
		if admin && len(d.Users) == 0 {
			return body, api.Detail(http.StatusForbidden, msgAssignmentsForbidden)
		}
		self := d.caller(caller)
		var kept []*UserAssignment
		for _, id := range ids(tx, bktUserAssignByTenant, tenant, true) {
			ua, err := getUserAssignment(tx, id)
			if err != nil {
				return body, err
			}
			if ua == nil || ua.Status != statusCompleted || ua.AssertionID == nil ||
				(!admin && (self == nil || ua.UserID != self.UserID)) {
				continue
			}
			a, err := getAssertion(tx, *ua.AssertionID)
			if err != nil {
				return body, err
			}
			if a == nil || a.Revoked {
				continue
			}
			if search != "" && !strings.Contains(strings.ToLower(credentialName(tx, ua.CredentialID)), search) &&
				!strings.Contains(strings.ToLower(ua.Username), search) &&
				(ua.Email == nil || !strings.Contains(strings.ToLower(*ua.Email), search)) {
				continue
			}
			kept = append(kept, ua)
		}
		p, err := api.ParsePage(c, len(kept), 10, 100)
		if err != nil {
			return body, err
		}
		av := newAssertionViews(tx)
		views := []UserAssignmentView{}
		for _, ua := range api.Slice(p, kept) {
			views = append(views, userAssignmentView(tx, av, ua))
		}
		return p.Body(c, views), nil
	})
	if err != nil {
		return err
	}
	return api.Wrapped(c, "Ok", body)
}

// listGroupAssignments answers the tenant's group assignments, newest
// first, optionally of one group_id, as a wrapped page. Only admins see
// them.
func (h *Handlers) listGroupAssignments(c echo.Context) error {
	tenant, group := api.Tenant(c), c.QueryParam("group_id")
	body, err := api.Read(h.d.Store, func(tx store.Tx) (body api.PageNumberBody, err error) {
		if _, err := callerDirectory(c, tx); err != nil {
			return body, err
		}
		var kept []*GroupAssignment
		for _, id := range ids(tx, bktGroupAssignByTenant, tenant, true) {
			ga, err := getGroupAssignment(tx, id)
			if err != nil {
				return body, err
			}
			if ga != nil && (group == "" || ga.GroupID == group) {
				kept = append(kept, ga)
			}
		}
		p, err := api.ParsePage(c, len(kept), 10, 100)
		if err != nil {
			return body, err
		}
		views := []GroupAssignmentView{}
		for _, ga := range api.Slice(p, kept) {
			views = append(views, groupAssignmentView(tx, ga))
		}
		return p.Body(c, views), nil
	})
	if err != nil {
		return err
	}
	return api.Wrapped(c, "Ok", body)
}

// deleteAssignment deletes a user assignment (and its assertion) or a group
// assignment (and every user assignment and assertion it made), by
// entity_id. It answers {"status": {..."Deleted"}}.
func (h *Handlers) deleteAssignment(c echo.Context) error {
	tenant, id := api.Tenant(c), c.Param("assignment_id")
	err := h.d.Store.Update(func(tx store.Tx) error {
		if _, err := callerDirectory(c, tx); err != nil {
			return err
		}
		if ua, err := getUserAssignment(tx, id); err != nil {
			return err
		} else if ua != nil && ua.Tenant == tenant {
			return deleteUserAssignment(tx, ua)
		}
		ga, err := getGroupAssignment(tx, id)
		if err != nil {
			return err
		}
		if ga == nil || ga.Tenant != tenant {
			return api.NotFound()
		}
		for _, uid := range ids(tx, bktUserAssignByGroup, ga.EntityID, false) {
			ua, err := getUserAssignment(tx, uid)
			if err != nil {
				return err
			}
			if ua != nil {
				if err := deleteUserAssignment(tx, ua); err != nil {
					return err
				}
			}
		}
		s := api.SeqKey(ga.Seq)
		for _, kv := range [][2]string{
			{bktGroupAssignPending, key(tenant, s)},
			{bktGroupAssignByTenant, key(tenant, s)},
			{bktGroupAssignments, ga.EntityID},
		} {
			if err := tx.Delete(kv[0], kv[1]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return api.StatusOnly(c, "Deleted")
}
