package credentials

import (
	"net/http"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/labstack/echo/v4"
)

// Handlers serves the credentials operations over a store.
type Handlers struct {
	d *api.Deps
}

// New returns the handlers of the credentials API.
func New(d *api.Deps) *Handlers { return &Handlers{d: d} }

var _ api.Module = (*Handlers)(nil)

// AdminRoutes serves the tenant directory (users with numeric ids, roles
// and groups) that assignments resolve against: PUT
// /_fake/credential-groups replaces an org's, GET ?org= reads it.
func (h *Handlers) AdminRoutes() []api.Route {
	return []api.Route{
		{Method: http.MethodPut, Path: "/credential-groups", Handler: h.PutDirectory},
		{Method: http.MethodGet, Path: "/credential-groups", Handler: h.GetDirectory},
	}
}

// MediaRoutes serves uploaded images at their media URLs.
func (h *Handlers) MediaRoutes() []api.Route {
	return []api.Route{{Method: http.MethodGet, Path: ImagePath, Handler: h.ServeImage}}
}

// Operations maps each operationId this package serves to its handler.
func (h *Handlers) Operations() map[string]echo.HandlerFunc {
	m := map[string]echo.HandlerFunc{
		"credentials_orgs_users_issuers_retrieve":         h.listIssuers,
		"credentials_orgs_users_issuers_create":           h.createIssuer,
		"credentials_orgs_users_issuers_retrieve_2":       h.getIssuer,
		"credentials_orgs_users_issuers_update":           h.updateIssuer,
		"credentials_orgs_users_issuers_destroy":          h.deleteIssuer,
		"credentials_orgs_users_issuers_authority_create": h.createAuthority,
		"credentials_orgs_users_retrieve":                 h.listCredentials,
		"credentials_orgs_users_create":                   h.createCredential,
		"credentials_orgs_users_retrieve_2":               h.getCredential,
		"credentials_orgs_users_update":                   h.updateCredential,
		"credentials_orgs_users_destroy":                  h.deleteCredential,
		"credentials_orgs_users_assertions_create":        h.issueAssertion,
		"credentials_orgs_users_assertions_bulk_create":   h.bulkIssue,
		"credentials_orgs_users_assertions_retrieve":      h.listUserAssertions,
		"credentials_orgs_users_assertions_retrieve_3":    h.listCredentialAssertions,
		"credentials_orgs_users_assertions_retrieve_2":    h.getAssertion,
		"credentials_orgs_users_assertions_update":        h.updateAssertion,
		"credentials_public_assertions_retrieve":          h.publicAssertion,
		// images.go, assignments.go, course_credentials.go, analytics.go, exim.go
		"credentials_orgs_users_images_create":                        h.uploadImage,
		"credentials_orgs_users_images_retrieve":                      h.searchImages,
		"credentials_orgs_users_assignments_users_create":             h.createUserAssignments,
		"credentials_orgs_users_assignments_users_retrieve":           h.listUserAssignments,
		"credentials_orgs_users_assignments_groups_create":            h.createGroupAssignments,
		"credentials_orgs_users_assignments_groups_retrieve":          h.listGroupAssignments,
		"credentials_orgs_users_assignments_destroy":                  h.deleteAssignment,
		"credentials_orgs_users_course_credentials_list":              h.listCourseCredentials,
		"credentials_orgs_users_assertions_over_time_retrieve":        h.assertionsOverTime,
		"credentials_orgs_users_course_assertions_over_time_retrieve": h.courseAssertionsOverTime,
		"credentials_orgs_users_credentials_over_time_retrieve":       h.credentialsOverTime,
		"credentials_exim_credentials_course_export_retrieve":         h.exportCourse,
		"credentials_exim_credentials_course_import_create":           h.importCourse,
		// providers.go, provider_configs.go, external_mappings.go: the
		// operations of the newer contract (FIDELITY.md, 40-drift-4205).
		"credentials_providers_retrieve":                   h.listProviders,
		"credentials_orgs_users_provider_config_retrieve":  h.listProviderConfigs,
		"credentials_orgs_users_provider_config_create":    h.upsertProviderConfig,
		"credentials_orgs_users_provider_config_destroy":   h.deactivateProviderConfig,
		"credentials_orgs_users_external_mapping_retrieve": h.listExternalMappings,
		"credentials_orgs_users_external_mapping_create":   h.upsertExternalMapping,
		"credentials_orgs_users_external_mapping_destroy":  h.deleteExternalMapping,
	}
	for id, f := range m {
		m[id] = h.settling(f)
	}
	return m
}

// settling runs f after processing the tenant's group assignments that are
// due, so every operation sees the state the worker would have left.
func (h *Handlers) settling(f echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if t := api.Tenant(c); t != "" {
			if err := h.settle(t); err != nil {
				return err
			}
		}
		return f(c)
	}
}
