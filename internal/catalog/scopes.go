package catalog

import "github.com/iblfake/iblfake/fake/store"

// TenantScopes says, for every bucket this package writes, how its entries
// belong to a platform (store.Scope), for per-tenant export and import.
// TestEveryBucketHasATenantScope fails when a bucket is missing here.
func (h *Handlers) TenantScopes() []store.Scope {
	return []store.Scope{
		{Bucket: bktLicenses, Field: "platform"},
		{Bucket: bktLicensesByTenant, KeyTenant: true},
		{Bucket: bktLicensesByExtID, Ref: bktLicenses},
		{Bucket: bktAssignments, Field: "platform"},
		{Bucket: bktAssignmentsByLic, Ref: bktAssignments},
		{Bucket: bktAssignmentsByMail, Ref: bktAssignments},
		{Bucket: bktGroupAssignments, Field: "platform"},
		{Bucket: bktGroupAssignsByLic, Ref: bktGroupAssignments},
		{Bucket: bktInvitations, Field: "platform"},
		{Bucket: bktInvitationsByTen, KeyTenant: true},
		{Bucket: bktInvitationsByMail, Ref: bktInvitations},
		{Bucket: bktGroups, KeyTenant: true},
		{Bucket: bktUsers, KeyTenant: true},
	}
}
