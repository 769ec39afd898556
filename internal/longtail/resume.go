package longtail

import (
	"encoding/json"
	"net/http"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/drf"
	"github.com/labstack/echo/v4"
)

// A user's resume (FIDELITY.md, "career resume"): the vendor's ResumeTab
// uploads a PDF as the multipart part `resume` (POST, or the data layer's
// default PUT, of /api/career/resume/orgs/{org}/users/{username}/) and
// reads the user's career files back, {files: [{name, type, url}]},
// showing the one of type "resume" (corrections frontend-career-resume*).
// The upload is stored and served as any long-tail upload (uploads.go);
// the user's record, one per tenant and path among the singletons, holds
// the resume's entry, which a later upload replaces. A user who has
// uploaded none has no files.
//
// Why by hand: the singleton a GET and PUT make of the path keeps what was
// sent under the names it was sent (resume: its URL), while the read
// answers it as an entry of files; nothing in the document ties the two.

// The resume's operations, answered by hand.
const (
	opResumeRead    = "career_resume_orgs_users_retrieve"
	opResumeUpload  = "career_resume_orgs_users_create"
	opResumeReplace = "career_resume_orgs_users_update"
	resumeTemplate  = "/api/career/resume/orgs/{org}/users/{username}/"
	resumeField     = "resume"
)

// resumeKey is the user's record among the singletons.
func resumeKey(c echo.Context) string {
	return api.Tenant(c) + store.KeySep + collectionPath(resumeTemplate, c.Param)
}

// readResume answers the user's career files: none until a resume is
// uploaded.
func (m *Module) readResume(c echo.Context) error {
	raw, err := api.Read(m.d.Store, func(tx store.Tx) ([]byte, error) { return tx.Get(Singletons, resumeKey(c)), nil })
	if err != nil {
		return err
	}
	if raw == nil {
		return api.JSON(c, http.StatusOK, map[string]any{"files": []any{}})
	}
	return api.JSONBytes(c, http.StatusOK, raw)
}

// uploadResume stores the uploaded resume and makes it the user's resume
// entry. The request validator has checked the part (a file with a name
// and content); a body without it is the document's 400 on resume.
func (m *Module) uploadResume(c echo.Context) error {
	up := api.RequestBody(c).Uploads[resumeField]
	if up == nil {
		// DRF's FileField when the part is a plain value, not a file.
		return api.Field(resumeField, "The submitted data was not a file. Check the encoding type on the form.")
	}
	var raw []byte
	err := m.d.Store.Update(func(tx store.Tx) error {
		urls, err := m.putUploads(tx, c)
		if err != nil {
			return err
		}
		rec := map[string]any{"files": []any{map[string]any{
			"name": up.Filename, "type": resumeField, "url": urls[resumeField], "content_type": up.ContentType,
			"size": len(up.Data), "uploaded_at": drf.FormatDateTime(m.d.Clock.Now()),
		}}}
		if raw, err = json.Marshal(rec); err != nil {
			return err
		}
		return tx.Put(Singletons, resumeKey(c), raw)
	})
	if err != nil {
		return err
	}
	return api.JSONBytes(c, http.StatusOK, raw)
}
