package catalog

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
)

// Buckets, one set per kind (the real service keeps each kind in its own
// table, so ids are per kind). Primary buckets map api.SeqKey(id) to the
// entity's JSON; the *_by_* buckets are ordered indexes whose keys end in the
// entity's id and whose values are api.SeqKey(id).
const (
	bktLicenses          = "catalog.licenses."               // + kind
	bktLicensesByTenant  = "catalog.licenses_by_tenant."     // + kind: tenant|id
	bktLicensesByExtID   = "catalog.licenses_by_external."   // + kind: external_id -> id
	bktAssignments       = "catalog.assignments."            // + kind
	bktAssignmentsByLic  = "catalog.assignments_by_license." // + kind: license|id
	bktAssignmentsByMail = "catalog.assignments_by_email."   // + kind: email|id
	bktGroupAssignments  = "catalog.group_assignments."      // + kind
	bktGroupAssignsByLic = "catalog.group_assignments_by_license."
	bktInvitations       = "catalog.invitations."           // + kind
	bktInvitationsByTen  = "catalog.invitations_by_tenant." // + kind: tenant|id
	bktInvitationsByMail = "catalog.invitations_by_email."  // + kind: email|id
	bktGroups            = "catalog.groups"                 // tenant|group id
	bktUsers             = "catalog.users"                  // tenant|user id
)

// sep separates the parts of an index key (store.KeySep, which the tenant
// scopes split on too); it sorts before every printable character, so
// "a|..." never interleaves with "ab|...".
const sep = store.KeySep

func key(parts ...string) string { return strings.Join(parts, sep) }

func idKey(id int64) string { return api.SeqKey(uint64(id)) }

func parseID(s string) (int64, bool) {
	n, err := strconv.ParseUint(s, 16, 64)
	return int64(n), err == nil
}

// indexIDs lists the ids an index prefix holds, in ascending order.
func indexIDs(tx store.Tx, bucket, prefix string) []int64 {
	var out []int64
	tx.Scan(bucket, prefix+sep, false, func(_ string, v []byte) bool {
		if id, ok := parseID(string(v)); ok {
			out = append(out, id)
		}
		return true
	})
	return out
}

// allIDs lists every id of a primary bucket, in ascending order.
func allIDs(tx store.Tx, bucket string) []int64 {
	var out []int64
	tx.Scan(bucket, "", false, func(k string, _ []byte) bool {
		if id, ok := parseID(k); ok {
			out = append(out, id)
		}
		return true
	})
	return out
}

// get loads entity id of bucket; nil when there is none.
func get[T any](tx store.Tx, bucket string, id int64) (*T, error) {
	return store.Get[T](tx, bucket, idKey(id))
}

func nextID(tx store.Tx, bucket string) (int64, error) {
	n, err := tx.NextSequence(bucket)
	return int64(n), err
}

func putIndex(tx store.Tx, bucket, prefix string, id int64) error {
	return tx.Put(bucket, key(prefix, idKey(id)), []byte(idKey(id)))
}

func delIndex(tx store.Tx, bucket, prefix string, id int64) error {
	return tx.Delete(bucket, key(prefix, idKey(id)))
}

func lower(s *string) string {
	if s == nil {
		return ""
	}
	return strings.ToLower(*s)
}

// --- licenses

func getLicense(tx store.Tx, kind string, id int64) (*License, error) {
	return get[License](tx, bktLicenses+kind, id)
}

func licenseByExternalID(tx store.Tx, kind, ext string) (*License, error) {
	raw := tx.Get(bktLicensesByExtID+kind, ext)
	if raw == nil {
		return nil, nil
	}
	id, ok := parseID(string(raw))
	if !ok {
		return nil, nil
	}
	return getLicense(tx, kind, id)
}

// putLicense stores l; prevExt is its external_id before this write (nil
// for a new license), so the unique index follows a change.
func putLicense(tx store.Tx, l *License, isNew bool, prevExt *string) error {
	if isNew {
		if err := putIndex(tx, bktLicensesByTenant+l.Kind, l.Platform, l.ID); err != nil {
			return err
		}
	}
	if prevExt != nil && (l.ExternalID == nil || *prevExt != *l.ExternalID) {
		if err := tx.Delete(bktLicensesByExtID+l.Kind, *prevExt); err != nil {
			return err
		}
	}
	if l.ExternalID != nil && *l.ExternalID != "" {
		if err := tx.Put(bktLicensesByExtID+l.Kind, *l.ExternalID, []byte(idKey(l.ID))); err != nil {
			return err
		}
	}
	return store.PutJSON(tx, bktLicenses+l.Kind, idKey(l.ID), l)
}

// --- assignments

func getAssignment(tx store.Tx, kind string, id int64) (*Assignment, error) {
	return get[Assignment](tx, bktAssignments+kind, id)
}

func putAssignment(tx store.Tx, a *Assignment, isNew bool) error {
	if isNew {
		if err := putIndex(tx, bktAssignmentsByLic+a.Kind, idKey(a.LicenseID), a.ID); err != nil {
			return err
		}
		if a.Email != nil {
			if err := putIndex(tx, bktAssignmentsByMail+a.Kind, lower(a.Email), a.ID); err != nil {
				return err
			}
		}
	}
	return store.PutJSON(tx, bktAssignments+a.Kind, idKey(a.ID), a)
}

