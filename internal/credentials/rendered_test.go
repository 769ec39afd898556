package credentials

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/labstack/echo/v4"
)

// legacyListCredentials is listCredentials as it was before pages were
// assembled from rendered bytes: every view rendered and the page encoded
// with encoding/json on every request. TestListBytesAreLegacyBytes holds
// the fast path to it.
func (h *Handlers) legacyListCredentials(c echo.Context) error {
	tenant := api.Tenant(c)
	search := strings.ToLower(c.QueryParam("search"))
	course, program := c.QueryParam("course"), c.QueryParam("program")
	body, err := api.Read(h.d.Store, func(tx store.Tx) (body api.PageNumberBody, err error) {
		var kept [][]byte
		tx.Scan(bktCredsByTenant, tenant+sep, true, func(_ string, v []byte) bool {
			if id, ok := credIndexMatch(v, search, course, program); ok {
				kept = append(kept, id)
			}
			return true
		})
		p, err := api.ParsePage(c, len(kept), 10, 100)
		if err != nil {
			return body, err
		}
		views := []*CredentialView{}
		for _, id := range api.Slice(p, kept) {
			cr, err := readCredential(tx, tenant, string(id))
			if err != nil {
				return body, err
			}
			views = append(views, credentialView(tx, cr))
		}
		return p.Body(c, views), nil
	})
	if err != nil {
		return err
	}
	return api.Wrapped(c, "Ok", body)
}

