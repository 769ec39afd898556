package credentials

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/drf"
	"github.com/labstack/echo/v4"
)

// bktProviderConfigs holds each platform's configuration of each provider,
// one per platform and provider (the create-or-update key).
const bktProviderConfigs = "cred.provider_configs" // tenant|provider_name -> ProviderConfig

// ProviderConfig is a platform's configuration of a credential provider.
// Deactivating it keeps the record with Enabled false (SKILL-C).
type ProviderConfig struct {
	ID           uint64    `json:"id"`
	Tenant       string    `json:"tenant"`
	ProviderName string    `json:"provider_name"`
	Config       any       `json:"config"`
	Enabled      bool      `json:"enabled"`
	Created      time.Time `json:"created"`
	Updated      time.Time `json:"updated"`
}

// ProviderConfigView is the CredentialProviderConfig the API answers.
type ProviderConfigView struct {
	ID                  uint64 `json:"id"`
	PlatformKey         string `json:"platform_key"`
	PlatformName        string `json:"platform_name"`
	ProviderName        string `json:"provider_name"`
	ProviderNameDisplay string `json:"provider_name_display"`
	Config              any    `json:"config"`
	Enabled             bool   `json:"enabled"`
	Created             string `json:"created"`
	Updated             string `json:"updated"`
}

// displayName is the provider's display name, else the name itself (the
// model's "display name from provider if available, otherwise
// provider_name").
func displayName(name string) string {
	if p := provider(name); p != nil {
		return p.DisplayName
	}
	return name
}

// providerConfigView renders pc. The fake has no platform names, so a
// platform's name is its key (FIDELITY.md, provider configuration).
func providerConfigView(pc *ProviderConfig) ProviderConfigView {
	return ProviderConfigView{
		ID: pc.ID, PlatformKey: pc.Tenant, PlatformName: pc.Tenant, ProviderName: pc.ProviderName,
		ProviderNameDisplay: displayName(pc.ProviderName), Config: pc.Config, Enabled: pc.Enabled,
		Created: drf.FormatDateTime(pc.Created), Updated: drf.FormatDateTime(pc.Updated),
	}
}

// requirePlatformAdmin refuses, with SKILL-C's 403, a caller (the URL's
// {user_id}, a numeric id or a username) the tenant's directory lists
// without platform_admin; a caller it does not know is the platform key's
// own user, an admin (FIDELITY.md, credential directory).
func requirePlatformAdmin(c echo.Context, tx store.Tx) error {
	d, err := getDirectory(tx, api.Tenant(c))
	if err != nil {
		return err
	}
	if !d.isAdmin(c.Param("user_id")) {
		return api.Detail(http.StatusForbidden, msgPlatformAdmin)
	}
	return nil
}

func getProviderConfig(tx store.Tx, tenant, name string) (*ProviderConfig, error) {
	return store.Get[ProviderConfig](tx, bktProviderConfigs, key(tenant, name))
}

// providerConfigsOf lists the tenant's configurations, newest first
// (SKILL-C: lists are newest-first).
func providerConfigsOf(tx store.Tx, tenant string) ([]*ProviderConfig, error) {
	var out []*ProviderConfig
	var err error
	tx.Scan(bktProviderConfigs, tenant+sep, false, func(_ string, v []byte) bool {
		var pc ProviderConfig
		if err = json.Unmarshal(v, &pc); err != nil {
			return false
		}
		out = append(out, &pc)
		return true
	})
	slices.SortFunc(out, func(a, b *ProviderConfig) int { return cmp.Compare(b.ID, a.ID) })
	return out, err
}

// listProviderConfigs answers the platform's configurations as a wrapped
// page, filtered by provider_name (default 50, at most 1000).
func (h *Handlers) listProviderConfigs(c echo.Context) error {
	tenant, name := api.Tenant(c), c.QueryParam("provider_name")
	body, err := api.Read(h.d.Store, func(tx store.Tx) (body api.PageNumberBody, err error) {
		if err := requirePlatformAdmin(c, tx); err != nil {
			return body, err
		}
		all, err := providerConfigsOf(tx, tenant)
		if err != nil {
			return body, err
		}
		views := []ProviderConfigView{}
		for _, pc := range all {
			if name == "" || pc.ProviderName == name {
				views = append(views, providerConfigView(pc))
			}
		}
		return providerPage(c, views)
	})
	if err != nil {
		return err
	}
	return api.Wrapped(c, "Ok", body)
}

