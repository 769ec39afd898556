package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/iblfake/iblfake/fake/api"
)

// pageSize is how many rows a tenant's list shows at once.
const pageSize = 50

// maxFilterLen bounds a filter value (no identifier is longer).
const maxFilterLen = 255

// kindOf finds the module that lists kind, and the kind; with kind empty,
// the first kind of the first module.
func (d *dashboard) kindOf(kind string) (api.Browser, api.BrowseKind, []api.BrowseKind, bool) {
	var all []api.BrowseKind
	var found api.Browser
	var fk api.BrowseKind
	for _, b := range d.f.Browsers() {
		for _, k := range b.BrowseKinds() {
			all = append(all, k)
			if found == nil && (k.Name == kind || kind == "") {
				found, fk = b, k
			}
		}
	}
	return found, fk, all, found != nil
}

// tenant is one tenant's list of one kind (issuers, credentials,
// assertions, licenses, invitations), filtered and paged.
func (d *dashboard) tenant(r *request) error {
	tenant := r.param("tenant")
	b, kind, kinds, ok := d.kindOf(r.param("kind"))
	if !ok {
		return api.Detail(http.StatusNotFound, "There is no list of "+strconv.Quote(r.param("kind"))+".")
	}
	pageNo := 1
	if s := r.QueryParam("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1_000_000 {
			return badRequest("page: %q is not a page number (1 to 1,000,000).", s)
		}
		pageNo = n
	}
	filter := map[string]string{}
	for _, f := range kind.Filters {
		v := strings.TrimSpace(r.QueryParam(f.Name))
		if len(v) > maxFilterLen {
			return badRequest("%s: longer than %d characters.", f.Name, maxFilterLen)
		}
		if v != "" {
			filter[f.Name] = v
		}
	}
	page, err := b.Browse(api.BrowseQuery{Tenant: tenant, Kind: kind.Name, Filter: filter,
		Offset: (pageNo - 1) * pageSize, Limit: pageSize})
	if err != nil {
		return err
	}
	here := tenantURL(tenant) + "/" + url.PathEscape(kind.Name)
	link := func(p int) string {
		q := url.Values{}
		for k, v := range filter {
			q.Set(k, v)
		}
		if p > 1 {
			q.Set("page", strconv.Itoa(p))
		}
		if len(q) == 0 {
			return here
		}
		return here + "?" + q.Encode()
	}
	from := (pageNo-1)*pageSize + 1
	data := map[string]any{
		"Tenant": tenant, "Kind": kind, "Kinds": kinds, "Filter": filter, "Page": page, "Here": here,
		"From": min(from, page.Total), "To": from + len(page.Rows) - 1, "PageNo": pageNo,
	}
	if pageNo > 1 {
		data["Prev"] = link(pageNo - 1)
	}
	if from+len(page.Rows)-1 < page.Total {
		data["Next"] = link(pageNo + 1)
	}
	return r.render(http.StatusOK, "tenant", data)
}

// entity is one entity as the API renders it, with the vendor call that
// answers it and its related rows.
func (d *dashboard) entity(r *request) error {
	tenant, id := r.param("tenant"), r.param("id")
	b, kind, kinds, ok := d.kindOf(r.param("kind"))
	if !ok || r.param("kind") == "" {
		return api.Detail(http.StatusNotFound, "There is no list of "+strconv.Quote(r.param("kind"))+".")
	}
	row, err := b.BrowseEntity(tenant, kind.Name, id)
	if err != nil {
		return err
	}
	method, path, _ := strings.Cut(row.API, " ")
	origin := r.Scheme() + "://" + r.Request().Host
	return r.render(http.StatusOK, "entity", map[string]any{
		"Tenant": tenant, "Kind": kind, "Kinds": kinds, "Row": row, "Method": method, "Path": path,
		"Curl": "curl -s -H 'Authorization: Api-Token YOUR_KEY' " + shellQuote(origin+path),
	})
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
