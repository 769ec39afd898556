package credentials

import (
	"bytes"
	"sync"
	"sync/atomic"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
)

// A credential's JSON changes only when what it is rendered from does: its
// stored bytes, its issuer's and its signatories'. renderedCache keeps each
// credential's JSON (credentialView encoded as encoding/json encodes it)
// with a copy of those inputs, and serves it again while every input still
// holds the same bytes in the reading transaction. The check costs a few
// lookups and byte comparisons; rendering and encoding a credential cost
// most of a list request before (README, Performance).
//
// Keyed by credential id and checked against the bytes themselves, the
// cache cannot serve a stale or another tenant's credential (the tenant is
// checked from the same bytes readCredential decodes), works on both
// backends and across the servers of one process (tests), and is bounded:
// it holds about maxBytes and starts over when full.

// renderedCredential is one credential's JSON and what it was made from.
type renderedCredential struct {
	id        string
	tenant    string
	raw       []byte // the credential's stored bytes
	issuerID  string
	issuerRaw []byte // the issuer's stored bytes (nil: none)
	sigPrefix string // the credential's signatory index prefix
	sigs      []storedSignatory
	json      []byte
	// validAt is the last store version the inputs were found current in
	// (nil: none yet): every read of that version may use the entry
	// without checking it again.
	validAt atomic.Pointer[store.Version]
}

// storedSignatory is one signatory index entry's id and the signatory's
// stored bytes.
type storedSignatory struct {
	id  string
	raw []byte
}

func (e *renderedCredential) size() int {
	n := len(e.id) + len(e.raw) + len(e.issuerRaw) + len(e.json) + len(e.sigPrefix) + 128
	for _, s := range e.sigs {
		n += len(s.id) + len(s.raw)
	}
	return n
}

type renderedCache struct {
	mu       sync.RWMutex
	m        map[string]*renderedCredential
	bytes    int
	maxBytes int
}

// rendered is the process's cache (credentialCache's sibling).
var rendered = &renderedCache{m: map[string]*renderedCredential{}, maxBytes: 16 << 20}

func (rc *renderedCache) get(id []byte) *renderedCredential {
	rc.mu.RLock()
	e := rc.m[string(id)]
	rc.mu.RUnlock()
	return e
}

func (rc *renderedCache) put(id string, e *renderedCredential) {
	n := e.size()
	if n > rc.maxBytes/64 {
		return // too large to be worth a slot
	}
	rc.mu.Lock()
	if old, ok := rc.m[id]; ok {
		rc.bytes -= old.size()
	}
	if rc.bytes+n > rc.maxBytes {
		clear(rc.m)
		rc.bytes = 0
	}
	rc.m[id] = e
	rc.bytes += n
	rc.mu.Unlock()
}

// renderer renders credentials of one read transaction through the cache.
// It is pooled with the list request's scratch, so that the signatory
// scan's callback (a method value) is made once, not per credential.
type renderer struct {
	tx store.Tx
	// ver is tx's store version, when it has one (use).
	ver   store.Version
	verOK bool
	// The signatory check under way (visitSig).
	checking *renderedCredential
	n        int
	same     bool
	visit    func(string, []byte) bool
}

func newRenderer() *renderer {
	r := &renderer{}
	r.visit = r.visitSig
	return r
}

// use sets the transaction the renderer reads (nil when done).
func (r *renderer) use(tx store.Tx) {
	r.tx = tx
	r.ver, r.verOK = store.Version{}, false
	if tx != nil {
		r.ver, r.verOK = store.VersionOf(tx)
	}
}

// renderers are the renderers of requests that render outside a list.
var renderers = sync.Pool{New: func() any { return newRenderer() }}

// credentialJSON returns tenant's credential id as credentialView renders
// it and api.Encode encodes it; 404 for none or another tenant's. The
// bytes are shared and must not be modified.
func (r *renderer) credentialJSON(tenant string, id []byte) ([]byte, error) {
	if e := r.cached(id); e != nil {
		if e.tenant != tenant {
			return nil, api.NotFound()
		}
		return e.json, nil
	}
	sid := string(id)
	cr, err := readCredential(r.tx, tenant, sid)
	if err != nil {
		return nil, err
	}
	return r.render(sid, cr)
}

