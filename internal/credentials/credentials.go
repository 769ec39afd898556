package credentials

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/labstack/echo/v4"
)

// credentialWrite is the body of credential create and update. Both the
// camelCase names the vendor's scripts send and the snake_case names the
// operation description lists are accepted (FIDELITY.md, credential-create-body); when both are
// sent the camelCase one wins.
type credentialWrite struct {
	Name              *string         `json:"name"`
	Issuer            *string         `json:"issuer"`
	NameOverride      *string         `json:"name_override"`
	Description       *string         `json:"description"`
	CriteriaURL       *string         `json:"criteriaUrl"`
	CriteriaURLSnake  *string         `json:"criteria_url"`
	CriteriaNarrative *string         `json:"criteriaNarrative"`
	CriteriaNarrSnake *string         `json:"criteria_narrative"`
	CriteriaText      *string         `json:"criteria_text"`
	CredentialType    *string         `json:"credentialType"`
	CredTypeSnake     *string         `json:"credential_type"`
	Signal            *string         `json:"signal"`
	IssuingSignal     *string         `json:"issuing_signal"`
	HTMLTemplate      *string         `json:"html_template"`
	CSSTemplate       *string         `json:"css_template"`
	IconImage         *string         `json:"iconImage"`
	IconImageSnake    *string         `json:"icon_image"`
	BackgroundImage   *string         `json:"backgroundImage"`
	BackgroundSnake   *string         `json:"background_image"`
	ThumbnailImage    *string         `json:"thumbnailImage"`
	ThumbnailSnake    *string         `json:"thumbnail_image"`
	Tags              *[]string       `json:"tags"`
	Metadata          map[string]any  `json:"metadata"`
	Expires           json.RawMessage `json:"expires"`
	Courses           []any           `json:"courses"`
	Programs          []any           `json:"programs"`
	Pathways          []any           `json:"pathways"`
	CatalogItems      *[]string       `json:"catalog_items"`
	Public            *bool           `json:"public"`
	// The vendor UI attaches an uploaded image by its id (credential_images.go).
	IconImageID       api.Opt[int64] `json:"icon_image_id"`
	BackgroundImageID api.Opt[int64] `json:"background_image_id"`
	ThumbnailImageID  api.Opt[int64] `json:"thumbnail_image_id"`
}

func first(vals ...*string) *string {
	for _, v := range vals {
		if v != nil {
			return v
		}
	}
	return nil
}

// refs turns a list of ids, or of objects carrying idKey (and name), into
// refs; anything else is a field error.
func refs(field, idKey string, in []any) ([]Ref, *api.Error) {
	out := []Ref{}
	for _, v := range in {
		switch t := v.(type) {
		case string:
			out = append(out, Ref{ID: t, Name: refName(t)})
		case map[string]any:
			id, _ := t[idKey].(string)
			if id == "" {
				return nil, api.Field(field, "Each item needs a "+idKey+".")
			}
			r := Ref{ID: id, Name: refName(id)}
			if n, ok := t["name"].(string); ok {
				r.Name = &n
			}
			out = append(out, r)
		default:
			return nil, api.Field(field, "Each item must be an id or an object with "+idKey+".")
		}
	}
	return out, nil
}

// applyTo writes w's fields onto cr (a partial update: absent fields stay).
// Metadata is merged key by key (SKILL-C). An expiry that would fall after
// year 9999 for an assertion issued now is refused (Expiry.check).
func (w *credentialWrite) applyTo(cr *Credential, now time.Time) error {
	if w.Name != nil {
		cr.Name = *w.Name
	}
	set := func(dst **string, vals ...*string) {
		if v := first(vals...); v != nil {
			*dst = v
		}
	}
	set(&cr.NameOverride, w.NameOverride)
	set(&cr.Description, w.Description)
	set(&cr.CriteriaURL, w.CriteriaURL, w.CriteriaURLSnake)
	set(&cr.CriteriaNarrative, w.CriteriaNarrative, w.CriteriaNarrSnake, w.CriteriaText)
	set(&cr.CredentialType, w.CredentialType, w.CredTypeSnake)
	set(&cr.Signal, w.Signal, w.IssuingSignal)
	set(&cr.HTMLTemplate, w.HTMLTemplate)
	set(&cr.CSSTemplate, w.CSSTemplate)
	set(&cr.IconImage, w.IconImage, w.IconImageSnake)
	set(&cr.BackgroundImage, w.BackgroundImage, w.BackgroundSnake)
	set(&cr.ThumbnailImage, w.ThumbnailImage, w.ThumbnailSnake)
	if w.Tags != nil {
		cr.Tags = *w.Tags
	}
	if w.CatalogItems != nil {
		cr.CatalogItems = *w.CatalogItems
	}
	if w.Public != nil {
		cr.Public = *w.Public
	}
	if w.Metadata != nil {
		if cr.Metadata == nil {
			cr.Metadata = map[string]any{}
		}
		for k, v := range w.Metadata {
			cr.Metadata[k] = v
		}
	}
	if len(w.Expires) > 0 {
		if string(w.Expires) == "null" {
			cr.Expires = nil
		} else {
			var e Expiry
			if err := api.Unmarshal(w.Expires, &e); err != nil {
				return api.Field("expires", "Expected {\"amount\": <int>, \"duration\": \"days|weeks|months|years\"}.")
			}
			if err := e.check(now); err != nil {
				return err
			}
			cr.Expires = &e
		}
	}
	for _, f := range []struct {
		field, idKey string
		in           []any
		dst          *[]Ref
	}{
		{"courses", "course_id", w.Courses, &cr.Courses},
		{"programs", "program_id", w.Programs, &cr.Programs},
		{"pathways", "pathway_id", w.Pathways, &cr.Pathways},
	} {
		if f.in == nil {
			continue
		}
		r, err := refs(f.field, f.idKey, f.in)
		if err != nil {
			return err
		}
		*f.dst = r
	}
	return nil
}

