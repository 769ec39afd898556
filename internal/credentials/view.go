package credentials

import (
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/drf"
)

// The *View types are the JSON the real service answers with.

// SignatoryView is a signatory as issuers and credentials list it.
type SignatoryView struct {
	EntityID  string `json:"entityId"`
	Name      string `json:"name"`
	Title     string `json:"title"`
	Signature string `json:"signature"`
}

// IssuerView is the real issuer object.
type IssuerView struct {
	Name                string          `json:"name"`
	Org                 string          `json:"org"`
	EntityID            string          `json:"entityId"`
	Signatories         []SignatoryView `json:"signatories"`
	URL                 *string         `json:"url"`
	IconImage           *string         `json:"iconImage"`
	AllowedTemplateTags []string        `json:"allowed_template_tags"`
}

// IssuerDetailsView is the issuer as embedded in a credential.
type IssuerDetailsView struct {
	Name      string  `json:"name"`
	Org       string  `json:"org"`
	EntityID  string  `json:"entityId"`
	URL       *string `json:"url"`
	IconImage *string `json:"iconImage"`
}

type courseView struct {
	Name     *string `json:"name"`
	CourseID string  `json:"course_id"`
}

type programView struct {
	Name      *string `json:"name"`
	ProgramID string  `json:"program_id"`
}

type pathwayView struct {
	Name      *string `json:"name"`
	PathwayID string  `json:"pathway_id"`
}

// CredentialView is the real credential object (CredentialSerializer).
type CredentialView struct {
	EntityID          string             `json:"entityId"`
	Name              string             `json:"name"`
	NameOverride      *string            `json:"name_override"`
	Description       *string            `json:"description"`
	CriteriaURL       *string            `json:"criteriaUrl"`
	CriteriaNarrative *string            `json:"criteriaNarrative"`
	CreatedAt         string             `json:"createdAt"`
	IconImage         *string            `json:"iconImage"`
	IconImageID       *uint64            `json:"icon_image_id"`
	BackgroundImage   *string            `json:"backgroundImage"`
	BackgroundImageID *uint64            `json:"background_image_id"`
	ThumbnailImage    *string            `json:"thumbnailImage"`
	ThumbnailImageID  *uint64            `json:"thumbnail_image_id"`
	CatalogItems      []string           `json:"catalog_items"`
	Courses           []courseView       `json:"courses"`
	Programs          []programView      `json:"programs"`
	Pathways          []pathwayView      `json:"pathways"`
	IssuerDetails     *IssuerDetailsView `json:"issuerDetails"`
	HTMLTemplate      *string            `json:"html_template"`
	CSSTemplate       *string            `json:"css_template"`
	Metadata          map[string]any     `json:"metadata"`
	CredentialType    *string            `json:"credentialType"`
	Expires           *Expiry            `json:"expires"`
	Tags              []string           `json:"tags"`
	Signatories       []SignatoryView    `json:"signatories"`
	Signal            *string            `json:"signal"`
}

// AssertionView is the real assertion object (AssertionSerializer).
type AssertionView struct {
	EntityID          string          `json:"entityId"`
	IssuedOn          string          `json:"issuedOn"`
	CredentialDetails *CredentialView `json:"credentialDetails"`
	Recipient         Recipient       `json:"recipient"`
	Metadata          map[string]any  `json:"metadata"`
	Course            *courseView     `json:"course"`
	Program           *programView    `json:"program"`
	Narrative         *string         `json:"narrative"`
	Revoked           bool            `json:"revoked"`
	RevocationReason  *string         `json:"revocationReason"`
	Acceptance        string          `json:"acceptance"`
	Expires           *string         `json:"expires"`
}

func signatoriesOf(tx store.Tx, owners ...string) []SignatoryView {
	out := []SignatoryView{}
	for _, owner := range owners {
		tx.Scan(bktSignatoriesByOwner, owner+sep, false, func(_ string, id []byte) bool {
			var s Signatory
			if ok, _ := store.GetJSON(tx, bktSignatories, string(id), &s); ok {
				out = append(out, SignatoryView{s.EntityID, s.Name, s.Title, s.Signature})
			}
			return true
		})
	}
	return out
}