// detailsJSON returns credential id's JSON as an assertion embeds it
// (whatever its tenant), or false where assertionViews renders null: no
// such credential, or one that does not decode.
func (r *renderer) detailsJSON(id string) ([]byte, bool) {
	if e := r.cached([]byte(id)); e != nil {
		return e.json, true
	}
	raw := r.tx.Get(bktCredentials, id)
	if raw == nil {
		return nil, false
	}
	cr, err := credentialCache.Decode(raw)
	if err != nil {
		return nil, false
	}
	out, err := r.render(id, cr)
	return out, err == nil
}

// cached returns credential id's entry when it is current in the
// transaction, else nil. A hit reads the store with the entry's own
// strings: converting id for an interface call would allocate, once per
// credential.
func (r *renderer) cached(id []byte) *renderedCredential {
	e := rendered.get(id)
	if e == nil {
		return nil
	}
	if r.verOK {
		if v := e.validAt.Load(); v != nil && *v == r.ver {
			return e // checked in this very version already
		}
	}
	if raw := r.tx.Get(bktCredentials, e.id); raw == nil || !bytes.Equal(e.raw, raw) || !r.current(e) {
		return nil
	}
	r.validated(e)
	return e
}

// validated records that e is current in the renderer's version.
func (r *renderer) validated(e *renderedCredential) {
	if r.verOK {
		v := r.ver
		e.validAt.Store(&v)
	}
}

// render encodes cr's view and caches it with what it was made from.
func (r *renderer) render(id string, cr *Credential) ([]byte, error) {
	out, err := api.Encode(credentialView(r.tx, cr))
	if err != nil {
		return nil, err
	}
	e := r.inputs(id, cr, out)
	r.validated(e)
	rendered.put(id, e)
	return out, nil
}

// assertionJSON returns a as api.Encode(newAssertionViews(tx).view(a))
// encodes it, its credential's details from the cache, written by
// appendAssertionView.
func (r *renderer) assertionJSON(a *Assertion) ([]byte, error) {
	details, _ := r.detailsJSON(a.CredentialID)
	return appendAssertionView(make([]byte, 0, 384+len(details)), a, details)
}

// current reports whether e's issuer and signatories still hold the bytes
// e was rendered from.
func (r *renderer) current(e *renderedCredential) bool {
	if !bytes.Equal(r.tx.Get(bktIssuers, e.issuerID), e.issuerRaw) {
		return false
	}
	r.checking, r.n, r.same = e, 0, true
	r.tx.Scan(bktSignatoriesByOwner, e.sigPrefix, false, r.visit)
	ok := r.same && r.n == len(e.sigs)
	r.checking = nil
	return ok
}

// visitSig compares one signatory index entry with the one rendered at its
// place.
func (r *renderer) visitSig(_ string, id []byte) bool {
	e := r.checking
	if r.n >= len(e.sigs) || string(id) != e.sigs[r.n].id ||
		!bytes.Equal(r.tx.Get(bktSignatories, e.sigs[r.n].id), e.sigs[r.n].raw) {
		r.same = false
		return false
	}
	r.n++
	return true
}

// inputs copies what credentialView read for cr (the transaction's bytes
// may be bbolt's mapped pages) beside its JSON.
func (r *renderer) inputs(id string, cr *Credential, json []byte) *renderedCredential {
	e := &renderedCredential{
		id: id, tenant: cr.Tenant, raw: bytes.Clone(r.tx.Get(bktCredentials, id)), issuerID: cr.IssuerID,
		issuerRaw: bytes.Clone(r.tx.Get(bktIssuers, cr.IssuerID)),
		sigPrefix: "credential:" + cr.EntityID + sep, json: json,
	}
	r.tx.Scan(bktSignatoriesByOwner, e.sigPrefix, false, func(_ string, id []byte) bool {
		e.sigs = append(e.sigs, storedSignatory{string(id), bytes.Clone(r.tx.Get(bktSignatories, string(id)))})
		return true
	})
	return e
}
