package store

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strings"
)

// Scope says how the entries of a bucket belong to a tenant, so that one
// tenant's state can be exported and replaced on its own (GET and PUT
// /_fake/state?tenant=). Each domain package lists the scopes of its
// buckets beside the bucket names. Exactly one of Field, KeyTenant, Ref
// and KeyRef is set.
type Scope struct {
	// Bucket is a bucket name, or a prefix ending in "." that covers the
	// per-kind buckets named prefix+kind.
	Bucket string
	// Field: the value is a JSON object whose Field holds the tenant.
	Field string
	// KeyTenant: the key's first KeySep-separated segment is the tenant.
	KeyTenant bool
	// Ref: the value's first KeySep-separated segment is a key of bucket
	// Ref (for a prefix Bucket, Ref is a prefix too and takes the same
	// kind), and the entry belongs to that entry's tenant.
	Ref string
	// KeyRef: the key is a key of bucket KeyRef, as Ref.
	KeyRef string
}

// KeySep separates the segments of composite keys and index values.
const KeySep = "\x00"

// KeyTenants returns, sorted, the distinct first KeySep-separated
// segments of the keys of buckets: the tenants of buckets whose scope is
// KeyTenant.
func KeyTenants(tx Tx, buckets ...string) []string {
	seen := map[string]bool{}
	for _, b := range buckets {
		tx.Scan(b, "", false, func(k string, _ []byte) bool {
			t, _, _ := strings.Cut(k, KeySep)
			seen[t] = true
			return true
		})
	}
	return slices.Sorted(maps.Keys(seen))
}

// Resolve returns the scope of bucket among scopes, with a prefix
// scope's Ref and KeyRef made concrete for bucket's kind.
func Resolve(scopes []Scope, bucket string) (Scope, bool) {
	for _, sc := range scopes {
		if sc.Bucket == bucket {
			return sc, true
		}
		if kind, ok := strings.CutPrefix(bucket, sc.Bucket); ok && strings.HasSuffix(sc.Bucket, ".") && kind != "" {
			if sc.Ref != "" {
				sc.Ref += kind
			}
			if sc.KeyRef != "" {
				sc.KeyRef += kind
			}
			sc.Bucket = bucket
			return sc, true
		}
	}
	return Scope{}, false
}

// Direct reports whether sc decides an entry's tenant from the entry
// alone (Field or KeyTenant), and if so, whether key/value belong to
// tenant.
func (sc Scope) Direct(tenant, key string, value []byte) (direct, in bool) {
	switch {
	case sc.KeyTenant:
		first, _, _ := strings.Cut(key, KeySep)
		return true, first == tenant
	case sc.Field != "":
		var obj map[string]json.RawMessage
		if json.Unmarshal(value, &obj) != nil {
			return true, false
		}
		var got string
		return true, json.Unmarshal(obj[sc.Field], &got) == nil && got == tenant
	}
	return false, false
}

// Target returns the bucket and key an entry of a Ref or KeyRef scope
// refers to.
func (sc Scope) Target(key string, value []byte) (bucket, ref string) {
	if sc.KeyRef != "" {
		return sc.KeyRef, key
	}
	first, _, _ := bytes.Cut(value, []byte(KeySep))
	return sc.Ref, string(first)
}
