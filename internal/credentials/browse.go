package credentials

import (
	"container/heap"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
)

// The dashboard's view of this package (api.Browser): issuers, credentials
// and assertions per org, each row rendered by the view functions the
// handlers answer with (issuerView, credentialView, assertionViews).

var _ api.Browser = (*Handlers)(nil)

// Browse kinds of this package.
const (
	browseIssuers     = "issuers"
	browseCredentials = "credentials"
	browseAssertions  = "assertions"
)

// Assertion states, as the dashboard filters and shows them: revoked wins
// over expired, as the public endpoint answers a revoked assertion as
// revoked whatever its expiry.
const (
	stateActive  = "active"
	stateRevoked = "revoked"
	stateExpired = "expired"
)

// BrowseTenants lists the orgs that have issuers, credentials or a
// directory (assertions belong to an org's credentials).
func (h *Handlers) BrowseTenants() ([]string, error) {
	var out []string
	err := h.d.Store.View(func(tx store.Tx) error {
		out = store.KeyTenants(tx, bktIssuersByTenant, bktCredsByTenant, bktDirectory, bktImagesByTenant)
		return nil
	})
	return out, err
}

// BrowseStats counts an org's issuers, credentials and assertions (active,
// revoked, expired at the fake's clock), from the indexes alone.
func (h *Handlers) BrowseStats(tenant string) ([]api.Stat, error) {
	if err := h.settle(tenant); err != nil {
		return nil, err
	}
	now := h.d.Clock.Now().UnixMicro()
	var issuers, creds, counts [3]int
	err := h.d.Store.View(func(tx store.Tx) error {
		issuers[0] = store.Count(tx, bktIssuersByTenant, tenant+sep)
		creds[0] = store.Count(tx, bktCredsByTenant, tenant+sep)
		tx.Scan(bktAssertionsByUser, tenant+sep, false, func(_ string, v []byte) bool {
			counts[indexState(v, now)]++
			return true
		})
		return nil
	})
	return []api.Stat{
		{Label: "Issuers", Value: issuers[0], Kind: browseIssuers},
		{Label: "Credentials", Value: creds[0], Kind: browseCredentials},
		{Label: "Assertions", Value: counts[0] + counts[1] + counts[2], Kind: browseAssertions, Parts: []api.StatPart{
			{Label: stateActive, Value: counts[0], Filter: "state=" + stateActive},
			{Label: stateRevoked, Value: counts[1], Filter: "state=" + stateRevoked},
			{Label: stateExpired, Value: counts[2], Filter: "state=" + stateExpired},
		}},
	}, err
}

// indexState is an assertion index entry's state at now (Unix
// microseconds): 0 active, 1 revoked, 2 expired.
func indexState(v []byte, now int64) int {
	f := indexFields(v)
	switch {
	case string(f[2]) == "1":
		return 1
	case expiredAt(atoi(f[3]), now):
		return 2
	}
	return 0
}

var assertionStates = []string{stateActive, stateRevoked, stateExpired}

// BrowseKinds: issuers, credentials, assertions.
func (h *Handlers) BrowseKinds() []api.BrowseKind {
	return []api.BrowseKind{
		{Name: browseIssuers, Title: "Issuers", Columns: []string{"Name", "Signatories", "Credentials", "Entity id"},
			Filters: []api.BrowseFilter{{Name: "q", Label: "Name contains"}}},
		{Name: browseCredentials, Title: "Credentials",
			Columns: []string{"Name", "Issuer", "Type", "Courses and programs", "Assertions", "Public", "Created", "Entity id"},
			Filters: []api.BrowseFilter{{Name: "q", Label: "Name or description contains"}, {Name: "issuer", Label: "Issuer entity id"}}},
		{Name: browseAssertions, Title: "Assertions",
			Columns: []string{"Issued", "Recipient", "Credential", "Course or program", "Expires", "Status"},
			Filters: []api.BrowseFilter{{Name: "user", Label: "Recipient username"}, {Name: "credential", Label: "Credential entity id"},
				{Name: "state", Label: "Status", Options: assertionStates}}},
	}
}

// Browse lists a page of issuers and credentials, newest first, or of
// assertions, the latest issued first.
func (h *Handlers) Browse(q api.BrowseQuery) (api.BrowsePage, error) {
	if err := h.settle(q.Tenant); err != nil {
		return api.BrowsePage{}, err
	}
	var page api.BrowsePage
	err := h.d.Store.View(func(tx store.Tx) (err error) {
		switch q.Kind {
		case browseIssuers:
			page, err = browseIssuerPage(tx, q)
		case browseCredentials:
			page, err = browseCredentialPage(tx, q)
		case browseAssertions:
			page, err = browseAssertionPage(tx, q, h.d.Clock.Now())
		default:
			err = api.Detail(http.StatusBadRequest, fmt.Sprintf("No kind %q here.", q.Kind))
		}
		return err
	})
	return page, err
}

