package credentials

import (
	"time"

	"net/http"
	"sort"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/labstack/echo/v4"
)

// mainTenant is the platform whose assertions a user's list includes unless
// exclude_main_tenant_assertions is set (the parameter's name; QS default org).
const mainTenant = "main"

// earnedFor is what an assertion was earned for: the body fields shared by
// single and bulk issue.
type earnedFor struct {
	Course      *string        `json:"course"`
	Program     *string        `json:"program"`
	ProgramID   *string        `json:"program_id"`
	Pathway     *string        `json:"pathway"`
	PathwayID   *string        `json:"pathway_id"`
	CatalogItem *string        `json:"catalog_item"`
	Metadata    map[string]any `json:"metadata"`
}

func (e *earnedFor) applyTo(a *Assertion) {
	if e.Course != nil {
		a.Course = &Ref{ID: *e.Course, Name: refName(*e.Course)}
	}
	if p := first(e.Program, e.ProgramID); p != nil {
		a.Program = &Ref{ID: *p, Name: refName(*p)}
	}
	if p := first(e.Pathway, e.PathwayID); p != nil {
		a.Pathway = &Ref{ID: *p, Name: refName(*p)}
	}
	a.CatalogItem = e.CatalogItem
	a.Metadata = e.Metadata
}

// newAssertion makes an assertion of cr for r, issued now. It fails with a
// 400 when the credential's expiry would fall after year 9999 (the clock
// moved millennia ahead of when the credential was written): the real
// service's datetime arithmetic would fail there, and no issue may 500.
func (h *Handlers) newAssertion(cr *Credential, r Recipient, e *earnedFor) (*Assertion, error) {
	now := h.d.Clock.Now()
	expires, err := cr.Expires.From(now)
	if err != nil {
		return nil, api.NonField("The credential's expiry would fall after 9999-12-31 for an assertion issued now.")
	}
	a := &Assertion{
		EntityID: h.d.IDs.EntityID(), Tenant: cr.Tenant, CredentialID: cr.EntityID,
		Recipient: r, IssuedOn: now, ExpiresAt: expires, Acceptance: "Unaccepted",
	}
	e.applyTo(a)
	return a, nil
}

// issueAssertion issues the credential {entity_id} to recipient.identity
// (a username) and answers the assertion.
func (h *Handlers) issueAssertion(c echo.Context) error {
	var body struct {
		earnedFor
		Recipient struct {
			Identity string  `json:"identity"`
			Email    *string `json:"email"`
			Name     *string `json:"name"`
		} `json:"recipient"`
		Narrative *string `json:"narrative"`
	}
	if err := api.Bind(c, &body); err != nil {
		return err
	}
	if body.Recipient.Identity == "" {
		return api.Fields(map[string]any{"recipient": map[string]any{"identity": []string{api.MsgRequired}}})
	}
	r := renderers.Get().(*renderer)
	defer renderers.Put(r)
	out, err := api.Write(h.d.Store, func(tx store.Tx) ([]byte, error) {
		// Read, not decoded afresh: issuing changes nothing of the credential.
		cr, err := readCredential(tx, api.Tenant(c), c.Param("entity_id"))
		if err != nil {
			return nil, err
		}
		a, err := h.newAssertion(cr, Recipient{body.Recipient.Identity, body.Recipient.Email, body.Recipient.Name}, &body.earnedFor)
		if err != nil {
			return nil, err
		}
		a.Narrative = body.Narrative
		if err := putAssertion(tx, a, true); err != nil {
			return nil, err
		}
		r.use(tx)
		defer r.use(nil)
		return r.assertionJSON(a)
	})
	if err != nil {
		return err
	}
	return api.JSONBytes(c, http.StatusOK, out)
}

