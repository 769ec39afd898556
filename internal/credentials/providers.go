package credentials

import (
	"slices"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/labstack/echo/v4"
)

// Provider is an external credential provider: a service that issues the
// platform's credentials in its own name once a platform has configured it
// (provider-config) and mapped credentials to its templates
// (external-mapping). The real service keeps them as rows its operators
// add; the fake ships the one every source names, Accredible.
type Provider struct {
	// ID is what a mapping's read-only "provider" holds.
	ID          int64          `json:"-"`
	Name        string         `json:"name"`
	DisplayName string         `json:"display_name"`
	Description string         `json:"description"`
	Enabled     bool           `json:"enabled"`
	Metadata    map[string]any `json:"metadata"`
	// ConfigKeys are the config keys a platform's configuration of the
	// provider must carry (after they are lowercased).
	ConfigKeys []string `json:"-"`
}

// Providers is the fake's provider catalogue. SKILL-C names Accredible and
// its config keys, of which accredible_api_key is required ("validation
// rejects it otherwise"); the description and metadata are the fake's.
var Providers = []Provider{{
	ID: 1, Name: "accredible", DisplayName: "Accredible",
	Description: "Issue credentials as Accredible credentials, from templates of an Accredible group.",
	Enabled:     true, Metadata: map[string]any{}, ConfigKeys: []string{"accredible_api_key"},
}}

// providerPageSize and providerMaxPageSize page the provider, provider
// config and mapping lists (SKILL-C: "default 50, max 1000").
const (
	providerPageSize    = 50
	providerMaxPageSize = 1000
)

// msgPlatformAdmin is the 403 of the provider config and mapping
// operations for a caller who is no platform admin (SKILL-C's wording).
const msgPlatformAdmin = "Requires platform admin access"

// provider returns the catalogue's provider of that name, or nil.
func provider(name string) *Provider {
	i := slices.IndexFunc(Providers, func(p Provider) bool { return p.Name == name })
	if i < 0 {
		return nil
	}
	return &Providers[i]
}

// listProviders answers the enabled providers as a wrapped page. It needs
// an authenticated key, not an org or an admin (SKILL-C).
func (h *Handlers) listProviders(c echo.Context) error {
	enabled := []Provider{}
	for _, p := range Providers {
		if p.Enabled {
			enabled = append(enabled, p)
		}
	}
	body, err := providerPage(c, enabled)
	if err != nil {
		return err
	}
	return api.Wrapped(c, "Ok", body)
}

// providerPage answers the page of rows the query asks for, paged as every
// provider, provider config and mapping list is.
func providerPage[V any](c echo.Context, rows []V) (api.PageNumberBody, error) {
	p, err := api.ParsePage(c, len(rows), providerPageSize, providerMaxPageSize)
	if err != nil {
		return api.PageNumberBody{}, err
	}
	return p.Body(c, api.Slice(p, rows)), nil
}
