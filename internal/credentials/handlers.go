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
		{Method: http.MethodGet, Path: "/credential-groups", Handler: h.GetDirectory, Query: []string{"org"}},
	}
}

// MediaRoutes serves uploaded images at their media URLs.
func (h *Handlers) MediaRoutes() []api.Route {
	return []api.Route{{Method: http.MethodGet, Path: ImagePath, Handler: h.ServeImage}}
}

// Operations are the operations this package serves: each id spelled out
// literally once, with its handler, whether only DM admins may call it,
// and the entity a scenario's when clause sees.
func (h *Handlers) Operations() []api.Operation {
	assertion, issuer, credential := h.assertionEntity, h.issuerEntity, h.credentialEntity
	config, mapping := h.providerConfigEntity, h.externalMappingEntity
	ops := []api.Operation{
		{ID: "credentials_orgs_users_issuers_retrieve", Handle: h.listIssuers},
		{ID: "credentials_orgs_users_issuers_create", Handle: h.createIssuer},
		{ID: "credentials_orgs_users_issuers_retrieve_2", Handle: h.getIssuer, Entity: issuer},
		{ID: "credentials_orgs_users_issuers_update", Handle: h.updateIssuer, Entity: issuer},
		{ID: "credentials_orgs_users_issuers_destroy", Handle: h.deleteIssuer, Entity: issuer},
		{ID: "credentials_orgs_users_issuers_authority_create", Handle: h.createAuthority},
		{ID: "credentials_orgs_users_retrieve", Handle: h.listCredentials},
		{ID: "credentials_orgs_users_create", Handle: h.createCredential},
		{ID: "credentials_orgs_users_retrieve_2", Handle: h.getCredential, Entity: credential},
		{ID: "credentials_orgs_users_update", Handle: h.updateCredential, Entity: credential},
		{ID: "credentials_orgs_users_destroy", Handle: h.deleteCredential, Entity: credential},
		{ID: "credentials_orgs_users_assertions_create", Handle: h.issueAssertion, Entity: credential},
		{ID: "credentials_orgs_users_assertions_bulk_create", Handle: h.bulkIssue, Entity: credential},
		{ID: "credentials_orgs_users_assertions_retrieve", Handle: h.listUserAssertions},
		{ID: "credentials_orgs_users_assertions_retrieve_3", Handle: h.listCredentialAssertions, Entity: credential},
		{ID: "credentials_orgs_users_assertions_retrieve_2", Handle: h.getAssertion, Entity: assertion},
		{ID: "credentials_orgs_users_assertions_update", Handle: h.updateAssertion, Entity: assertion},
		{ID: "credentials_public_assertions_retrieve", Handle: h.publicAssertion, Entity: h.publicAssertionEntity},
		// images.go, assignments.go, course_credentials.go, analytics.go, exim.go
		{ID: "credentials_orgs_users_images_create", Handle: h.uploadImage},
		{ID: "credentials_orgs_users_images_retrieve", Handle: h.searchImages},
		{ID: "credentials_orgs_users_assignments_users_create", Handle: h.createUserAssignments},
		{ID: "credentials_orgs_users_assignments_users_retrieve", Handle: h.listUserAssignments},
		{ID: "credentials_orgs_users_assignments_groups_create", Handle: h.createGroupAssignments},
		{ID: "credentials_orgs_users_assignments_groups_retrieve", Handle: h.listGroupAssignments},
		{ID: "credentials_orgs_users_assignments_destroy", Handle: h.deleteAssignment},
		{ID: "credentials_orgs_users_course_credentials_list", Handle: h.listCourseCredentials},
		{ID: "credentials_orgs_users_assertions_over_time_retrieve", Handle: h.assertionsOverTime},
		{ID: "credentials_orgs_users_course_assertions_over_time_retrieve", Handle: h.courseAssertionsOverTime},
		{ID: "credentials_orgs_users_credentials_over_time_retrieve", Handle: h.credentialsOverTime},
		// A course's credential export and import are the data manager's
		// admins' alone (SKILL-C exim: "DM-admin only").
		{ID: "credentials_exim_credentials_course_export_retrieve", Handle: h.exportCourse, DMAdminOnly: true},
		{ID: "credentials_exim_credentials_course_import_create", Handle: h.importCourse, DMAdminOnly: true},
		// providers.go, provider_configs.go, external_mappings.go: the
		// operations of the newer contract (FIDELITY.md, 40-drift-4205).
		{ID: "credentials_providers_retrieve", Handle: h.listProviders},
		{ID: "credentials_orgs_users_provider_config_retrieve", Handle: h.listProviderConfigs, Entity: config},
		{ID: "credentials_orgs_users_provider_config_create", Handle: h.upsertProviderConfig, Entity: config},
		{ID: "credentials_orgs_users_provider_config_destroy", Handle: h.deactivateProviderConfig, Entity: config},
		{ID: "credentials_orgs_users_external_mapping_retrieve", Handle: h.listExternalMappings, Entity: mapping},
		{ID: "credentials_orgs_users_external_mapping_create", Handle: h.upsertExternalMapping, Entity: mapping},
		{ID: "credentials_orgs_users_external_mapping_destroy", Handle: h.deleteExternalMapping, Entity: mapping},
	}
	for i := range ops {
		ops[i].Handle = h.settling(ops[i].Handle)
	}
	return ops
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
