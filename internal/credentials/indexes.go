package credentials

import (
	"encoding/json"
	"fmt"

	"github.com/iblfake/iblfake/fake/api"
)

// Indexes declares every index this package keeps, with the entries each
// entity has in it, made by the same code the write path uses (repo.go,
// assignments.go, images.go). The server checks every state document
// against them (fake/state), so a hand-written one that lists an entity
// without its index entries is refused instead of loading unseen.
// TestDeclaredIndexesMatchTheWritePath proves they agree with the
// handlers.
func (h *Handlers) Indexes() []api.Index {
	return []api.Index{
		{Bucket: bktIssuersByTenant, Of: bktIssuers, Entries: entries(func(is *Issuer) (string, []api.IndexEntry) {
			return is.EntityID, []api.IndexEntry{{Key: key(is.Tenant, api.SeqKey(is.Seq)), Value: []byte(is.EntityID)}}
		})},
		{Bucket: bktSignatoriesByOwner, Of: bktSignatories, Entries: entries(func(s *Signatory) (string, []api.IndexEntry) {
			return s.EntityID, []api.IndexEntry{{Key: key(s.Owner, api.SeqKey(s.Seq)), Value: []byte(s.EntityID)}}
		})},
		{Bucket: bktCredsByIssuer, Of: bktCredentials, Entries: entries(func(cr *Credential) (string, []api.IndexEntry) {
			return cr.EntityID, []api.IndexEntry{{Key: key(cr.IssuerID, api.SeqKey(cr.Seq)), Value: []byte(cr.EntityID)}}
		})},
		{Bucket: bktCredsByTenant, Of: bktCredentials, Entries: entries(func(cr *Credential) (string, []api.IndexEntry) {
			return cr.EntityID, []api.IndexEntry{{Key: key(cr.Tenant, api.SeqKey(cr.Seq)), Value: encodeCredIndex(cr)}}
		})},
		{Bucket: bktAssertionsByUser, Of: bktAssertions, Entries: entries(func(a *Assertion) (string, []api.IndexEntry) {
			return a.EntityID, []api.IndexEntry{{Key: key(a.Tenant, a.Recipient.Username, api.SeqKey(a.Seq)), Value: encodeAssertionIndex(a)}}
		})},
		{Bucket: bktAssertionsByCred, Of: bktAssertions, Entries: entries(func(a *Assertion) (string, []api.IndexEntry) {
			return a.EntityID, []api.IndexEntry{{Key: key(a.CredentialID, api.SeqKey(a.Seq)), Value: encodeAssertionIndex(a)}}
		})},
		{Bucket: bktUserAssignByTenant, Of: bktUserAssignments, Entries: entries(func(ua *UserAssignment) (string, []api.IndexEntry) {
			return ua.EntityID, []api.IndexEntry{{Key: key(ua.Tenant, api.SeqKey(ua.Seq)), Value: []byte(ua.EntityID)}}
		})},
		{Bucket: bktUserAssignByGroup, Of: bktUserAssignments, Entries: entries(func(ua *UserAssignment) (string, []api.IndexEntry) {
			if ua.GroupAssignmentID == nil {
				return ua.EntityID, nil
			}
			return ua.EntityID, []api.IndexEntry{{Key: key(*ua.GroupAssignmentID, api.SeqKey(ua.Seq)), Value: []byte(ua.EntityID)}}
		})},
		{Bucket: bktGroupAssignByTenant, Of: bktGroupAssignments, Entries: entries(func(ga *GroupAssignment) (string, []api.IndexEntry) {
			return ga.EntityID, []api.IndexEntry{{Key: key(ga.Tenant, api.SeqKey(ga.Seq)), Value: []byte(ga.EntityID)}}
		})},
		// A group assignment waits in the pending index until the worker
		// (settle) has run it.
		{Bucket: bktGroupAssignPending, Of: bktGroupAssignments, Entries: entries(func(ga *GroupAssignment) (string, []api.IndexEntry) {
			if ga.Status != statusPending {
				return ga.EntityID, nil
			}
			return ga.EntityID, []api.IndexEntry{{Key: key(ga.Tenant, api.SeqKey(ga.Seq)), Value: []byte(ga.EntityID)}}
		})},
		{Bucket: bktImagesByTenant, Of: bktImages, Entries: entries(func(im *Image) (string, []api.IndexEntry) {
			k := api.SeqKey(im.ID)
			return k, []api.IndexEntry{{Key: key(im.Tenant, k), Value: []byte(k)}}
		})},
		// An image's bytes are kept beside it, under its key.
		{Bucket: bktImageData, Of: bktImages, Entries: entries(func(im *Image) (string, []api.IndexEntry) {
			return api.SeqKey(im.ID), []api.IndexEntry{{Key: api.SeqKey(im.ID)}}
		})},
	}
}

// entries adapts an index function of a decoded entity: it decodes the
// stored value as T, checks that the entity is stored under its own id
// (the key the function returns first) and returns its entries.
func entries[T any](f func(*T) (string, []api.IndexEntry)) func(string, []byte) ([]api.IndexEntry, error) {
	return func(k string, v []byte) ([]api.IndexEntry, error) {
		var e T
		if err := json.Unmarshal(v, &e); err != nil {
			return nil, err
		}
		id, out := f(&e)
		if id != k {
			return nil, fmt.Errorf("it is stored under %q, but its id is %q", k, id)
		}
		return out, nil
	}
}