func hasRef(refs []Ref, id string) bool {
	for _, r := range refs {
		if r.ID == id {
			return true
		}
	}
	return false
}

// listCredentials answers the tenant's public credentials, newest first,
// filtered by search (name or description contains), course and program,
// as a wrapped page (default 10, max 100: the operation description). The
// page is assembled from each credential's JSON rendered once
// (rendered.go, api.WrappedPage).
func (h *Handlers) listCredentials(c echo.Context) error {
	ls := listScratches.Get().(*listScratch)
	defer ls.release()
	ls.c = c
	if t := api.Tenant(c); t != ls.tenant || ls.prefix == "" {
		// The index prefix is kept while the tenant stays the same.
		ls.tenant, ls.prefix = t, t+sep
	}
	ls.search = strings.ToLower(c.QueryParam("search"))
	ls.course, ls.program = c.QueryParam("course"), c.QueryParam("program")
	if err := h.d.Store.View(ls.view); err != nil {
		return err
	}
	return api.WrappedPage(c, "Ok", ls.page, ls.items)
}

// listScratch is one list request's working state, pooled: its slices keep
// their capacity, and the callbacks handed to the store (method values) are
// made once per scratch rather than once per request.
type listScratch struct {
	c                       echo.Context
	tenant, prefix          string
	search, course, program string
	kept                    [][]byte // the matching ids, in index order
	items                   [][]byte // the page's credentials' JSON
	page                    api.Page
	r                       *renderer
	memo                    indexMemo
	view                    func(store.Tx) error
	keep                    func(string, []byte) bool
}

var listScratches = sync.Pool{New: func() any {
	ls := &listScratch{r: newRenderer()}
	ls.view, ls.keep = ls.run, ls.match
	return ls
}}

// run filters on the tenant index alone; only the page's credentials are
// read and rendered. The ids point into the store's values, valid for the
// transaction (bbolt's mmap included); the items are the render cache's
// own bytes, valid after it.
func (ls *listScratch) run(tx store.Tx) error {
	ls.items = ls.items[:0]
	ls.filter(tx)
	p, err := api.ParsePage(ls.c, len(ls.kept), 10, 100)
	if err != nil {
		return err
	}
	ls.page = p
	ls.r.use(tx)
	defer ls.r.use(nil)
	for _, id := range api.Slice(p, ls.kept) {
		raw, err := ls.r.credentialJSON(ls.tenant, id)
		if err != nil {
			return err
		}
		ls.items = append(ls.items, raw)
	}
	return nil
}

// filter sets kept to the ids the tenant index lists under the filters.
// The scratch remembers its last result with the store version it was
// read in: the same filters in the same version (repeated reads between
// writes) are the same ids, copied into the scratch's own memory since
// bbolt's values do not outlive their transaction.
func (ls *listScratch) filter(tx store.Tx) {
	ver, ok := store.VersionOf(tx)
	m := &ls.memo
	if ok && m.ok && m.ver == ver && m.prefix == ls.prefix && m.search == ls.search &&
		m.course == ls.course && m.program == ls.program {
		ls.kept = append(ls.kept[:0], m.ids...)
		return
	}
	ls.kept = ls.kept[:0]
	tx.Scan(bktCredsByTenant, ls.prefix, true, ls.keep)
	m.ok = false
	if !ok {
		return
	}
	m.ver, m.prefix, m.search, m.course, m.program = ver, ls.prefix, ls.search, ls.course, ls.program
	m.arena, m.ids = m.arena[:0], m.ids[:0]
	for _, id := range ls.kept {
		m.arena = append(m.arena, id...)
	}
	at := 0
	for _, id := range ls.kept {
		m.ids = append(m.ids, m.arena[at:at+len(id):at+len(id)])
		at += len(id)
	}
	m.ok = true
}

// indexMemo is a scratch's last filtered index (filter).
type indexMemo struct {
	ok                              bool
	ver                             store.Version
	prefix, search, course, program string
	arena                           []byte
	ids                             [][]byte
}

