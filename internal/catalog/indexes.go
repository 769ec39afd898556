package catalog

import (
	"encoding/json"
	"fmt"

	"github.com/iblfake/iblfake/fake/api"
)

// Indexes declares every index this package keeps (per kind: each bucket
// name is a prefix the kind completes), with the entries each entity has
// in it, made as repo.go's write path makes them. The server checks every
// state document against them (fake/state); the catalog's HTTP tests
// prove they agree with the handlers (TestDeclaredIndexesMatchTheWritePath
// in fake/).
func (h *Handlers) Indexes() []api.Index {
	return []api.Index{
		{Bucket: bktLicensesByTenant, Of: bktLicenses, Entries: entries(func(l *License) (int64, []api.IndexEntry) {
			return l.ID, []api.IndexEntry{{Key: key(l.Platform, idKey(l.ID)), Value: []byte(idKey(l.ID))}}
		})},
		// External ids are unique per kind, across platforms.
		{Bucket: bktLicensesByExtID, Of: bktLicenses, Entries: entries(func(l *License) (int64, []api.IndexEntry) {
			if l.ExternalID == nil || *l.ExternalID == "" {
				return l.ID, nil
			}
			return l.ID, []api.IndexEntry{{Key: *l.ExternalID, Value: []byte(idKey(l.ID))}}
		})},
		{Bucket: bktAssignmentsByLic, Of: bktAssignments, Entries: entries(func(a *Assignment) (int64, []api.IndexEntry) {
			return a.ID, []api.IndexEntry{{Key: key(idKey(a.LicenseID), idKey(a.ID)), Value: []byte(idKey(a.ID))}}
		})},
		{Bucket: bktAssignmentsByMail, Of: bktAssignments, Entries: entries(func(a *Assignment) (int64, []api.IndexEntry) {
			if a.Email == nil {
				return a.ID, nil
			}
			return a.ID, []api.IndexEntry{{Key: key(lower(a.Email), idKey(a.ID)), Value: []byte(idKey(a.ID))}}
		})},
		{Bucket: bktGroupAssignsByLic, Of: bktGroupAssignments, Entries: entries(func(g *GroupAssignment) (int64, []api.IndexEntry) {
			return g.ID, []api.IndexEntry{{Key: key(idKey(g.LicenseID), idKey(g.ID)), Value: []byte(idKey(g.ID))}}
		})},
		{Bucket: bktInvitationsByTen, Of: bktInvitations, Entries: entries(func(iv *Invitation) (int64, []api.IndexEntry) {
			return iv.ID, []api.IndexEntry{{Key: key(iv.Platform, idKey(iv.ID)), Value: []byte(idKey(iv.ID))}}
		})},
		// putInvitation indexes an email only when its lower case differs
		// from the one before, "" for none: an empty email is never indexed.
		{Bucket: bktInvitationsByMail, Of: bktInvitations, Entries: entries(func(iv *Invitation) (int64, []api.IndexEntry) {
			if lower(iv.Email) == "" {
				return iv.ID, nil
			}
			return iv.ID, []api.IndexEntry{{Key: key(lower(iv.Email), idKey(iv.ID)), Value: []byte(idKey(iv.ID))}}
		})},
	}
}

// entries adapts an index function of a decoded entity: it decodes the
// stored value as T, checks that the entity is stored under its own id
// and returns its entries.
func entries[T any](f func(*T) (int64, []api.IndexEntry)) func(string, []byte) ([]api.IndexEntry, error) {
	return func(k string, v []byte) ([]api.IndexEntry, error) {
		var e T
		if err := json.Unmarshal(v, &e); err != nil {
			return nil, err
		}
		id, out := f(&e)
		if idKey(id) != k {
			return nil, fmt.Errorf("it is stored under %q, but its id %d is stored as %q", k, id, idKey(id))
		}
		return out, nil
	}
}