// bulkIssue issues the credential to every listed username in one
// transaction. A username that already holds an active assertion of this
// credential, or that repeats in the list, is skipped.
func (h *Handlers) bulkIssue(c echo.Context) error {
	var body struct {
		earnedFor
		Users []string `json:"users"`
	}
	if err := api.Bind(c, &body); err != nil {
		return err
	}
	out := struct {
		Skipped []string `json:"skipped"`
		Issued  []string `json:"issued"`
	}{[]string{}, []string{}}
	now := h.d.Clock.Now()
	err := h.d.Store.Update(func(tx store.Tx) error {
		cr, err := getCredential(tx, api.Tenant(c), c.Param("entity_id"))
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, u := range body.Users {
			if u == "" || seen[u] {
				out.Skipped = append(out.Skipped, u)
				continue
			}
			seen[u] = true
			held, err := holdsActive(tx, cr, u, now)
			if err != nil {
				return err
			}
			if held {
				out.Skipped = append(out.Skipped, u)
				continue
			}
			a, err := h.newAssertion(cr, Recipient{Username: u}, &body.earnedFor)
			if err != nil {
				return err
			}
			if err := putAssertion(tx, a, true); err != nil {
				return err
			}
			out.Issued = append(out.Issued, u)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return api.JSON(c, http.StatusOK, out)
}

// holdsActive reports whether username holds an active assertion of cr.
func holdsActive(tx store.Tx, cr *Credential, username string, now time.Time) (bool, error) {
	held := false
	tx.Scan(bktAssertionsByUser, key(cr.Tenant, username)+sep, false, func(_ string, v []byte) bool {
		x := decodeAssertionIndex(v)
		held = x.credential == cr.EntityID && x.active(now)
		return !held
	})
	return held, nil
}

// assertionFilter is the query of both assertion lists.
type assertionFilter struct {
	course                         string
	includeRevoked, includeExpired bool
}

func parseAssertionFilter(c echo.Context) assertionFilter {
	return assertionFilter{
		course:         c.QueryParam("course"),
		includeRevoked: api.QueryBool(c, "include_revoked"),
		includeExpired: api.QueryBool(c, "include_expired"),
	}
}

// keepRaw reports whether the encoded index entry v (encodeAssertionIndex)
// passes the filter at now, in Unix microseconds. It allocates nothing, so
// filtering happens before entries are decoded.
func (f assertionFilter) keepRaw(v []byte, now int64) bool {
	fields := indexFields(v)
	if string(fields[2]) == "1" && !f.includeRevoked {
		return false
	}
	if expiredAt(atoi(fields[3]), now) && !f.includeExpired {
		return false
	}
	return f.course == "" || string(fields[5]) == f.course
}

// atoi reads a decimal integer as strconv.ParseInt does, without
// allocating; anything else is 0 (decodeAssertionIndex ignores the error
// too).
func atoi(b []byte) int64 {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		return -n
	}
	return n
}

// assertionMaxPageSize is the largest page of an assertion list: 1000, as
// the vendor document's page_size maximum (4.90.4 and 4.205) and the
// vendor's wallet ("max 1000 per backend") say, not SKILL-C's 100
// (FIDELITY.md, C3).
const assertionMaxPageSize = 1000

// pageAssertions pages and renders into the vendor's unwrapped page-number
// envelope (default 10 a page, at most assertionMaxPageSize) the index entries load
// returns, which load filters with keep as it scans; only the page's
// assertions are decoded and rendered.
func (h *Handlers) pageAssertions(c echo.Context, load func(tx store.Tx, keep func(v []byte) bool) ([]assertionIndex, error)) error {
	f := parseAssertionFilter(c)
	now := h.d.Clock.Now().UnixMicro()
	keep := func(v []byte) bool { return f.keepRaw(v, now) }
	body, err := api.Read(h.d.Store, func(tx store.Tx) (body api.PageNumberBody, err error) {
		kept, err := load(tx, keep)
		if err != nil {
			return body, err
		}
		p, err := api.ParsePage(c, len(kept), 10, assertionMaxPageSize)
		if err != nil {
			return body, err
		}
		ids := make([]string, 0, p.Size)
		for _, x := range api.Slice(p, kept) {
			ids = append(ids, x.id)
		}
		return renderAssertionPage(c, tx, p, ids)
	})
	if err != nil {
		return err
	}
	return api.JSON(c, http.StatusOK, body)
}

// pageIndexedAssertions is pageAssertions for the entries of one index
// prefix, newest first, in two passes that allocate only for the page: the
// first counts the entries that pass the filter, the second collects the
// page's ids. Counting a credential's thousands of assertions then costs a
// scan of its index and no garbage (perf/scale).
func (h *Handlers) pageIndexedAssertions(c echo.Context, bucket string, prefix func(tx store.Tx) (string, error)) error {
	f := parseAssertionFilter(c)
	now := h.d.Clock.Now().UnixMicro()
	body, err := api.Read(h.d.Store, func(tx store.Tx) (body api.PageNumberBody, err error) {
		pre, err := prefix(tx)
		if err != nil {
			return body, err
		}
		n := 0
		tx.Scan(bucket, pre+sep, true, func(_ string, v []byte) bool {
			if f.keepRaw(v, now) {
				n++
			}
			return true
		})
		p, err := api.ParsePage(c, n, 10, assertionMaxPageSize)
		if err != nil {
			return body, err
		}
		lo, hi := p.Bounds()
		ids, i := make([]string, 0, hi-lo), 0
		if hi > lo {
			tx.Scan(bucket, pre+sep, true, func(_ string, v []byte) bool {
				if !f.keepRaw(v, now) {
					return true
				}
				if i >= lo {
					ids = append(ids, indexID(v))
				}
				i++
				return i < hi
			})
		}
		return renderAssertionPage(c, tx, p, ids)
	})
	if err != nil {
		return err
	}
	return api.JSON(c, http.StatusOK, body)
}

// renderAssertionPage decodes and renders the page's assertions.
func renderAssertionPage(c echo.Context, tx store.Tx, p api.Page, ids []string) (api.PageNumberBody, error) {
	av := newAssertionViews(tx)
	views := []AssertionView{}
	for _, id := range ids {
		a, err := getAssertion(tx, id)
		if err != nil {
			return api.PageNumberBody{}, err
		}
		if a != nil {
			views = append(views, av.view(a))
		}
	}
	return p.Body(c, views), nil
}

// listUserAssertions answers the assertions of the user {user_id} in the
// org, newest first. Unless exclude_main_tenant_assertions is set, the
// user's assertions from the main platform are included too, when the key
// may read the main platform.
func (h *Handlers) listUserAssertions(c echo.Context) error {
	tenant, user := api.Tenant(c), c.Param("user_id")
	withMain := tenant != mainTenant && !api.QueryBool(c, "exclude_main_tenant_assertions") && api.Allowed(c, mainTenant)
	if !withMain {
		return h.pageIndexedAssertions(c, bktAssertionsByUser, func(store.Tx) (string, error) { return key(tenant, user), nil })
	}
	return h.pageAssertions(c, func(tx store.Tx, keep func([]byte) bool) ([]assertionIndex, error) {
		xs := assertionRefs(tx, bktAssertionsByUser, key(tenant, user), keep)
		xs = append(xs, assertionRefs(tx, bktAssertionsByUser, key(mainTenant, user), keep)...)
		sort.SliceStable(xs, func(i, j int) bool { return xs[i].issued > xs[j].issued })
		return xs, nil
	})
}

// listCredentialAssertions answers the assertions of credential {entity_id}.
func (h *Handlers) listCredentialAssertions(c echo.Context) error {
	return h.pageIndexedAssertions(c, bktAssertionsByCred, func(tx store.Tx) (string, error) {
		cr, err := readCredential(tx, api.Tenant(c), c.Param("entity_id"))
		if err != nil {
			return "", err
		}
		return cr.EntityID, nil
	})
}

// tenantAssertion loads assertion {entity_id} of the request's tenant.
func tenantAssertion(c echo.Context, tx store.Tx) (*Assertion, error) {
	a, err := getAssertion(tx, c.Param("entity_id"))
	if err != nil {
		return nil, err
	}
	if a == nil || a.Tenant != api.Tenant(c) {
		return nil, api.NotFound()
	}
	return a, nil
}

// getAssertion answers one assertion of the org. A revoked one is answered
// with revoked: true (an authenticated read; only the public endpoint hides
// revoked assertions).
func (h *Handlers) getAssertion(c echo.Context) error {
	view, err := api.Read(h.d.Store, func(tx store.Tx) (view AssertionView, err error) {
		a, err := tenantAssertion(c, tx)
		if err != nil {
			return view, err
		}
		return newAssertionViews(tx).view(a), nil
	})
	if err != nil {
		return err
	}
	return api.JSON(c, http.StatusOK, view)
}

// updateAssertion revokes an assertion ({revoked: true, revocationReason},
// the reason required) or updates its narrative, metadata and acceptance.
// A revoked assertion stays revoked.
func (h *Handlers) updateAssertion(c echo.Context) error {
	var body struct {
		Revoked          *bool          `json:"revoked"`
		RevocationReason *string        `json:"revocationReason"`
		Narrative        *string        `json:"narrative"`
		Metadata         map[string]any `json:"metadata"`
		Acceptance       *string        `json:"acceptance"`
	}
	if err := api.Bind(c, &body); err != nil {
		return err
	}
	view, err := api.Write(h.d.Store, func(tx store.Tx) (view AssertionView, err error) {
		a, err := tenantAssertion(c, tx)
		if err != nil {
			return view, err
		}
		if body.Revoked != nil {
			switch {
			case *body.Revoked && (body.RevocationReason == nil || *body.RevocationReason == ""):
				return view, api.Field("revocationReason", api.MsgRequired)
			case *body.Revoked:
				a.Revoked, a.RevocationReason = true, body.RevocationReason
			case a.Revoked:
				return view, api.Field("revoked", "A revoked assertion cannot be restored.")
			}
		} else if body.RevocationReason != nil {
			// A reason alone rewords a revoked assertion's reason; on one
			// that is not revoked it has nothing to be the reason for, and
			// answering 200 while changing nothing would hide the mistake
			// (FIDELITY.md, "Revocation reason alone").
			if !a.Revoked {
				return view, api.Field("revocationReason", "Send revoked: true to revoke; a reason alone only rewords a revoked assertion's reason.")
			}
			if *body.RevocationReason == "" {
				return view, api.Field("revocationReason", "This field may not be blank.")
			}
			a.RevocationReason = body.RevocationReason
		}
		if body.Narrative != nil {
			a.Narrative = body.Narrative
		}
		if body.Metadata != nil {
			a.Metadata = body.Metadata
		}
		if body.Acceptance != nil {
			a.Acceptance = *body.Acceptance
		}
		if err := putAssertion(tx, a, false); err != nil {
			return view, err
		}
		return newAssertionViews(tx).view(a), nil
	})
	if err != nil {
		return err
	}
	return api.JSON(c, http.StatusOK, view)
}

// publicAssertion answers an assertion without authentication; an unknown
// one is a 404 with an empty body (the operation's description). The
// description's 404 for a revoked assertion is the default-on built-in
// scenario public-revoked-assertion, so teams can change its body without a
// rebuild; with it off, a revoked assertion is served with revoked: true.
func (h *Handlers) publicAssertion(c echo.Context) error {
	var view AssertionView
	var a *Assertion
	err := h.d.Store.View(func(tx store.Tx) error {
		var err error
		if a, err = getAssertion(tx, c.Param("entity_id")); err != nil || a == nil {
			return err
		}
		view = newAssertionViews(tx).view(a)
		return nil
	})
	switch {
	case err != nil:
		return err
	case a == nil:
		return api.Empty(http.StatusNotFound)
	case !a.Revoked && a.Expired(h.d.Clock.Now()):
		// An expired assertion is inactive like a revoked one (SKILL-C
		// "active (non-revoked, unexpired)"): a 404 saying when it expired.
		return &api.Error{Status: http.StatusNotFound, Body: map[string]any{
			"detail":  "This assertion has expired.",
			"expires": view.Expires,
		}}
	}
	return api.JSON(c, http.StatusOK, view)
}

func deleteAssertion(tx store.Tx, a *Assertion) error {
	s := api.SeqKey(a.Seq)
	for _, kv := range [][2]string{
		{bktAssertions, a.EntityID},
		{bktAssertionsByUser, key(a.Tenant, a.Recipient.Username, s)},
		{bktAssertionsByCred, key(a.CredentialID, s)},
	} {
		if err := tx.Delete(kv[0], kv[1]); err != nil {
			return err
		}
	}
	return nil
}
