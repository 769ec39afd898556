package longtail

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/drf"
	"github.com/labstack/echo/v4"
)

// Custom domains (FIDELITY.md, "custom domains"): a platform registers
// the host names its apps are served on, and the vendor's TenantProvider
// looks the page's host up (GET /api/custom-domains/?domain=HOST) to
// choose the tenant: the first domain's platform_key. They are the
// tenant's state: a create stores one, the list and the lookup answer
// only what the tenant stored ({"custom_domains": []} when none, which
// the provider reads as "no custom domain"), a delete removes one.
//
// Why by hand: the document routes this resource's verbs on action paths
// the family inference does not pair (model.go wants ".../things/" and
// ".../things/{id}/"): the list is /api/custom-domains/, the create
// /api/custom-domains/create/, the delete
// /api/custom-domains/{domain_id}/delete/; and the lookup parameter
// (domain) names the field custom_domain, which no list filter infers. It
// is the only resource of the document routed so (every other ".../create/"
// path has no ".../{id}/delete/" beside it). The items are ordinary
// long-tail records (putItem, findItem: the Records and IDs buckets under
// the tenant), so reset, export and tenant scoping treat them as any
// family's. Unlike a family, the collection is never filled with
// synthesized items (Options.Fill): a made-up domain would be found for a
// host no tenant registered.
//
// The real lookup is public and, presumably, searches every platform's
// domains; the fake answers a request only its own tenant's (the tenant
// rule: platform_key, else the key's org, else the default tenant), as
// tenants never see each other's state here.

// The custom-domain operations answered by hand.
const (
	opCustomDomains       = "custom_domains_retrieve"
	opCustomDomainCreate  = "custom_domains_create_create"
	opCustomDomainDelete  = "custom_domains_delete_destroy"
	customDomainsTemplate = "/api/custom-domains/"
)

// customDomainsKey is the tenant's collection of custom domains.
func customDomainsKey(tenant string) string { return collectionKey(tenant, customDomainsTemplate) }

// customDomains answers the tenant's custom domains, in creation order,
// only the one registered as ?domain= when it is given (host names
// compare case-insensitively, as DNS does).
func (m *Module) customDomains(c echo.Context) error {
	host := strings.TrimSpace(c.QueryParam("domain"))
	key := customDomainsKey(api.Tenant(c))
	out, err := api.Read(m.d.Store, func(tx store.Tx) ([]any, error) {
		out := []any{}
		var err error
		tx.Scan(Records, key+store.KeySep, false, func(_ string, raw []byte) bool {
			var obj map[string]any
			if err = json.Unmarshal(raw, &obj); err != nil {
				return false
			}
			if name, _ := obj["custom_domain"].(string); host == "" || strings.EqualFold(name, host) {
				out = append(out, obj)
			}
			return true
		})
		return out, err
	})
	if err != nil {
		return err
	}
	return api.JSON(c, http.StatusOK, map[string]any{"custom_domains": out})
}

// createCustomDomain stores a custom domain for the tenant the body's
// platform_key names (the document's request schema, corrected, has
// checked its fields): a host the tenant already registered is DRF's
// unique-field 400.
func (m *Module) createCustomDomain(c echo.Context) error {
	body := api.RequestBody(c).Object()
	tenant := api.Tenant(c)
	name := strings.TrimSpace(stringOf(body["custom_domain"]))
	if name == "" {
		return api.Field("custom_domain", "This field may not be blank.")
	}
	spa := stringOf(body["spa"])
	dnsPro, _ := body["registered_with_dns_pro"].(bool)
	key := customDomainsKey(tenant)
	var obj map[string]any
	err := m.d.Store.Update(func(tx store.Tx) error {
		var dup bool
		tx.Scan(Records, key+store.KeySep, false, func(_ string, raw []byte) bool {
			var old struct {
				Name string `json:"custom_domain"`
			}
			dup = json.Unmarshal(raw, &old) == nil && strings.EqualFold(old.Name, name)
			return !dup
		})
		if dup {
			return api.Field("custom_domain", "custom domain with this custom domain already exists.")
		}
		n, err := tx.NextSequence(Records)
		if err != nil {
			return err
		}
		now := drf.FormatDateTime(m.d.Clock.Now())
		obj = map[string]any{
			"id": n, "custom_domain": name, "spa": spa, "registered_with_dns_pro": dnsPro,
			"platform_key": tenant, "created_at": now, "updated_at": now, "is_deleted": false,
		}
		_, err = putItem(tx, key, idString(n), api.SeqKey(n), obj)
		return err
	})
	if err != nil {
		return err
	}
	return api.JSON(c, http.StatusOK, map[string]any{"message": "Custom domain created.", "custom_domain": obj})
}

// deleteCustomDomain removes the tenant's custom domain {domain_id}: one
// the tenant does not hold (another tenant's too) is DRF's 404.
func (m *Module) deleteCustomDomain(c echo.Context) error {
	key, id := customDomainsKey(api.Tenant(c)), c.Param("domain_id")
	err := m.d.Store.Update(func(tx store.Tx) error {
		old, place, err := findItem(tx, key, id)
		if err != nil {
			return err
		}
		if old == nil {
			return api.NotFound()
		}
		return deleteItem(tx, key, id, place)
	})
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// stringOf is v when it is a string, else "".
func stringOf(v any) string {
	s, _ := v.(string)
	return s
}
