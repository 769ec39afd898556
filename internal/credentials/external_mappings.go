package credentials

import (
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"time"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/drf"
	"github.com/labstack/echo/v4"
)

// bktExternalMappings holds each platform's mappings of its credentials to
// providers' templates, one per credential and provider (the
// create-or-update key: SKILL-C "unique per credential + platform +
// provider").
const bktExternalMappings = "cred.external_mappings" // tenant|credential|provider_name -> ExternalMapping

// ExternalMapping maps one of the tenant's credentials to a provider's
// template: when the credential is issued, the provider issues it too.
type ExternalMapping struct {
	ID                 uint64         `json:"id"`
	Tenant             string         `json:"tenant"`
	CredentialID       string         `json:"credential_id"`
	ProviderName       string         `json:"provider_name"`
	ExternalTemplateID *string        `json:"external_template_id"`
	GroupID            *string        `json:"group_id"`
	Metadata           map[string]any `json:"metadata"`
	Created            time.Time      `json:"created"`
	Updated            time.Time      `json:"updated"`
}

// ExternalMappingView is the ExternalCredentialMapping the API answers.
type ExternalMappingView struct {
	ID                  uint64         `json:"id"`
	CredentialID        string         `json:"credential_id"`
	CredentialName      string         `json:"credential_name"`
	PlatformKey         string         `json:"platform_key"`
	PlatformName        string         `json:"platform_name"`
	Provider            *int64         `json:"provider"`
	ProviderName        string         `json:"provider_name"`
	ProviderNameDisplay string         `json:"provider_name_display"`
	ExternalTemplateID  *string        `json:"external_template_id"`
	GroupID             *string        `json:"group_id"`
	Metadata            map[string]any `json:"metadata"`
	Created             string         `json:"created"`
	Updated             string         `json:"updated"`
}

// externalMappingView renders m with its credential's name; provider is
// the catalogue provider's id (null for a name the catalogue lacks) and the
// platform's name its key (FIDELITY.md, external credential mapping).
func externalMappingView(tx store.Tx, m *ExternalMapping) ExternalMappingView {
	v := ExternalMappingView{
		ID: m.ID, CredentialID: m.CredentialID, CredentialName: credentialName(tx, m.CredentialID),
		PlatformKey: m.Tenant, PlatformName: m.Tenant, ProviderName: m.ProviderName,
		ProviderNameDisplay: displayName(m.ProviderName), ExternalTemplateID: m.ExternalTemplateID,
		GroupID: m.GroupID, Metadata: m.Metadata,
		Created: drf.FormatDateTime(m.Created), Updated: drf.FormatDateTime(m.Updated),
	}
	if p := provider(m.ProviderName); p != nil {
		v.Provider = &p.ID
	}
	return v
}

func mappingKey(tenant, credential, provider string) string { return key(tenant, credential, provider) }

func getExternalMapping(tx store.Tx, tenant, credential, provider string) (*ExternalMapping, error) {
	return store.Get[ExternalMapping](tx, bktExternalMappings, mappingKey(tenant, credential, provider))
}

// externalMappingsOf lists the mappings under an index prefix (a tenant,
// or a tenant and credential), newest first.
func externalMappingsOf(tx store.Tx, prefix string) ([]*ExternalMapping, error) {
	var out []*ExternalMapping
	var err error
	tx.Scan(bktExternalMappings, prefix+sep, false, func(_ string, v []byte) bool {
		var m ExternalMapping
		if err = json.Unmarshal(v, &m); err != nil {
			return false
		}
		out = append(out, &m)
		return true
	})
	slices.SortFunc(out, func(a, b *ExternalMapping) int { return cmp.Compare(b.ID, a.ID) })
	return out, err
}

// deleteMappingsOf removes a credential's mappings, as the database's
// cascade would when the credential goes.
func deleteMappingsOf(tx store.Tx, cr *Credential) error {
	var keys []string
	tx.Scan(bktExternalMappings, key(cr.Tenant, cr.EntityID)+sep, false, func(k string, _ []byte) bool {
		keys = append(keys, k)
		return true
	})
	for _, k := range keys {
		if err := tx.Delete(bktExternalMappings, k); err != nil {
			return err
		}
	}
	return nil
}

