package fake

import (
	"slices"
	"testing"
)

// TestDMAdminOnlyOperations: the operations the real service allows DM
// admins alone (license create and update of every kind, a course's
// credential export and import) are the ones the modules flag beside their
// handlers, so a flag dropped in review fails here.
func TestDMAdminOnlyOperations(t *testing.T) {
	t.Parallel()
	s, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var got []string
	for _, m := range s.modules {
		for _, op := range m.Operations() {
			if op.DMAdminOnly {
				got = append(got, op.ID)
			}
		}
	}
	slices.Sort(got)
	want := []string{
		"catalog_licenses_course_create_create", "catalog_licenses_course_update_create",
		"catalog_licenses_platform_create_create", "catalog_licenses_platform_update_create",
		"catalog_licenses_program_create_create", "catalog_licenses_program_update_create",
		"catalog_licenses_user_create_create", "catalog_licenses_user_update_create",
		"credentials_exim_credentials_course_export_retrieve", "credentials_exim_credentials_course_import_create",
	}
	if !slices.Equal(got, want) {
		t.Errorf("DM-admin-only operations:\n got %q\nwant %q", got, want)
	}
}