func issuerView(tx store.Tx, is *Issuer) IssuerView {
	tags := is.AllowedTemplateTags
	if tags == nil {
		tags = []string{}
	}
	return IssuerView{
		Name: is.Name, Org: is.Tenant, EntityID: is.EntityID,
		Signatories: signatoriesOf(tx, "issuer:"+is.EntityID, "tenant:"+is.Tenant),
		URL:         is.URL, IconImage: is.IconImage, AllowedTemplateTags: tags,
	}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// credentialView renders cr with its issuer and signatories.
func credentialView(tx store.Tx, cr *Credential) *CredentialView {
	v := &CredentialView{
		EntityID: cr.EntityID, Name: cr.Name, NameOverride: cr.NameOverride,
		Description: cr.Description, CriteriaURL: cr.CriteriaURL,
		CriteriaNarrative: cr.CriteriaNarrative, CreatedAt: drf.FormatDateTime(cr.CreatedAt),
		IconImage: cr.IconImage, BackgroundImage: cr.BackgroundImage, ThumbnailImage: cr.ThumbnailImage,
		IconImageID: cr.IconImageID, BackgroundImageID: cr.BackgroundImageID, ThumbnailImageID: cr.ThumbnailImageID,
		CatalogItems: nonNil(cr.CatalogItems), Courses: []courseView{}, Programs: []programView{},
		Pathways: []pathwayView{}, HTMLTemplate: cr.HTMLTemplate, CSSTemplate: cr.CSSTemplate,
		Metadata: cr.Metadata, CredentialType: cr.CredentialType, Expires: cr.Expires,
		Tags: nonNil(cr.Tags), Signatories: signatoriesOf(tx, "credential:"+cr.EntityID), Signal: cr.Signal,
	}
	if v.Metadata == nil {
		v.Metadata = map[string]any{}
	}
	for _, r := range cr.Courses {
		v.Courses = append(v.Courses, courseView{r.Name, r.ID})
	}
	for _, r := range cr.Programs {
		v.Programs = append(v.Programs, programView{r.Name, r.ID})
	}
	for _, r := range cr.Pathways {
		v.Pathways = append(v.Pathways, pathwayView{r.Name, r.ID})
	}
	if is := readIssuer(tx, cr.IssuerID); is != nil {
		v.IssuerDetails = &IssuerDetailsView{is.Name, is.Tenant, is.EntityID, is.URL, is.IconImage}
	}
	return v
}

// assertionViews renders assertions, rendering each credential once.
type assertionViews struct {
	tx    store.Tx
	creds map[string]*CredentialView
}

func newAssertionViews(tx store.Tx) *assertionViews {
	return &assertionViews{tx: tx, creds: map[string]*CredentialView{}}
}

func (av *assertionViews) view(a *Assertion) AssertionView {
	cv, ok := av.creds[a.CredentialID]
	if !ok {
		if raw := av.tx.Get(bktCredentials, a.CredentialID); raw != nil {
			if cr, err := credentialCache.Decode(raw); err == nil {
				cv = credentialView(av.tx, cr)
			}
		}
		av.creds[a.CredentialID] = cv
	}
	return assertionView(a, cv)
}

// assertionView is a rendered with cv as its credential's details.
func assertionView(a *Assertion, cv *CredentialView) AssertionView {
	v := AssertionView{
		EntityID: a.EntityID, IssuedOn: drf.FormatDateTime(a.IssuedOn), CredentialDetails: cv,
		Recipient: a.Recipient, Metadata: a.Metadata, Narrative: a.Narrative,
		Revoked: a.Revoked, RevocationReason: a.RevocationReason, Acceptance: a.Acceptance,
	}
	if v.Metadata == nil {
		v.Metadata = map[string]any{}
	}
	if a.Course != nil {
		v.Course = &courseView{a.Course.Name, a.Course.ID}
	}
	if a.Program != nil {
		v.Program = &programView{a.Program.Name, a.Program.ID}
	}
	if a.ExpiresAt != nil {
		s := drf.FormatDateTime(*a.ExpiresAt)
		v.Expires = &s
	}
	return v
}