// BrowseEntity returns one issuer, credential or assertion of the org.
func (h *Handlers) BrowseEntity(tenant, kind, id string) (*api.BrowseRow, error) {
	if err := h.settle(tenant); err != nil {
		return nil, err
	}
	now := h.d.Clock.Now()
	var row *api.BrowseRow
	err := h.d.Store.View(func(tx store.Tx) error {
		switch kind {
		case browseIssuers:
			is, err := getIssuer(tx, tenant, id)
			if err != nil {
				return err
			}
			r := issuerRow(tx, is)
			row = &r
		case browseCredentials:
			cr, err := readCredential(tx, tenant, id)
			if err != nil {
				return err
			}
			r := credentialRow(tx, cr)
			row = &r
		case browseAssertions:
			a, err := getAssertion(tx, id)
			if err != nil {
				return err
			}
			if a == nil || a.Tenant != tenant {
				return api.NotFound()
			}
			r := assertionRow(newAssertionViews(tx), a, now)
			row = &r
		default:
			return api.NotFound()
		}
		return nil
	})
	return row, err
}

// orgPath is the vendor path of an org's acting user ("admin", as the
// README's examples name it; the handlers do not read it) plus rest.
func orgPath(tenant, user string, rest ...string) string {
	p := "/api/credentials/orgs/" + url.PathEscape(tenant) + "/users/" + url.PathEscape(user) + "/"
	for i, r := range rest {
		if i > 0 {
			p += "/"
		}
		p += url.PathEscape(r)
	}
	return p
}

func pageOf[T any](items []T, q api.BrowseQuery) []T {
	lo := min(q.Offset, len(items))
	return items[lo:min(lo+q.Limit, len(items))]
}

func browseIssuerPage(tx store.Tx, q api.BrowseQuery) (api.BrowsePage, error) {
	search := strings.ToLower(q.Filter["q"])
	var found []*Issuer
	for _, id := range ids(tx, bktIssuersByTenant, q.Tenant, true) {
		is := readIssuer(tx, id)
		if is != nil && (search == "" || strings.Contains(strings.ToLower(is.Name), search)) {
			found = append(found, is)
		}
	}
	out := api.BrowsePage{Total: len(found), Rows: []api.BrowseRow{}}
	for _, is := range pageOf(found, q) {
		out.Rows = append(out.Rows, issuerRow(tx, is))
	}
	return out, nil
}

func issuerRow(tx store.Tx, is *Issuer) api.BrowseRow {
	v := issuerView(tx, is)
	n := store.Count(tx, bktCredsByIssuer, is.EntityID+sep)
	return api.BrowseRow{
		ID: v.EntityID,
		Cells: []api.BrowseCell{{Text: v.Name}, {Text: strconv.Itoa(len(v.Signatories))},
			{Text: strconv.Itoa(n), Link: browseCredentials + "?issuer=" + url.QueryEscape(v.EntityID)},
			{Text: v.EntityID, Mono: true}},
		API: "GET " + orgPath(v.Org, "admin", "issuers", v.EntityID), In: "[0]", View: v,
	}
}

func browseCredentialPage(tx store.Tx, q api.BrowseQuery) (api.BrowsePage, error) {
	search, issuer := strings.ToLower(q.Filter["q"]), q.Filter["issuer"]
	var found []*Credential
	for _, id := range ids(tx, bktCredsByTenant, q.Tenant, true) {
		cr, err := readCredential(tx, q.Tenant, id)
		if err != nil {
			continue
		}
		if issuer != "" && cr.IssuerID != issuer {
			continue
		}
		if search != "" && !strings.Contains(strings.ToLower(cr.Name), search) &&
			(cr.Description == nil || !strings.Contains(strings.ToLower(*cr.Description), search)) {
			continue
		}
		found = append(found, cr)
	}
	out := api.BrowsePage{Total: len(found), Rows: []api.BrowseRow{}}
	for _, cr := range pageOf(found, q) {
		out.Rows = append(out.Rows, credentialRow(tx, cr))
	}
	return out, nil
}

func credentialRow(tx store.Tx, cr *Credential) api.BrowseRow {
	v := credentialView(tx, cr)
	issuer := api.BrowseCell{Text: "—"}
	if v.IssuerDetails != nil {
		issuer = api.BrowseCell{Text: v.IssuerDetails.Name, Link: browseIssuers + "/" + url.PathEscape(v.IssuerDetails.EntityID)}
	}
	var refs []string
	for _, c := range v.Courses {
		refs = append(refs, c.CourseID)
	}
	for _, p := range v.Programs {
		refs = append(refs, p.ProgramID)
	}
	public := "no"
	if cr.Public {
		public = "yes"
	}
	n := store.Count(tx, bktAssertionsByCred, cr.EntityID+sep)
	return api.BrowseRow{
		ID: v.EntityID,
		Cells: []api.BrowseCell{{Text: v.Name}, issuer, {Text: deref(v.CredentialType)},
			{Text: strings.Join(refs, ", ")},
			{Text: strconv.Itoa(n), Link: browseAssertions + "?credential=" + url.QueryEscape(v.EntityID)},
			{Text: public}, {Text: v.CreatedAt, Time: true}, {Text: v.EntityID, Mono: true}},
		API: "GET " + orgPath(cr.Tenant, "admin", v.EntityID), In: "result", View: v,
	}
}

