package credentials

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
)

// Buckets. Primary buckets map an entityId to the entity's JSON; the *_by_*
// buckets are ordered indexes whose keys end in the entity's sequence number
// (so a prefix scan lists in creation order) and whose values are entityIds.
const (
	bktIssuers            = "cred.issuers"
	bktIssuersByTenant    = "cred.issuers_by_tenant"        // tenant|seq
	bktSignatories        = "cred.signatories"              //
	bktSignatoriesByOwner = "cred.signatories_by_owner"     // owner|seq
	bktCredentials        = "cred.credentials"              //
	bktCredsByTenant      = "cred.credentials_by_tenant"    // tenant|seq
	bktCredsByIssuer      = "cred.credentials_by_issuer"    // issuer|seq
	bktAssertions         = "cred.assertions"               //
	bktAssertionsByUser   = "cred.assertions_by_user"       // tenant|username|seq
	bktAssertionsByCred   = "cred.assertions_by_credential" // credential|seq
)

// sep separates the parts of an index key (store.KeySep, which the tenant
// scopes split on too); it sorts before every printable character, so
// "a|..." never interleaves with "ab|...".
const sep = store.KeySep

func key(parts ...string) string {
	n := 0
	for _, p := range parts {
		n += len(p) + 1
	}
	b := make([]byte, 0, n)
	for i, p := range parts {
		if i > 0 {
			b = append(b, sep...)
		}
		b = append(b, p...)
	}
	return string(b)
}

// ids lists the entityIds of an index prefix, in order. An index value is
// the entityId, optionally followed by sep and fields a list filters on.
func ids(tx store.Tx, bucket, prefix string, reverse bool) []string {
	var out []string
	tx.Scan(bucket, prefix+sep, reverse, func(_ string, v []byte) bool {
		out = append(out, indexID(v))
		return true
	})
	return out
}

// indexID is the entityId part of an index value.
func indexID(v []byte) string {
	if i := bytes.IndexByte(v, sep[0]); i >= 0 {
		return string(v[:i])
	}
	return string(v)
}

// The tenant index keeps, for each credential, what the credential list
// filters on, so that it filters without decoding credentials: its id,
// whether it is public, its lowercased name and description, and its
// course and program ids (encodeCredIndex, credIndexMatch).
const listSep = "\x01"

func encodeCredIndex(cr *Credential) []byte {
	refIDs := func(refs []Ref) string {
		parts := make([]string, len(refs))
		for i, r := range refs {
			parts[i] = r.ID
		}
		return strings.Join(parts, listSep)
	}
	pub, desc := "0", ""
	if cr.Public {
		pub = "1"
	}
	if cr.Description != nil {
		desc = strings.ToLower(*cr.Description)
	}
	return []byte(strings.Join([]string{cr.EntityID, pub, strings.ToLower(cr.Name), desc,
		refIDs(cr.Courses), refIDs(cr.Programs)}, sep))
}

// indexFields splits an index value into its six sep-separated fields
// (both the credential and the assertion index have six), without
// allocating; missing fields are empty and the last keeps any rest.
func indexFields(v []byte) [6][]byte {
	var f [6][]byte
	rest := v
	for i := range 5 {
		f[i], rest, _ = bytes.Cut(rest, []byte(sep))
	}
	f[5] = rest
	return f
}

// credIndexMatch reports whether the credential index value v passes the
// list's filters (search lowercased; empty filters pass) and returns its
// id. It allocates nothing: it runs for every credential of the tenant.
func credIndexMatch(v []byte, search, course, program string) ([]byte, bool) {
	if search == "" && course == "" && program == "" {
		// The unfiltered list (the usual one) reads the first two fields
		// only: id and public.
		id, rest, _ := bytes.Cut(v, []byte(sep))
		pub, _, _ := bytes.Cut(rest, []byte(sep))
		if string(pub) != "1" {
			return nil, false
		}
		return id, true
	}
	f := indexFields(v)
	has := func(list []byte, id string) bool {
		for len(list) > 0 {
			var item []byte
			item, list, _ = bytes.Cut(list, []byte(listSep))
			if string(item) == id {
				return true
			}
		}
		return false
	}
	switch {
	case string(f[1]) != "1",
		course != "" && !has(f[4], course),
		program != "" && !has(f[5], program),
		search != "" && !bytes.Contains(f[2], []byte(search)) && !bytes.Contains(f[3], []byte(search)):
		return nil, false
	}
	return f[0], true
}

// getIssuer returns tenant's issuer id as a private copy the caller may
// change; 404 for none or another tenant's.
func getIssuer(tx store.Tx, tenant, id string) (*Issuer, error) {
	return getOwned[Issuer](tx, bktIssuers, tenant, id)
}

