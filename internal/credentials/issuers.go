package credentials

import (
	"net/http"
	"strings"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/labstack/echo/v4"
)

// issuerWrite is the body of issuer create and update.
type issuerWrite struct {
	Name                *string   `json:"name"`
	IconImage           *string   `json:"iconImage"`
	Email               *string   `json:"email"`
	URL                 *string   `json:"url"`
	AllowedTemplateTags *[]string `json:"allowed_template_tags"`
}

func (w *issuerWrite) applyTo(is *Issuer) {
	if w.Name != nil {
		is.Name = *w.Name
	}
	if w.IconImage != nil {
		is.IconImage = w.IconImage
	}
	if w.Email != nil {
		is.Email = w.Email
	}
	if w.URL != nil {
		is.URL = w.URL
	}
	if w.AllowedTemplateTags != nil {
		is.AllowedTemplateTags = *w.AllowedTemplateTags
	}
}

// listIssuers answers the tenant's issuers, filtered by q (name contains),
// as a wrapped page (default 50 a page, at most 1000: the description's
// limit default and max_page_size).
func (h *Handlers) listIssuers(c echo.Context) error {
	tenant := api.Tenant(c)
	q := strings.ToLower(c.QueryParam("q"))
	var views []IssuerView
	err := h.d.Store.View(func(tx store.Tx) error {
		for _, id := range ids(tx, bktIssuersByTenant, tenant, false) {
			is, err := getIssuer(tx, tenant, id)
			if err != nil {
				return err
			}
			if q == "" || strings.Contains(strings.ToLower(is.Name), q) {
				views = append(views, issuerView(tx, is))
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	p, err := api.ParsePage(c, len(views), 50, 1000)
	if err != nil {
		return err
	}
	return api.Wrapped(c, "Ok", p.Body(c, nonNil(api.Slice(p, views))))
}

func (h *Handlers) createIssuer(c echo.Context) error {
	var w issuerWrite
	if err := api.Bind(c, &w); err != nil {
		return err
	}
	is := &Issuer{EntityID: h.d.IDs.EntityID(), Tenant: api.Tenant(c), CreatedAt: h.d.Clock.Now()}
	w.applyTo(is)
	var view IssuerView
	err := h.d.Store.Update(func(tx store.Tx) error {
		if err := putIssuer(tx, is, true); err != nil {
			return err
		}
		view = issuerView(tx, is)
		return nil
	})
	if err != nil {
		return err
	}
	return api.Wrapped(c, "Created", view)
}

// findIssuers resolves the {entity_id} of the issuer detail routes: an
// issuer's entityId, or an org key naming all of that org's issuers (the
// vendor's quickstarts look issuers up as /issuers/{org}). Another org's
// issuers are only reachable with a key allowed for that org.
func (h *Handlers) findIssuers(c echo.Context, tx store.Tx) ([]*Issuer, error) {
	tenant, id := api.Tenant(c), c.Param("entity_id")
	if is, err := getIssuer(tx, tenant, id); err == nil {
		return []*Issuer{is}, nil
	}
	if !api.Allowed(c, id) {
		return nil, api.NotFound()
	}
	var out []*Issuer
	for _, iid := range ids(tx, bktIssuersByTenant, id, false) {
		is, err := getIssuer(tx, id, iid)
		if err != nil {
			return nil, err
		}
		out = append(out, is)
	}
	if len(out) == 0 {
		return nil, api.NotFound()
	}
	return out, nil
}

// getIssuer answers a JSON array holding the issuer (the description's
// shape), or every issuer of the org when looked up by org key.
func (h *Handlers) getIssuer(c echo.Context) error {
	var views []IssuerView
	err := h.d.Store.View(func(tx store.Tx) error {
		found, err := h.findIssuers(c, tx)
		for _, is := range found {
			views = append(views, issuerView(tx, is))
		}
		return err
	})
	if err != nil {
		return err
	}
	return api.JSON(c, http.StatusOK, views)
}

func (h *Handlers) updateIssuer(c echo.Context) error {
	var w issuerWrite
	if err := api.Bind(c, &w); err != nil {
		return err
	}
	views, err := api.Write(h.d.Store, func(tx store.Tx) (views []IssuerView, err error) {
		found, err := h.findIssuers(c, tx)
		for _, is := range found {
			w.applyTo(is)
			if err := putIssuer(tx, is, false); err != nil {
				return views, err
			}
			views = append(views, issuerView(tx, is))
		}
		return views, err
	})
	if err != nil {
		return err
	}
	return api.JSON(c, http.StatusOK, views)
}

// deleteIssuer removes an issuer that no credential uses. The sources do not
// say what the real service does with an issuer's credentials; refusing (409)
// is the choice that can never lose an acknowledged write (FIDELITY.md).
func (h *Handlers) deleteIssuer(c echo.Context) error {
	err := h.d.Store.Update(func(tx store.Tx) error {
		is, err := getIssuer(tx, api.Tenant(c), c.Param("entity_id"))
		if err != nil {
			return err
		}
		if store.Count(tx, bktCredsByIssuer, is.EntityID+sep) > 0 {
			return api.Detail(http.StatusConflict, "Cannot delete an issuer that still has credentials.")
		}
		for _, id := range ids(tx, bktSignatoriesByOwner, "issuer:"+is.EntityID, false) {
			if err := deleteSignatory(tx, id); err != nil {
				return err
			}
		}
		if err := tx.Delete(bktIssuersByTenant, key(is.Tenant, api.SeqKey(is.Seq))); err != nil {
			return err
		}
		return tx.Delete(bktIssuers, is.EntityID)
	})
	if err != nil {
		return err
	}
	return api.StatusOnly(c, "Deleted")
}

// createAuthority adds a signatory to a credential (credential), an issuer
// (entityId), an org's issuers (org) or, with none of those, to the URL's
// platform (SKILL-C). It answers {"data": {name, title, signature}}.
func (h *Handlers) createAuthority(c echo.Context) error {
	var w struct {
		Name       string `json:"name"`
		Title      string `json:"title"`
		Signature  string `json:"signature"`
		Org        string `json:"org"`
		EntityID   string `json:"entityId"`
		Credential string `json:"credential"`
	}
	if err := api.Bind(c, &w); err != nil {
		return err
	}
	tenant := api.Tenant(c)
	s := &Signatory{EntityID: h.d.IDs.EntityID(), Tenant: tenant, Name: w.Name, Title: w.Title, Signature: w.Signature}
	err := h.d.Store.Update(func(tx store.Tx) error {
		switch {
		case w.Credential != "":
			if _, err := getCredential(tx, tenant, w.Credential); err != nil {
				return api.Field("credential", "Object with entityId="+w.Credential+" does not exist.")
			}
			s.Owner = "credential:" + w.Credential
		case w.EntityID != "":
			if _, err := getIssuer(tx, tenant, w.EntityID); err != nil {
				return api.Field("entityId", "Object with entityId="+w.EntityID+" does not exist.")
			}
			s.Owner = "issuer:" + w.EntityID
		case w.Org != "":
			if !api.Allowed(c, w.Org) {
				return api.Detail(http.StatusForbidden, api.MsgForbidden)
			}
			s.Tenant, s.Owner = w.Org, "tenant:"+w.Org
		default:
			s.Owner = "tenant:" + tenant
		}
		return putSignatory(tx, s)
	})
	if err != nil {
		return err
	}
	return api.JSON(c, http.StatusOK, map[string]any{
		"data": map[string]string{"name": s.Name, "title": s.Title, "signature": s.Signature},
	})
}