func deref(s *string) string {
	if s == nil {
		return "—"
	}
	return *s
}

// browseAssertionPage lists an org's assertions, the latest issued first
// (the order of issue where two share an instant): one recipient's (user)
// or one credential's from their index, else the org's from its
// by-recipient index. Index entries carry the issue time and end in the
// sequence number, so the page is the top Offset+Limit of one scan that
// decodes no assertion it does not show.
func browseAssertionPage(tx store.Tx, q api.BrowseQuery, now time.Time) (api.BrowsePage, error) {
	user, cred, state := q.Filter["user"], q.Filter["credential"], q.Filter["state"]
	if state != "" && state != stateActive && state != stateRevoked && state != stateExpired {
		return api.BrowsePage{}, api.Field("state", fmt.Sprintf("%q is none of active, revoked, expired.", state))
	}
	bucket, prefix := bktAssertionsByUser, q.Tenant
	switch {
	case user != "":
		prefix = key(q.Tenant, user)
	case cred != "":
		if _, err := readCredential(tx, q.Tenant, cred); err != nil {
			return api.BrowsePage{Rows: []api.BrowseRow{}}, nil
		}
		bucket, prefix = bktAssertionsByCred, cred
	}
	want := map[string]int{stateActive: 0, stateRevoked: 1, stateExpired: 2}
	nowUS := now.UnixMicro()
	top := &seqHeap{}
	k, total := q.Offset+q.Limit, 0
	tx.Scan(bucket, prefix+sep, true, func(key string, v []byte) bool {
		if cred != "" && string(indexFields(v)[1]) != cred {
			return true
		}
		if s, ok := want[state]; ok && indexState(v, nowUS) != s {
			return true
		}
		total++
		x := issuedID{atoi(indexFields(v)[4]), key[strings.LastIndex(key, sep)+1:], ""}
		switch {
		case top.Len() < k:
			x.id = indexID(v)
			heap.Push(top, x)
		case k > 0 && (*top)[0].less(x):
			x.id = indexID(v)
			(*top)[0] = x
			heap.Fix(top, 0)
		}
		return true
	})
	newest := make([]issuedID, top.Len())
	for i := len(newest) - 1; i >= 0; i-- {
		newest[i] = heap.Pop(top).(issuedID)
	}
	out := api.BrowsePage{Total: total, Rows: []api.BrowseRow{}}
	av := newAssertionViews(tx)
	for _, x := range pageOf(newest, q) {
		a, err := getAssertion(tx, x.id)
		if err != nil {
			return out, err
		}
		if a != nil {
			out.Rows = append(out.Rows, assertionRow(av, a, now))
		}
	}
	return out, nil
}

// issuedID is an index entry's issue time (Unix microseconds), sequence
// key and entityId; seqHeap keeps the latest entries seen, the earliest on
// top.
type issuedID struct {
	issued  int64
	seq, id string
}

func (a issuedID) less(b issuedID) bool {
	return a.issued < b.issued || a.issued == b.issued && a.seq < b.seq
}

type seqHeap []issuedID

func (h seqHeap) Len() int           { return len(h) }
func (h seqHeap) Less(i, j int) bool { return h[i].less(h[j]) }
func (h seqHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *seqHeap) Push(x any)        { *h = append(*h, x.(issuedID)) }
func (h *seqHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func assertionRow(av *assertionViews, a *Assertion, now time.Time) api.BrowseRow {
	v := av.view(a)
	state := stateActive
	switch {
	case a.Revoked:
		state = stateRevoked
	case a.Expired(now):
		state = stateExpired
	}
	cred := api.BrowseCell{Text: a.CredentialID, Mono: true}
	if v.CredentialDetails != nil {
		cred.Text, cred.Mono = v.CredentialDetails.Name, false
	}
	cred.Link = browseAssertions + "?credential=" + url.QueryEscape(a.CredentialID)
	earned := "—"
	switch {
	case v.Course != nil:
		earned = v.Course.CourseID
	case v.Program != nil:
		earned = v.Program.ProgramID
	}
	expires := api.BrowseCell{Text: "never"}
	if v.Expires != nil {
		expires = api.BrowseCell{Text: *v.Expires, Time: true}
	}
	return api.BrowseRow{
		ID: v.EntityID,
		Cells: []api.BrowseCell{{Text: v.IssuedOn, Time: true},
			{Text: v.Recipient.Username, Link: browseAssertions + "?user=" + url.QueryEscape(v.Recipient.Username)},
			cred, {Text: earned, Mono: true}, expires, {Text: state, Badge: true}},
		API:  "GET " + orgPath(a.Tenant, a.Recipient.Username, "assertions", v.EntityID),
		View: v,
	}
}