// providerConfigWrite is the create-or-update body.
type providerConfigWrite struct {
	ProviderName string        `json:"provider_name"`
	Config       api.Opt[any]  `json:"config"`
	Enabled      api.Opt[bool] `json:"enabled"`
}

// lowercaseKeys lowercases an object's keys, as the real service
// normalises config keys ("values are preserved verbatim", SKILL-C). Keys
// that meet once lowercased keep the value of the one that sorts last.
func lowercaseKeys(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := make(map[string]any, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out[strings.ToLower(k)] = m[k]
	}
	return out
}

// checkConfig refuses a configuration that lacks a key its provider needs
// (for Accredible, accredible_api_key: SKILL-C).
func checkConfig(p *Provider, config any) error {
	m, _ := config.(map[string]any)
	for _, k := range p.ConfigKeys {
		if v, ok := m[k]; !ok || v == nil || v == "" {
			return api.Field("config", fmt.Sprintf("%s is required for the %s provider.", k, p.Name))
		}
	}
	return nil
}

// upsertProviderConfig creates the platform's configuration of the body's
// provider (201 "Created") or updates the one it has (200 "Updated"): a
// config given replaces the stored one, keys lowercased; enabled defaults
// to true.
func (h *Handlers) upsertProviderConfig(c echo.Context) error {
	var w providerConfigWrite
	if err := api.Bind(c, &w); err != nil {
		return err
	}
	p := provider(w.ProviderName)
	if p == nil {
		// DRF's SlugRelatedField wording, as for a credential's issuer.
		return api.Field("provider_name", "Object with name="+w.ProviderName+" does not exist.")
	}
	tenant, now := api.Tenant(c), h.d.Clock.Now()
	created := false
	view, err := api.Write(h.d.Store, func(tx store.Tx) (view ProviderConfigView, err error) {
		if err := requirePlatformAdmin(c, tx); err != nil {
			return view, err
		}
		pc, err := getProviderConfig(tx, tenant, p.Name)
		if err != nil {
			return view, err
		}
		if pc == nil {
			created = true
			id, err := tx.NextSequence(bktProviderConfigs)
			if err != nil {
				return view, err
			}
			pc = &ProviderConfig{ID: id, Tenant: tenant, ProviderName: p.Name, Enabled: true, Created: now}
		}
		if w.Config.Set {
			pc.Config = lowercaseKeys(w.Config.V)
		}
		if w.Enabled.Set {
			pc.Enabled = w.Enabled.V
		}
		if err := checkConfig(p, pc.Config); err != nil {
			return view, err
		}
		pc.Updated = now
		if err := store.PutJSON(tx, bktProviderConfigs, key(tenant, p.Name), pc); err != nil {
			return view, err
		}
		return providerConfigView(pc), nil
	})
	if err != nil {
		return err
	}
	if created {
		return api.WrappedStatus(c, http.StatusCreated, "Created", view)
	}
	return api.WrappedStatus(c, http.StatusOK, "Updated", view)
}

// deactivateProviderConfig sets the body's provider configuration's
// enabled to false and answers it (200 "Deactivated"); the record stays,
// and so do the mappings to it (SKILL-C). A provider the platform has not
// configured is a 404.
func (h *Handlers) deactivateProviderConfig(c echo.Context) error {
	var body struct {
		ProviderName string `json:"provider_name"`
	}
	if err := api.Bind(c, &body); err != nil {
		return err
	}
	tenant, now := api.Tenant(c), h.d.Clock.Now()
	view, err := api.Write(h.d.Store, func(tx store.Tx) (view ProviderConfigView, err error) {
		if err := requirePlatformAdmin(c, tx); err != nil {
			return view, err
		}
		pc, err := getProviderConfig(tx, tenant, body.ProviderName)
		if err != nil {
			return view, err
		}
		if pc == nil {
			return view, api.NotFound()
		}
		pc.Enabled, pc.Updated = false, now
		if err := store.PutJSON(tx, bktProviderConfigs, key(tenant, pc.ProviderName), pc); err != nil {
			return view, err
		}
		return providerConfigView(pc), nil
	})
	if err != nil {
		return err
	}
	return api.Wrapped(c, "Deactivated", view)
}
