package credentials

import (
	"strings"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/labstack/echo/v4"
)

// CourseCredentialsView is one course with the credentials tied to it.
type CourseCredentialsView struct {
	CourseID    string            `json:"course_id"`
	Name        *string           `json:"name"`
	Credentials []*CredentialView `json:"credentials"`
}

// resultsPage is the page-number envelope with the items in "results", as
// the course-credentials list carries them (SKILL-C: "results (not data)").
type resultsPage struct {
	Next        *string `json:"next"`
	Previous    *string `json:"previous"`
	Count       int     `json:"count"`
	NumPages    int     `json:"num_pages"`
	PageNumber  int     `json:"page_number"`
	MaxPageSize int     `json:"max_page_size"`
	Results     any     `json:"results"`
}

// listCourseCredentials answers the tenant's credentials grouped by the
// courses they are tied to, as a wrapped page of courses (default 10, at
// most 100). Courses come in the order of their newest credential; search
// matches the course id or name (case-insensitive).
func (h *Handlers) listCourseCredentials(c echo.Context) error {
	tenant := api.Tenant(c)
	search := strings.ToLower(c.QueryParam("search"))
	body, err := api.Read(h.d.Store, func(tx store.Tx) (body resultsPage, err error) {
		var courses []*CourseCredentialsView
		byID := map[string]int{} // course id -> index in courses
		var creds [][]*Credential
		for _, id := range ids(tx, bktCredsByTenant, tenant, true) {
			cr, err := getCredential(tx, tenant, id)
			if err != nil {
				return body, err
			}
			for _, r := range cr.Courses {
				if search != "" && !strings.Contains(strings.ToLower(r.ID), search) &&
					(r.Name == nil || !strings.Contains(strings.ToLower(*r.Name), search)) {
					continue
				}
				i, ok := byID[r.ID]
				if !ok {
					i = len(courses)
					byID[r.ID] = i
					courses = append(courses, &CourseCredentialsView{CourseID: r.ID, Name: r.Name})
					creds = append(creds, nil)
				}
				creds[i] = append(creds[i], cr)
			}
		}
		p, err := api.ParsePage(c, len(courses), 10, 100)
		if err != nil {
			return body, err
		}
		lo, hi := p.Bounds()
		out := []*CourseCredentialsView{}
		for i := lo; i < hi; i++ {
			cv := courses[i]
			cv.Credentials = []*CredentialView{}
			for _, cr := range creds[i] {
				cv.Credentials = append(cv.Credentials, credentialView(tx, cr))
			}
			out = append(out, cv)
		}
		next, prev := p.Links(c)
		body = resultsPage{Next: next, Previous: prev, Count: p.Count, NumPages: p.NumPages,
			PageNumber: p.Number, MaxPageSize: p.MaxSize, Results: out}
		return body, nil
	})
	if err != nil {
		return err
	}
	return api.Wrapped(c, "Ok", body)
}