func (ls *listScratch) match(_ string, v []byte) bool {
	if id, ok := credIndexMatch(v, ls.search, ls.course, ls.program); ok {
		ls.kept = append(ls.kept, id)
	}
	return true
}

// release drops the request's references (ids into the store, the
// context) and returns the scratch to the pool.
func (ls *listScratch) release() {
	clear(ls.kept[:cap(ls.kept)])
	clear(ls.items[:cap(ls.items)])
	ls.c = nil
	if cap(ls.kept) <= 1<<16 {
		listScratches.Put(ls)
	}
}

func (h *Handlers) createCredential(c echo.Context) error {
	var w credentialWrite
	if err := api.Bind(c, &w); err != nil {
		return err
	}
	if w.Issuer == nil || w.Name == nil {
		return api.Fields(requiredErrors(map[string]bool{"issuer": w.Issuer == nil, "name": w.Name == nil}))
	}
	tenant := api.Tenant(c)
	cr := &Credential{EntityID: h.d.IDs.EntityID(), Tenant: tenant, CreatedAt: h.d.Clock.Now(), Public: true}
	signal := "COURSE_PASSED" // the default issuing signal (SKILL-C)
	cr.Signal = &signal
	if err := w.applyTo(cr, h.d.Clock.Now()); err != nil {
		return err
	}
	view, err := api.Write(h.d.Store, func(tx store.Tx) (view *CredentialView, err error) {
		if _, err := getIssuer(tx, tenant, *w.Issuer); err != nil {
			// DRF's SlugRelatedField message.
			return view, api.Field("issuer", "Object with entityId="+*w.Issuer+" does not exist.")
		}
		cr.IssuerID = *w.Issuer
		if err := w.applyImages(c, tx, cr); err != nil {
			return view, err
		}
		if err := putCredential(tx, cr, true); err != nil {
			return view, err
		}
		return credentialView(tx, cr), nil
	})
	if err != nil {
		return err
	}
	return api.Wrapped(c, "Created", view)
}

func (h *Handlers) getCredential(c echo.Context) error {
	view, err := api.Read(h.d.Store, func(tx store.Tx) (view *CredentialView, err error) {
		cr, err := readCredential(tx, api.Tenant(c), c.Param("entity_id"))
		if err != nil {
			return view, err
		}
		return credentialView(tx, cr), nil
	})
	if err != nil {
		return err
	}
	return api.Wrapped(c, "Ok", view)
}

func (h *Handlers) updateCredential(c echo.Context) error {
	var w credentialWrite
	if err := api.Bind(c, &w); err != nil {
		return err
	}
	tenant := api.Tenant(c)
	view, err := api.Write(h.d.Store, func(tx store.Tx) (view *CredentialView, err error) {
		cr, err := getCredential(tx, tenant, c.Param("entity_id"))
		if err != nil {
			return view, err
		}
		if err := w.applyTo(cr, h.d.Clock.Now()); err != nil {
			return view, err
		}
		if w.Issuer != nil && *w.Issuer != cr.IssuerID {
			// Moving a credential to another issuer would orphan its index
			// entry; the sources list no such update (SKILL-C updatable fields).
			return view, api.Field("issuer", "The issuer of a credential cannot be changed.")
		}
		if err := w.applyImages(c, tx, cr); err != nil {
			return view, err
		}
		if err := putCredential(tx, cr, false); err != nil {
			return view, err
		}
		return credentialView(tx, cr), nil
	})
	if err != nil {
		return err
	}
	return api.Wrapped(c, "Updated", view)
}

// deleteCredential removes a credential with no active assertion and
// answers 200 {"status": {..."Deleted"}}, as the 4.205 description says
// (FIDELITY.md, C1: the vendor document's 204 is the generator's default);
// one that still has an unrevoked, unexpired assertion is a 409 (SKILL-C).
// Its inactive assertions and its provider mappings go with it.
func (h *Handlers) deleteCredential(c echo.Context) error {
	now := h.d.Clock.Now()
	err := h.d.Store.Update(func(tx store.Tx) error {
		cr, err := getCredential(tx, api.Tenant(c), c.Param("entity_id"))
		if err != nil {
			return err
		}
		for _, x := range assertionRefs(tx, bktAssertionsByCred, cr.EntityID, nil) {
			if x.active(now) {
				return api.Detail(http.StatusConflict,
					"Cannot delete a credential that has active assertions. Revoke them first.")
			}
		}
		as, err := assertionsOf(tx, bktAssertionsByCred, cr.EntityID)
		if err != nil {
			return err
		}
		for _, a := range as {
			if err := deleteAssertion(tx, a); err != nil {
				return err
			}
		}
		return deleteCredential(tx, cr)
	})
	if err != nil {
		return err
	}
	return api.StatusOnly(c, "Deleted")
}

// requiredErrors is DRF's body for missing fields: each missing one gets
// "This field is required.".
func requiredErrors(missing map[string]bool) map[string]any {
	out := map[string]any{}
	for f, m := range missing {
		if m {
			out[f] = []string{api.MsgRequired}
		}
	}
	return out
}