func deleteAssignment(tx store.Tx, a *Assignment) error {
	if err := delIndex(tx, bktAssignmentsByLic+a.Kind, idKey(a.LicenseID), a.ID); err != nil {
		return err
	}
	if a.Email != nil {
		if err := delIndex(tx, bktAssignmentsByMail+a.Kind, lower(a.Email), a.ID); err != nil {
			return err
		}
	}
	return tx.Delete(bktAssignments+a.Kind, idKey(a.ID))
}

// assignmentsOf loads every assignment of license l, oldest first.
func assignmentsOf(tx store.Tx, l *License) ([]*Assignment, error) {
	var out []*Assignment
	for _, id := range indexIDs(tx, bktAssignmentsByLic+l.Kind, idKey(l.ID)) {
		a, err := getAssignment(tx, l.Kind, id)
		if err != nil {
			return nil, err
		}
		if a != nil {
			out = append(out, a)
		}
	}
	return out, nil
}

// --- group assignments

func getGroupAssignment(tx store.Tx, kind string, id int64) (*GroupAssignment, error) {
	return get[GroupAssignment](tx, bktGroupAssignments+kind, id)
}

func putGroupAssignment(tx store.Tx, g *GroupAssignment, isNew bool) error {
	if isNew {
		if err := putIndex(tx, bktGroupAssignsByLic+g.Kind, idKey(g.LicenseID), g.ID); err != nil {
			return err
		}
	}
	return store.PutJSON(tx, bktGroupAssignments+g.Kind, idKey(g.ID), g)
}

func deleteGroupAssignment(tx store.Tx, g *GroupAssignment) error {
	if err := delIndex(tx, bktGroupAssignsByLic+g.Kind, idKey(g.LicenseID), g.ID); err != nil {
		return err
	}
	return tx.Delete(bktGroupAssignments+g.Kind, idKey(g.ID))
}

func groupAssignmentsOf(tx store.Tx, l *License) ([]*GroupAssignment, error) {
	var out []*GroupAssignment
	for _, id := range indexIDs(tx, bktGroupAssignsByLic+l.Kind, idKey(l.ID)) {
		g, err := getGroupAssignment(tx, l.Kind, id)
		if err != nil {
			return nil, err
		}
		if g != nil {
			out = append(out, g)
		}
	}
	return out, nil
}

// --- invitations

func getInvitation(tx store.Tx, kind string, id int64) (*Invitation, error) {
	return get[Invitation](tx, bktInvitations+kind, id)
}

// putInvitation stores iv; prevEmail is its email before this write.
func putInvitation(tx store.Tx, iv *Invitation, isNew bool, prevEmail *string) error {
	if isNew {
		if err := putIndex(tx, bktInvitationsByTen+iv.Kind, iv.Platform, iv.ID); err != nil {
			return err
		}
	}
	if lower(prevEmail) != lower(iv.Email) {
		if prevEmail != nil {
			if err := delIndex(tx, bktInvitationsByMail+iv.Kind, lower(prevEmail), iv.ID); err != nil {
				return err
			}
		}
		if iv.Email != nil {
			if err := putIndex(tx, bktInvitationsByMail+iv.Kind, lower(iv.Email), iv.ID); err != nil {
				return err
			}
		}
	}
	return store.PutJSON(tx, bktInvitations+iv.Kind, idKey(iv.ID), iv)
}

// invitationsOf loads the invitations of kind on tenant, oldest first.
func invitationsOf(tx store.Tx, kind, tenant string) ([]*Invitation, error) {
	var out []*Invitation
	for _, id := range indexIDs(tx, bktInvitationsByTen+kind, tenant) {
		iv, err := getInvitation(tx, kind, id)
		if err != nil {
			return nil, err
		}
		if iv != nil {
			out = append(out, iv)
		}
	}
	return out, nil
}

// --- users and groups

func getGroup(tx store.Tx, tenant string, id int64) (*Group, error) {
	var g Group
	ok, err := store.GetJSON(tx, bktGroups, key(tenant, idKey(id)), &g)
	if err != nil || !ok {
		return nil, err
	}
	return &g, nil
}

func getUser(tx store.Tx, tenant string, id int64) (*User, error) {
	var u User
	ok, err := store.GetJSON(tx, bktUsers, key(tenant, idKey(id)), &u)
	if err != nil || !ok {
		return nil, err
	}
	return &u, nil
}

// findUser returns tenant's user whose email (case-insensitive) or username
// matches; nil when none does.
func findUser(tx store.Tx, tenant, email, username string) (*User, error) {
	var found *User
	var bad error
	tx.Scan(bktUsers, tenant+sep, false, func(_ string, v []byte) bool {
		var u User
		if err := json.Unmarshal(v, &u); err != nil {
			bad = err
			return false
		}
		if (email != "" && strings.EqualFold(u.Email, email)) || (username != "" && u.Username == username) {
			found = &u
			return false
		}
		return true
	})
	return found, bad
}