// listExternalMappings answers the platform's mappings as a wrapped page,
// filtered by credential_id and provider_name (default 50, at most 1000).
func (h *Handlers) listExternalMappings(c echo.Context) error {
	tenant := api.Tenant(c)
	credential, name := c.QueryParam("credential_id"), c.QueryParam("provider_name")
	body, err := api.Read(h.d.Store, func(tx store.Tx) (body api.PageNumberBody, err error) {
		if err := requirePlatformAdmin(c, tx); err != nil {
			return body, err
		}
		prefix := tenant
		if credential != "" {
			prefix = key(tenant, credential)
		}
		all, err := externalMappingsOf(tx, prefix)
		if err != nil {
			return body, err
		}
		views := []ExternalMappingView{}
		for _, m := range all {
			if name == "" || m.ProviderName == name {
				views = append(views, externalMappingView(tx, m))
			}
		}
		return providerPage(c, views)
	})
	if err != nil {
		return err
	}
	return api.Wrapped(c, "Ok", body)
}

// externalMappingWrite is the create-or-update body.
type externalMappingWrite struct {
	CredentialID       string                  `json:"credential_id"`
	ProviderName       string                  `json:"provider_name"`
	ExternalTemplateID api.Opt[string]         `json:"external_template_id"`
	GroupID            api.Opt[string]         `json:"group_id"`
	Metadata           api.Opt[map[string]any] `json:"metadata"`
}

// upsertExternalMapping maps the body's credential to the body's provider
// (201 "Created") or updates the mapping the pair has (200 "Updated"):
// fields given replace the stored ones, null clears. The credential must be
// the platform's (400 on credential_id) and the provider one the platform
// has configured (400 on provider_name: the vendor UI refuses a mapping
// before the provider is configured).
func (h *Handlers) upsertExternalMapping(c echo.Context) error {
	var w externalMappingWrite
	if err := api.Bind(c, &w); err != nil {
		return err
	}
	tenant, now := api.Tenant(c), h.d.Clock.Now()
	created := false
	view, err := api.Write(h.d.Store, func(tx store.Tx) (view ExternalMappingView, err error) {
		if err := requirePlatformAdmin(c, tx); err != nil {
			return view, err
		}
		if _, err := credentialField(tx, tenant, w.CredentialID); err != nil {
			return view, err
		}
		if pc, err := getProviderConfig(tx, tenant, w.ProviderName); err != nil {
			return view, err
		} else if pc == nil {
			return view, api.Field("provider_name",
				"Provider "+w.ProviderName+" is not configured for this platform. Configure the provider first.")
		}
		m, err := getExternalMapping(tx, tenant, w.CredentialID, w.ProviderName)
		if err != nil {
			return view, err
		}
		if m == nil {
			created = true
			id, err := tx.NextSequence(bktExternalMappings)
			if err != nil {
				return view, err
			}
			m = &ExternalMapping{ID: id, Tenant: tenant, CredentialID: w.CredentialID,
				ProviderName: w.ProviderName, Created: now}
		}
		if w.ExternalTemplateID.Set {
			m.ExternalTemplateID = w.ExternalTemplateID.Ptr()
		}
		if w.GroupID.Set {
			m.GroupID = w.GroupID.Ptr()
		}
		if w.Metadata.Set {
			m.Metadata = w.Metadata.V
		}
		m.Updated = now
		if err := store.PutJSON(tx, bktExternalMappings, mappingKey(tenant, m.CredentialID, m.ProviderName), m); err != nil {
			return view, err
		}
		return externalMappingView(tx, m), nil
	})
	if err != nil {
		return err
	}
	if created {
		return api.WrappedStatus(c, http.StatusCreated, "Created", view)
	}
	return api.WrappedStatus(c, http.StatusOK, "Updated", view)
}

// deleteExternalMapping removes the mapping of the body's credential and
// provider and answers 200 {"status": {..."Deleted"}} (the description: "A
// JSON response confirming deletion"); none: 404.
func (h *Handlers) deleteExternalMapping(c echo.Context) error {
	var body struct {
		CredentialID string `json:"credential_id"`
		ProviderName string `json:"provider_name"`
	}
	if err := api.Bind(c, &body); err != nil {
		return err
	}
	tenant := api.Tenant(c)
	err := h.d.Store.Update(func(tx store.Tx) error {
		if err := requirePlatformAdmin(c, tx); err != nil {
			return err
		}
		m, err := getExternalMapping(tx, tenant, body.CredentialID, body.ProviderName)
		if err != nil {
			return err
		}
		if m == nil {
			return api.NotFound()
		}
		return tx.Delete(bktExternalMappings, mappingKey(tenant, m.CredentialID, m.ProviderName))
	})
	if err != nil {
		return err
	}
	return api.StatusOnly(c, "Deleted")
}
