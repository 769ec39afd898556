package state

import (
	"fmt"
	"maps"
	"slices"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
)

// TenantKeys returns the keys of tenant's entries in tx, by bucket, as
// scopes decide. Entries that name their tenant (a field, a key prefix)
// are decided first; index entries then follow the entity they refer to.
func TenantKeys(tx store.Tx, scopes []store.Scope, tenant string) map[string]map[string]bool {
	in := map[string]map[string]bool{}
	mark := func(b, k string) {
		if in[b] == nil {
			in[b] = map[string]bool{}
		}
		in[b][k] = true
	}
	var refs []store.Scope
	for _, b := range tx.Buckets() {
		sc, ok := store.Resolve(scopes, b)
		if !ok {
			continue
		}
		if sc.Ref != "" || sc.KeyRef != "" {
			refs = append(refs, sc)
			continue
		}
		tx.Scan(b, "", false, func(k string, v []byte) bool {
			if _, yes := sc.Direct(tenant, k, v); yes {
				mark(b, k)
			}
			return true
		})
	}
	for _, sc := range refs {
		tx.Scan(sc.Bucket, "", false, func(k string, v []byte) bool {
			if tb, tk := sc.Target(k, v); in[tb][tk] {
				mark(sc.Bucket, k)
			}
			return true
		})
	}
	return in
}

// checkTenant refuses (400) a tenant document holding an entry that is not
// the tenant's: importing it would write into another tenant or leave an
// index pointing nowhere.
func checkTenant(scopes []store.Scope, tenant string, entries map[string]map[string][]byte) error {
	for _, b := range slices.Sorted(maps.Keys(entries)) {
		sc, ok := store.Resolve(scopes, b)
		if !ok {
			return api.Field("buckets", fmt.Sprintf("Bucket %q belongs to no tenant; a tenant's document cannot hold it.", b))
		}
		for _, k := range slices.Sorted(maps.Keys(entries[b])) { // the first refusal is the same every time
			v := entries[b][k]
			if direct, yes := sc.Direct(tenant, k, v); direct {
				if !yes {
					return api.Field("buckets", fmt.Sprintf("%s/%q is not tenant %q's.", b, k, tenant))
				}
				continue
			}
			tb, tk := sc.Target(k, v)
			if _, ok := entries[tb][tk]; !ok {
				return api.Field("buckets", fmt.Sprintf("%s/%q refers to %s/%q, which the document does not hold.", b, k, tb, tk))
			}
		}
	}
	return nil
}
