package credentials

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/labstack/echo/v4"
)

// EximView is a course's credentials: what export answers and import
// takes.
type EximView struct {
	CourseID    string            `json:"course_id"`
	Credentials []*CredentialView `json:"credentials"`
}

type importedCredential struct {
	EntityID string `json:"entityId"`
	Name     string `json:"name"`
	Status   string `json:"status"` // created | updated
}

type importError struct {
	Index int     `json:"index"`
	Name  *string `json:"name"`
	Error string  `json:"error"`
}

// courseParam is the {course_id} of the URL, unescaped when a client
// escaped its ':' and '+'.
func courseParam(c echo.Context) string {
	id := c.Param("course_id")
	if strings.Contains(id, "%") {
		if u, err := url.PathUnescape(id); err == nil {
			return u
		}
	}
	return id
}

// courseOrg is the org part of course-v1:org+course+run ("" if none).
func courseOrg(courseID string) string {
	s := courseID
	if i := strings.Index(s, ":"); i >= 0 {
		s = s[i+1:]
	}
	org, _, ok := strings.Cut(s, "+")
	if !ok {
		return ""
	}
	return org
}

// exportCourse answers every credential tied to {course_id}, oldest first,
// of the platforms the key may read (only platform_org's when given): the
// export is platform-agnostic (SKILL-C).
func (h *Handlers) exportCourse(c echo.Context) error {
	courseID, only := courseParam(c), c.QueryParam("platform_org")
	out := EximView{CourseID: courseID, Credentials: []*CredentialView{}}
	err := h.d.Store.View(func(tx store.Tx) error {
		var found []*Credential
		var err error
		tx.Scan(bktCredentials, "", false, func(_ string, v []byte) bool {
			var cr Credential
			if err = json.Unmarshal(v, &cr); err != nil {
				return false
			}
			if hasRef(cr.Courses, courseID) && (only == "" || cr.Tenant == only) && api.Allowed(c, cr.Tenant) {
				found = append(found, &cr)
			}
			return true
		})
		if err != nil {
			return err
		}
		sortBySeq(found)
		for _, cr := range found {
			out.Credentials = append(out.Credentials, credentialView(tx, cr))
		}
		return nil
	})
	if err != nil {
		return err
	}
	return api.JSON(c, http.StatusOK, out)
}

func sortBySeq(crs []*Credential) {
	for i := 1; i < len(crs); i++ {
		for j := i; j > 0 && crs[j].Seq < crs[j-1].Seq; j-- {
			crs[j], crs[j-1] = crs[j-1], crs[j]
		}
	}
}

// importItem is one credential of an import body: the credential fields
// plus its signatories. Read-only fields of an export (entityId,
// issuerDetails, createdAt) are ignored.
type importItem struct {
	credentialWrite
	Signatories *[]struct {
		Name      string `json:"name"`
		Title     string `json:"title"`
		Signature string `json:"signature"`
	} `json:"signatories"`
}

// importCourse imports credential definitions into {course_id} of the
// platform named by platform_org, else by the course id's org. Each is
// matched by name + course + the platform's default (oldest) issuer: a
// match is updated, anything else created with that issuer. 201 when every
// item imports, 207 when some do, 400 when none does (SKILL-C).
func (h *Handlers) importCourse(c echo.Context) error {
	var body struct {
		Credentials []json.RawMessage `json:"credentials"`
	}
	if err := api.Bind(c, &body); err != nil {
		return err
	}
	courseID := courseParam(c)
	tenant := c.QueryParam("platform_org")
	if tenant == "" {
		tenant = courseOrg(courseID)
	}
	if tenant == "" {
		return api.Field("course_id", "Expected a course id of the form course-v1:org+course+run.")
	}
	if !api.Allowed(c, tenant) {
		return api.Detail(http.StatusForbidden, api.MsgForbidden)
	}
	imported := []importedCredential{}
	errs := []importError{}
	err := h.d.Store.Update(func(tx store.Tx) error {
		issuers := ids(tx, bktIssuersByTenant, tenant, false)
		for i, raw := range body.Credentials {
			var it importItem
			fail := func(msg string) {
				errs = append(errs, importError{Index: i, Name: it.Name, Error: msg})
			}
			if err := api.Unmarshal(raw, &it); err != nil {
				fail("Invalid credential: " + err.Error())
				continue
			}
			if it.Name == nil || strings.TrimSpace(*it.Name) == "" {
				fail("name: " + api.MsgRequired)
				continue
			}
			if len(issuers) == 0 {
				fail(fmt.Sprintf("Platform %s has no issuer to import into.", tenant))
				continue
			}
			st, cr, err := h.importOne(tx, tenant, issuers[0], courseID, &it)
			if err != nil {
				if ae, ok := err.(*api.Error); ok {
					b, _ := json.Marshal(ae.Body)
					fail(string(b))
					continue
				}
				return err
			}
			imported = append(imported, importedCredential{cr.EntityID, cr.Name, st})
		}
		return nil
	})
	if err != nil {
		return err
	}
	status, desc := http.StatusCreated, "Created"
	switch {
	case len(imported) == 0:
		status, desc = http.StatusBadRequest, "No credentials were imported"
	case len(errs) > 0:
		status, desc = http.StatusMultiStatus, "Partially imported"
	}
	return api.JSON(c, status, map[string]any{
		"status": api.Status{Success: len(imported) > 0, Description: desc},
		"result": map[string]any{"course_id": courseID, "imported_credentials": imported, "errors": errs},
	})
}

// importOne creates or updates one credential; a validation failure is an
// *api.Error and writes nothing.
func (h *Handlers) importOne(tx store.Tx, tenant, issuer, courseID string, it *importItem) (string, *Credential, error) {
	var match *Credential
	for _, id := range ids(tx, bktCredsByIssuer, issuer, false) {
		cr, err := getCredential(tx, tenant, id)
		if err != nil {
			return "", nil, err
		}
		if cr.Name == *it.Name && hasRef(cr.Courses, courseID) {
			match = cr
			break
		}
	}
	status := "updated"
	cr := match
	if cr == nil {
		status = "created"
		signal := "COURSE_PASSED"
		cr = &Credential{EntityID: h.d.IDs.EntityID(), Tenant: tenant, IssuerID: issuer,
			CreatedAt: h.d.Clock.Now(), Public: true, Signal: &signal}
	}
	it.Issuer = nil // import always uses the platform's default issuer
	if err := it.applyTo(cr, h.d.Clock.Now()); err != nil {
		return "", nil, err
	}
	if !hasRef(cr.Courses, courseID) {
		cr.Courses = append(cr.Courses, Ref{ID: courseID, Name: refName(courseID)})
	}
	if err := putCredential(tx, cr, match == nil); err != nil {
		return "", nil, err
	}
	if it.Signatories != nil {
		for _, id := range ids(tx, bktSignatoriesByOwner, "credential:"+cr.EntityID, false) {
			if err := deleteSignatory(tx, id); err != nil {
				return "", nil, err
			}
		}
		for _, s := range *it.Signatories {
			sg := &Signatory{EntityID: h.d.IDs.EntityID(), Tenant: tenant, Owner: "credential:" + cr.EntityID,
				Name: s.Name, Title: s.Title, Signature: s.Signature}
			if err := putSignatory(tx, sg); err != nil {
				return "", nil, err
			}
		}
	}
	return status, cr, nil
}
