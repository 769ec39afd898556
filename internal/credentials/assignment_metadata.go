package credentials

import "github.com/iblfake/iblfake/internal/drf"

// issuanceAssignment is the issuance_type of an assertion an assignment
// issued. The vendor's LMS types the key as a string without naming its
// values; "assignment" is the fake's (FIDELITY.md, C4).
const issuanceAssignment = "assignment"

// assignmentMetadata is the metadata of an assertion issued through the
// user assignment ua, with the six keys the vendor's LMS reads from it
// (FIDELITY.md, C4): the platform (org_id), when and by whom it was
// assigned (assigned_at; assigned_by the assigner's username and
// assigned_by_id their numeric id, null when the directory does not know
// them, as for the platform key's own user), the assignment and how the
// assertion was issued.
func assignmentMetadata(d *Directory, ua *UserAssignment) map[string]any {
	by, byID := "", any(nil)
	if ua.AssignedBy != nil {
		by = *ua.AssignedBy
		if u := d.caller(by); u != nil {
			by, byID = u.Username, u.UserID
		}
	}
	return map[string]any{
		"org_id":         ua.Tenant,
		"assigned_at":    drf.FormatDateTime(ua.CreatedAt),
		"assigned_by":    by,
		"assigned_by_id": byID,
		"assignment_id":  ua.EntityID,
		"issuance_type":  issuanceAssignment,
	}
}