// getOwned loads entity id of bucket as a private copy, or DRF's 404 when
// there is none or it is another tenant's (to the caller, not there).
func getOwned[T any, P interface {
	*T
	owner() string
}](tx store.Tx, bucket, tenant, id string) (P, error) {
	v, err := store.Get[T](tx, bucket, id)
	if err != nil {
		return nil, err
	}
	if v == nil || P(v).owner() != tenant {
		return nil, api.NotFound()
	}
	return v, nil
}

func (is *Issuer) owner() string     { return is.Tenant }
func (cr *Credential) owner() string { return cr.Tenant }

func putIssuer(tx store.Tx, is *Issuer, isNew bool) error {
	if isNew {
		seq, err := tx.NextSequence(bktIssuers)
		if err != nil {
			return err
		}
		is.Seq = seq
		if err := tx.Put(bktIssuersByTenant, key(is.Tenant, api.SeqKey(seq)), []byte(is.EntityID)); err != nil {
			return err
		}
	}
	return store.PutJSON(tx, bktIssuers, is.EntityID, is)
}

// Read-only decoded credentials and issuers, for rendering (see
// store.DecodeCache). Code that changes an entity uses getCredential or
// getIssuer, which decode a private copy.
var (
	credentialCache = store.NewDecodeCache[Credential](8 << 20)
	issuerCache     = store.NewDecodeCache[Issuer](2 << 20)
)

// readCredential is getCredential for rendering: the result is shared and
// must not be modified.
func readCredential(tx store.Tx, tenant, id string) (*Credential, error) {
	raw := tx.Get(bktCredentials, id)
	if raw == nil {
		return nil, api.NotFound()
	}
	cr, err := credentialCache.Decode(raw)
	if err != nil {
		return nil, fmt.Errorf("store: %s/%q: %w", bktCredentials, id, err)
	}
	if cr.Tenant != tenant {
		return nil, api.NotFound()
	}
	return cr, nil
}

// readIssuer returns the stored issuer id, shared and not to be
// modified, or nil.
func readIssuer(tx store.Tx, id string) *Issuer {
	raw := tx.Get(bktIssuers, id)
	if raw == nil {
		return nil
	}
	is, err := issuerCache.Decode(raw)
	if err != nil {
		return nil
	}
	return is
}

// getCredential returns tenant's credential id as a private copy the
// caller may change; 404 for none or another tenant's.
func getCredential(tx store.Tx, tenant, id string) (*Credential, error) {
	return getOwned[Credential](tx, bktCredentials, tenant, id)
}

func putCredential(tx store.Tx, cr *Credential, isNew bool) error {
	if isNew {
		seq, err := tx.NextSequence(bktCredentials)
		if err != nil {
			return err
		}
		cr.Seq = seq
		if err := tx.Put(bktCredsByIssuer, key(cr.IssuerID, api.SeqKey(seq)), []byte(cr.EntityID)); err != nil {
			return err
		}
	}
	// The tenant index carries the list's filter fields, so it is rewritten
	// on every change.
	if err := tx.Put(bktCredsByTenant, key(cr.Tenant, api.SeqKey(cr.Seq)), encodeCredIndex(cr)); err != nil {
		return err
	}
	return store.PutJSON(tx, bktCredentials, cr.EntityID, cr)
}

func deleteCredential(tx store.Tx, cr *Credential) error {
	s := api.SeqKey(cr.Seq)
	for _, kv := range [][2]string{
		{bktCredentials, cr.EntityID},
		{bktCredsByTenant, key(cr.Tenant, s)},
		{bktCredsByIssuer, key(cr.IssuerID, s)},
	} {
		if err := tx.Delete(kv[0], kv[1]); err != nil {
			return err
		}
	}
	// Its mappings to providers' templates go with it (external_mappings.go).
	if err := deleteMappingsOf(tx, cr); err != nil {
		return err
	}
	// The credential's own signatories go with it.
	for _, id := range ids(tx, bktSignatoriesByOwner, "credential:"+cr.EntityID, false) {
		if err := deleteSignatory(tx, id); err != nil {
			return err
		}
	}
	return nil
}

func putSignatory(tx store.Tx, s *Signatory) error {
	seq, err := tx.NextSequence(bktSignatories)
	if err != nil {
		return err
	}
	s.Seq = seq
	if err := tx.Put(bktSignatoriesByOwner, key(s.Owner, api.SeqKey(seq)), []byte(s.EntityID)); err != nil {
		return err
	}
	return store.PutJSON(tx, bktSignatories, s.EntityID, s)
}

func deleteSignatory(tx store.Tx, id string) error {
	var s Signatory
	if ok, err := store.GetJSON(tx, bktSignatories, id, &s); !ok || err != nil {
		return err
	}
	if err := tx.Delete(bktSignatoriesByOwner, key(s.Owner, api.SeqKey(s.Seq))); err != nil {
		return err
	}
	return tx.Delete(bktSignatories, id)
}