// odd draws text from what encoding/json escapes or keeps: quotes,
// backslashes, controls, HTML characters, non-ASCII, U+2028.
func odd(rng *rand.Rand) string {
	pieces := []string{"Data", "Science", " ", "101", `"`, `\`, "\n", "\t", "\x01", "<b>", "&", "é", "日本", "😀", "\u2028", "/"}
	var b strings.Builder
	for range 1 + rng.IntN(6) {
		b.WriteString(pieces[rng.IntN(len(pieces))])
	}
	return b.String()
}

func optString(rng *rand.Rand) *string {
	if rng.IntN(2) == 0 {
		return nil
	}
	s := odd(rng)
	return &s
}

func optID(rng *rand.Rand) *uint64 {
	if rng.IntN(3) > 0 {
		return nil
	}
	n := rng.Uint64N(1 << 40)
	return &n
}

func randomRefs(rng *rand.Rand, kind string) []Ref {
	var out []Ref
	for i := range rng.IntN(3) {
		out = append(out, Ref{ID: fmt.Sprintf("%s-v1:acme+%d+2024", kind, i+rng.IntN(3)), Name: optString(rng)})
	}
	return out
}

func randomMetadata(rng *rand.Rand) map[string]any {
	switch rng.IntN(3) {
	case 0:
		return nil
	case 1:
		return map[string]any{}
	}
	return map[string]any{odd(rng): odd(rng), "n": float64(rng.IntN(1000)) / 8, "nested": map[string]any{"b": true, "l": []any{"x", nil}}}
}

// fillCredential sets every rendered field of cr at random.
func fillCredential(rng *rand.Rand, cr *Credential) {
	cr.Name = odd(rng)
	cr.NameOverride, cr.Description, cr.CriteriaURL, cr.CriteriaNarrative = optString(rng), optString(rng), optString(rng), optString(rng)
	cr.CreatedAt = time.Unix(1_700_000_000+rng.Int64N(1e8), rng.Int64N(1e9)*int64(rng.IntN(2)))
	cr.IconImage, cr.BackgroundImage, cr.ThumbnailImage = optString(rng), optString(rng), optString(rng)
	cr.IconImageID, cr.BackgroundImageID, cr.ThumbnailImageID = optID(rng), optID(rng), optID(rng)
	cr.CatalogItems = nil
	if rng.IntN(2) == 0 {
		cr.CatalogItems = []string{odd(rng)}
	}
	cr.Courses, cr.Programs, cr.Pathways = randomRefs(rng, "course"), randomRefs(rng, "program"), randomRefs(rng, "pathway")
	cr.HTMLTemplate, cr.CSSTemplate, cr.CredentialType, cr.Signal = optString(rng), optString(rng), optString(rng), optString(rng)
	cr.Metadata = randomMetadata(rng)
	cr.Expires = nil
	if rng.IntN(2) == 0 {
		cr.Expires = &Expiry{Amount: 1 + rng.IntN(12), Duration: "months"}
	}
	cr.Tags = nil
	if rng.IntN(2) == 0 {
		cr.Tags = []string{odd(rng), "t"}
	}
	cr.Public = rng.IntN(5) > 0
}

// world is a store of random issuers, credentials and signatories in two
// tenants, changed at random between reads.
type world struct {
	rng     *rand.Rand
	st      store.Backend
	ids     *api.IDs
	issuers map[string][]*Issuer
	creds   []*Credential
	sigs    []*Signatory
}

var worldTenants = []string{"acme", "beta"}

func (w *world) update(t *testing.T, fn func(tx store.Tx) error) {
	t.Helper()
	if err := w.st.Update(fn); err != nil {
		t.Fatal(err)
	}
}

func (w *world) addIssuer(t *testing.T, tenant string) {
	is := &Issuer{EntityID: w.ids.EntityID(), Tenant: tenant, Name: odd(w.rng), URL: optString(w.rng), IconImage: optString(w.rng)}
	w.update(t, func(tx store.Tx) error { return putIssuer(tx, is, true) })
	w.issuers[tenant] = append(w.issuers[tenant], is)
}

func (w *world) addCredential(t *testing.T) {
	tenant := worldTenants[w.rng.IntN(len(worldTenants))]
	is := w.issuers[tenant][w.rng.IntN(len(w.issuers[tenant]))]
	cr := &Credential{EntityID: w.ids.EntityID(), Tenant: tenant, IssuerID: is.EntityID}
	fillCredential(w.rng, cr)
	w.update(t, func(tx store.Tx) error { return putCredential(tx, cr, true) })
	w.creds = append(w.creds, cr)
}

func (w *world) addSignatory(t *testing.T) {
	owner := "tenant:" + worldTenants[w.rng.IntN(len(worldTenants))]
	if len(w.creds) > 0 && w.rng.IntN(3) > 0 {
		owner = "credential:" + w.creds[w.rng.IntN(len(w.creds))].EntityID
	}
	s := &Signatory{EntityID: w.ids.EntityID(), Owner: owner, Name: odd(w.rng), Title: odd(w.rng), Signature: odd(w.rng)}
	w.update(t, func(tx store.Tx) error { return putSignatory(tx, s) })
	w.sigs = append(w.sigs, s)
}

// mutate makes one random change of what a credential is rendered from.
func (w *world) mutate(t *testing.T) {
	switch n := w.rng.IntN(10); {
	case n < 3 || len(w.creds) == 0:
		w.addCredential(t)
	case n < 5: // a credential's own fields change
		cr := w.creds[w.rng.IntN(len(w.creds))]
		fillCredential(w.rng, cr)
		w.update(t, func(tx store.Tx) error { return putCredential(tx, cr, false) })
	case n < 6: // its issuer's
		tenant := worldTenants[w.rng.IntN(len(worldTenants))]
		is := w.issuers[tenant][w.rng.IntN(len(w.issuers[tenant]))]
		is.Name, is.URL = odd(w.rng), optString(w.rng)
		w.update(t, func(tx store.Tx) error { return putIssuer(tx, is, false) })
	case n < 8:
		w.addSignatory(t)
	case n < 9 && len(w.sigs) > 0: // a signatory goes
		i := w.rng.IntN(len(w.sigs))
		id := w.sigs[i].EntityID
		w.sigs = append(w.sigs[:i], w.sigs[i+1:]...)
		w.update(t, func(tx store.Tx) error { return deleteSignatory(tx, id) })
	default: // a credential goes
		i := w.rng.IntN(len(w.creds))
		cr := w.creds[i]
		w.creds = append(w.creds[:i], w.creds[i+1:]...)
		w.update(t, func(tx store.Tx) error { return deleteCredential(tx, cr) })
	}
}

// randomListQuery is a list request's query: pages (valid or not), sizes,
// and the filters.
func (w *world) randomListQuery() string {
	var q []string
	if w.rng.IntN(3) > 0 {
		q = append(q, "page="+[]string{"1", "2", "3", "last", "0", "x", "99"}[w.rng.IntN(7)])
	}
	if w.rng.IntN(2) == 0 {
		q = append(q, "page_size="+[]string{"1", "2", "3", "10", "200", "abc"}[w.rng.IntN(6)])
	}
	if w.rng.IntN(4) == 0 {
		q = append(q, "search="+[]string{"data", "SCI", "1", "zz"}[w.rng.IntN(4)])
	}
	if w.rng.IntN(4) == 0 {
		q = append(q, fmt.Sprintf("course=course-v1:acme+%d+2024", w.rng.IntN(4)))
	}
	if w.rng.IntN(6) == 0 {
		q = append(q, "x=%20y&x=2")
	}
	return strings.Join(q, "&")
}

// TestListBytesAreLegacyBytes holds the credential list assembled from
// rendered bytes (rendered.go, api.WrappedPage) to the list as encoding/json
// rendered it on every request, byte for byte and status for status, over
// randomly filled credentials, issuers and signatories (seeded) changed at
// random between reads, on both backends: so the render cache never
// serves a stale credential, and the bytes it serves are encoding/json's.
func TestListBytesAreLegacyBytes(t *testing.T) {
	for _, backend := range []string{"memory", "bolt"} {
		t.Run(backend, func(t *testing.T) {
			var st store.Backend = store.NewMemory()
			if backend == "bolt" {
				b, err := store.OpenBolt(filepath.Join(t.TempDir(), "list.db"))
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { b.Close() })
				st = b
			}
			w := &world{rng: rand.New(rand.NewPCG(15, 3)), st: st, ids: api.NewIDs(15), issuers: map[string][]*Issuer{}}
			h := New(&api.Deps{Store: st, Clock: &api.Clock{}, IDs: w.ids})
			for _, tenant := range worldTenants {
				w.addIssuer(t, tenant)
				w.addIssuer(t, tenant)
			}
			e := echo.New()
			serve := func(f echo.HandlerFunc, tenant, query string) (int, string) {
				req := httptest.NewRequest(http.MethodGet, "/api/credentials/orgs/"+tenant+"/users/admin/?"+query, nil)
				rec := httptest.NewRecorder()
				c := e.NewContext(req, rec)
				api.RequestOf(c).Tenant = tenant
				if err := f(c); err != nil {
					var ae *api.Error
					if !errors.As(err, &ae) {
						t.Fatalf("%s: %v", query, err)
					}
					return ae.Status, fmt.Sprint(ae.Body)
				}
				return rec.Code, rec.Body.String()
			}
			pages := 0
			for round := range 300 {
				w.mutate(t)
				for range 3 {
					tenant, query := worldTenants[w.rng.IntN(len(worldTenants))], w.randomListQuery()
					code, got := serve(h.listCredentials, tenant, query)
					wantCode, want := serve(h.legacyListCredentials, tenant, query)
					if code != wantCode || got != want {
						t.Fatalf("round %d, %s ?%s:\nassembled: %d %s\nlegacy:    %d %s", round, tenant, query, code, got, wantCode, want)
					}
					if code == http.StatusOK && bytes.Contains([]byte(got), []byte(`"entityId"`)) {
						pages++
					}
				}
			}
			if pages < 300 {
				t.Fatalf("only %d non-empty pages compared", pages)
			}
		})
	}
}

// randomAssertion is an assertion of a random credential id (one of the
// world's, one deleted, or none) with every rendered field drawn.
func (w *world) randomAssertion() *Assertion {
	credID := "missing-credential"
	if len(w.creds) > 0 && w.rng.IntN(5) > 0 {
		credID = w.creds[w.rng.IntN(len(w.creds))].EntityID
	}
	a := &Assertion{
		EntityID: w.ids.EntityID(), Tenant: worldTenants[w.rng.IntN(2)], CredentialID: credID,
		Recipient: Recipient{Username: odd(w.rng), Email: optString(w.rng), Name: optString(w.rng)},
		IssuedOn:  time.Unix(1_700_000_000+w.rng.Int64N(1e8), w.rng.Int64N(1e9)*int64(w.rng.IntN(2))),
		Metadata:  randomMetadata(w.rng), Narrative: optString(w.rng), Revoked: w.rng.IntN(4) == 0,
		RevocationReason: optString(w.rng), Acceptance: []string{"Unaccepted", "Accepted", odd(w.rng)}[w.rng.IntN(3)],
	}
	if w.rng.IntN(2) == 0 {
		t := a.IssuedOn.Add(time.Duration(w.rng.Int64N(1e15)))
		a.ExpiresAt = &t
	}
	if refs := randomRefs(w.rng, "course"); len(refs) > 0 {
		a.Course = &refs[0]
	}
	if refs := randomRefs(w.rng, "program"); len(refs) > 0 {
		a.Program = &refs[0]
	}
	return a
}

// TestAssertionBytesAreLegacyBytes holds assertionJSON (an assertion
// encoded with its credential's cached JSON spliced in, as the issue
// answers) to api.Encode of the assertion's view, byte for byte, over
// random assertions of random credentials (seeded), some deleted, changed
// between renders, on both backends: the bytes appendAssertionView writes
// are encoding/json's.
func TestAssertionBytesAreLegacyBytes(t *testing.T) {
	for _, backend := range []string{"memory", "bolt"} {
		t.Run(backend, func(t *testing.T) {
			var st store.Backend = store.NewMemory()
			if backend == "bolt" {
				b, err := store.OpenBolt(filepath.Join(t.TempDir(), "assertions.db"))
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { b.Close() })
				st = b
			}
			w := &world{rng: rand.New(rand.NewPCG(15, 7)), st: st, ids: api.NewIDs(16), issuers: map[string][]*Issuer{}}
			for _, tenant := range worldTenants {
				w.addIssuer(t, tenant)
			}
			spliced := 0
			for round := range 400 {
				w.mutate(t)
				a := w.randomAssertion()
				spice(w.rng, a)
				err := st.View(func(tx store.Tx) error {
					want, err := api.Encode(newAssertionViews(tx).view(a))
					if err != nil {
						return err
					}
					r := newRenderer()
					r.use(tx)
					got, err := r.assertionJSON(a)
					if err != nil {
						return err
					}
					if !bytes.Equal(got, want) {
						t.Fatalf("round %d:\nspliced: %s\nencoded: %s", round, got, want)
					}
					if !bytes.Contains(got, []byte(`"credentialDetails":null`)) {
						spliced++
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			if spliced < 200 {
				t.Fatalf("only %d assertions had credential details spliced in", spliced)
			}
		})
	}
}

// TestListUnderConcurrentWrites reads lists in parallel while credentials,
// issuers and signatories change (for the race detector, which CI runs
// over this package): each answer is a well-formed page, and once the
// writes stop, the assembled list is the legacy list again.
func TestListUnderConcurrentWrites(t *testing.T) {
	st := store.NewMemory()
	w := &world{rng: rand.New(rand.NewPCG(15, 8)), st: st, ids: api.NewIDs(17), issuers: map[string][]*Issuer{}}
	h := New(&api.Deps{Store: st, Clock: &api.Clock{}, IDs: w.ids})
	for _, tenant := range worldTenants {
		w.addIssuer(t, tenant)
	}
	for range 30 {
		w.addCredential(t)
	}
	e := echo.New()
	list := func(f echo.HandlerFunc, tenant, query string) string {
		req := httptest.NewRequest(http.MethodGet, "/api/credentials/orgs/"+tenant+"/users/admin/?"+query, nil)
		rec := httptest.NewRecorder()
		c := e.NewContext(req, rec)
		api.RequestOf(c).Tenant = tenant
		if err := f(c); err != nil {
			return err.Error()
		}
		return rec.Body.String()
	}
	done := make(chan struct{})
	errs := make(chan error, 4)
	for g := range 4 {
		go func() {
			for i := 0; ; i++ {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				body := list(h.listCredentials, worldTenants[(g+i)%2], "page_size=5")
				var page struct {
					Result struct {
						Data []map[string]any `json:"data"`
					} `json:"result"`
				}
				if err := json.Unmarshal([]byte(body), &page); err != nil || len(page.Result.Data) > 5 {
					errs <- fmt.Errorf("a page read during writes: %v: %.200s", err, body)
					return
				}
			}
		}()
	}
	for range 200 {
		w.mutate(t)
	}
	close(done)
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for _, tenant := range worldTenants {
		if got, want := list(h.listCredentials, tenant, "page_size=100"), list(h.legacyListCredentials, tenant, "page_size=100"); got != want {
			t.Fatalf("%s after the writes:\nassembled: %s\nlegacy:    %s", tenant, got, want)
		}
	}
}
