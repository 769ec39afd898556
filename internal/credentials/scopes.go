package credentials

import "github.com/iblfake/iblfake/fake/store"

// TenantScopes says, for every bucket this package writes, how its entries
// belong to a tenant (store.Scope), for per-tenant export and import.
// TestEveryBucketHasATenantScope fails when a bucket is missing here.
func (h *Handlers) TenantScopes() []store.Scope {
	return []store.Scope{
		{Bucket: bktIssuers, Field: "tenant"},
		{Bucket: bktIssuersByTenant, KeyTenant: true},
		{Bucket: bktSignatories, Field: "tenant"},
		{Bucket: bktSignatoriesByOwner, Ref: bktSignatories},
		{Bucket: bktCredentials, Field: "tenant"},
		{Bucket: bktCredsByTenant, KeyTenant: true},
		{Bucket: bktCredsByIssuer, Ref: bktCredentials},
		{Bucket: bktAssertions, Field: "tenant"},
		{Bucket: bktAssertionsByUser, KeyTenant: true},
		{Bucket: bktAssertionsByCred, Ref: bktAssertions},
		{Bucket: bktDirectory, KeyTenant: true},
		{Bucket: bktUserAssignments, Field: "tenant"},
		{Bucket: bktUserAssignByTenant, KeyTenant: true},
		{Bucket: bktUserAssignByGroup, Ref: bktUserAssignments},
		{Bucket: bktGroupAssignments, Field: "tenant"},
		{Bucket: bktGroupAssignByTenant, KeyTenant: true},
		{Bucket: bktGroupAssignPending, KeyTenant: true},
		{Bucket: bktImages, Field: "tenant"},
		{Bucket: bktImageData, KeyRef: bktImages},
		{Bucket: bktImagesByTenant, KeyTenant: true},
		{Bucket: bktProviderConfigs, KeyTenant: true},
		{Bucket: bktExternalMappings, KeyTenant: true},
	}
}