// getAssertion returns the assertion id, whichever tenant it belongs to.
func getAssertion(tx store.Tx, id string) (*Assertion, error) {
	return store.Get[Assertion](tx, bktAssertions, id)
}

func putAssertion(tx store.Tx, a *Assertion, isNew bool) error {
	if isNew {
		seq, err := tx.NextSequence(bktAssertions)
		if err != nil {
			return err
		}
		a.Seq = seq
	}
	// Both indexes carry what the lists filter on, so they are rewritten on
	// every change (a revocation flips a flag in them). The two keys are
	// one string, the entry one buffer both indexes keep (PutOwned).
	var kb [128]byte
	k := api.AppendSeqKey(append(append(append(append(kb[:0], a.Tenant...), sep...), a.Recipient.Username...), sep...), a.Seq)
	byUser := len(k)
	keys := string(api.AppendSeqKey(append(append(k, a.CredentialID...), sep...), a.Seq))
	v := appendAssertionIndex(make([]byte, 0, assertionIndexSize(a)), a)
	if err := store.PutOwned(tx, bktAssertionsByUser, keys[:byUser], v); err != nil {
		return err
	}
	if err := store.PutOwned(tx, bktAssertionsByCred, keys[byUser:], v); err != nil {
		return err
	}
	raw, err := marshalAssertion(a)
	if err != nil {
		return err
	}
	return store.PutOwned(tx, bktAssertions, a.EntityID, raw)
}

// assertionIndex is what the user and credential indexes keep of an
// assertion, so that lists filter, count and order without decoding
// assertions: cost grows with the page, not with the tenant.
type assertionIndex struct {
	id, credential, course string
	revoked                bool
	expires, issued        int64 // Unix microseconds; expires 0 = never
}

func encodeAssertionIndex(a *Assertion) []byte { return appendAssertionIndex(nil, a) }

// assertionIndexSize is the most appendAssertionIndex appends for a.
func assertionIndexSize(a *Assertion) int {
	n := len(a.EntityID) + len(a.CredentialID) + 1 + 2*20 + 5*len(sep)
	if a.Course != nil {
		n += len(a.Course.ID)
	}
	return n
}

// appendAssertionIndex appends a's index entry to b: entityId, credential,
// revoked (0 or 1), expiry and issue in Unix microseconds (expiry 0 for
// none) and course, sep-separated.
func appendAssertionIndex(b []byte, a *Assertion) []byte {
	b = append(append(append(append(b, a.EntityID...), sep...), a.CredentialID...), sep...)
	if a.Revoked {
		b = append(b, '1')
	} else {
		b = append(b, '0')
	}
	b = append(b, sep...)
	if a.ExpiresAt != nil {
		b = strconv.AppendInt(b, a.ExpiresAt.UnixMicro(), 10)
	} else {
		b = append(b, '0')
	}
	b = append(strconv.AppendInt(append(b, sep...), a.IssuedOn.UnixMicro(), 10), sep...)
	if a.Course != nil {
		b = append(b, a.Course.ID...)
	}
	return b
}

func decodeAssertionIndex(v []byte) assertionIndex {
	// One allocation per entry (the string the fields share): this runs
	// for every assertion a user or a credential has.
	var f [6]string
	rest := string(v)
	for i := range 5 {
		f[i], rest, _ = strings.Cut(rest, sep)
	}
	f[5] = rest
	exp, _ := strconv.ParseInt(f[3], 10, 64)
	issued, _ := strconv.ParseInt(f[4], 10, 64)
	return assertionIndex{id: f[0], credential: f[1], revoked: f[2] == "1", expires: exp, issued: issued, course: f[5]}
}

func (x assertionIndex) expired(now time.Time) bool {
	return expiredAt(x.expires, now.UnixMicro())
}

// expiredAt reports whether an assertion expiring at expires (Unix
// microseconds, 0: never) has expired at now.
func expiredAt(expires, now int64) bool { return expires != 0 && expires <= now }

func (x assertionIndex) active(now time.Time) bool { return !x.revoked && !x.expired(now) }

// assertionRefs lists the index entries under prefix that keep accepts
// (nil: all), newest first.
func assertionRefs(tx store.Tx, bucket, prefix string, keep func(v []byte) bool) []assertionIndex {
	var out []assertionIndex
	tx.Scan(bucket, prefix+sep, true, func(_ string, v []byte) bool {
		if keep == nil || keep(v) {
			out = append(out, decodeAssertionIndex(v))
		}
		return true
	})
	return out
}

// assertionsOf loads the assertions whose ids an index prefix lists, newest
// first.
func assertionsOf(tx store.Tx, bucket, prefix string) ([]*Assertion, error) {
	var out []*Assertion
	for _, id := range ids(tx, bucket, prefix, true) {
		a, err := getAssertion(tx, id)
		if err != nil {
			return nil, err
		}
		if a != nil {
			out = append(out, a)
		}
	}
	return out, nil
}
