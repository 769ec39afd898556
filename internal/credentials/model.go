// Package credentials models the vendor's credentials API (dl_cred_app):
// issuers, signatories (authorities), credentials (badge classes) and
// assertions (issued credentials), kept per tenant (the {org} of the URL).
package credentials

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/iblfake/iblfake/fake/api"
)

// Issuer is a credential issuer, keyed to its platform (Tenant).
type Issuer struct {
	EntityID            string    `json:"entity_id"`
	Tenant              string    `json:"tenant"`
	Seq                 uint64    `json:"seq"`
	Name                string    `json:"name"`
	Email               *string   `json:"email"`
	URL                 *string   `json:"url"`
	IconImage           *string   `json:"icon_image"`
	AllowedTemplateTags []string  `json:"allowed_template_tags"`
	CreatedAt           time.Time `json:"created_at"`
}

// Signatory is an authority whose signature appears on credentials. Owner is
// "issuer:<id>", "credential:<id>" or "tenant:<org>" (a platform-wide one,
// shown on every issuer of the org).
type Signatory struct {
	EntityID  string `json:"entity_id"`
	Tenant    string `json:"tenant"`
	Owner     string `json:"owner"`
	Seq       uint64 `json:"seq"`
	Name      string `json:"name"`
	Title     string `json:"title"`
	Signature string `json:"signature"`
}

// Ref names a course, program or pathway a credential is tied to.
type Ref struct {
	ID   string  `json:"id"`
	Name *string `json:"name"`
}

// Expiry is how long an assertion of a credential stays valid.
type Expiry struct {
	Amount   int    `json:"amount"`
	Duration string `json:"duration"` // days, weeks, months, years
}

// Credential is a badge class: what an assertion certifies.
type Credential struct {
	EntityID          string    `json:"entity_id"`
	Tenant            string    `json:"tenant"`
	IssuerID          string    `json:"issuer_id"`
	Seq               uint64    `json:"seq"`
	Name              string    `json:"name"`
	NameOverride      *string   `json:"name_override"`
	Description       *string   `json:"description"`
	CriteriaURL       *string   `json:"criteria_url"`
	CriteriaNarrative *string   `json:"criteria_narrative"`
	CreatedAt         time.Time `json:"created_at"`
	IconImage         *string   `json:"icon_image"`
	BackgroundImage   *string   `json:"background_image"`
	ThumbnailImage    *string   `json:"thumbnail_image"`
	// The uploaded images (Image.ID) the URLs above are, when a write named
	// one by id (credential_images.go).
	IconImageID       *uint64        `json:"icon_image_id,omitempty"`
	BackgroundImageID *uint64        `json:"background_image_id,omitempty"`
	ThumbnailImageID  *uint64        `json:"thumbnail_image_id,omitempty"`
	CatalogItems      []string       `json:"catalog_items"`
	Courses           []Ref          `json:"courses"`
	Programs          []Ref          `json:"programs"`
	Pathways          []Ref          `json:"pathways"`
	HTMLTemplate      *string        `json:"html_template"`
	CSSTemplate       *string        `json:"css_template"`
	Metadata          map[string]any `json:"metadata"`
	CredentialType    *string        `json:"credential_type"`
	Expires           *Expiry        `json:"expires"`
	Tags              []string       `json:"tags"`
	Signal            *string        `json:"signal"`
	Public            bool           `json:"public"`
}

// Recipient is who an assertion was issued to.
type Recipient struct {
	Username string  `json:"username"`
	Email    *string `json:"email"`
	Name     *string `json:"name"`
}

// Assertion is one credential issued to one recipient.
type Assertion struct {
	EntityID         string         `json:"entity_id"`
	Tenant           string         `json:"tenant"`
	CredentialID     string         `json:"credential_id"`
	Seq              uint64         `json:"seq"`
	Recipient        Recipient      `json:"recipient"`
	IssuedOn         time.Time      `json:"issued_on"`
	ExpiresAt        *time.Time     `json:"expires_at"`
	Course           *Ref           `json:"course"`
	Program          *Ref           `json:"program"`
	Pathway          *Ref           `json:"pathway"`
	CatalogItem      *string        `json:"catalog_item"`
	Metadata         map[string]any `json:"metadata"`
	Narrative        *string        `json:"narrative"`
	Revoked          bool           `json:"revoked"`
	RevocationReason *string        `json:"revocation_reason"`
	Acceptance       string         `json:"acceptance"`
}

// Expired reports whether the assertion's expiry has passed at now.
func (a *Assertion) Expired(now time.Time) bool {
	return a.ExpiresAt != nil && !a.ExpiresAt.After(now)
}

// Active reports whether the assertion is neither revoked nor expired.
func (a *Assertion) Active(now time.Time) bool { return !a.Revoked && !a.Expired(now) }

// lastInstant is the latest time Python's datetime (and so the real
// service) can hold.
var lastInstant = time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC)

// errExpiryRange: an expiry that would fall after lastInstant.
var errExpiryRange = errors.New("the expiry would fall after 9999-12-31")

// From returns when an assertion issued at t expires (nil for no expiry),
// or errExpiryRange when that is after year 9999, where the real service's
// datetime arithmetic fails; the amount is checked before it is
// multiplied, so no amount can wrap round into the past.
func (e *Expiry) From(t time.Time) (*time.Time, error) {
	if e == nil || e.Amount <= 0 {
		return nil, nil
	}
	if e.Amount > e.maxAmount(t) {
		return nil, errExpiryRange
	}
	var out time.Time
	switch e.Duration {
	case "weeks":
		out = t.AddDate(0, 0, 7*e.Amount)
	case "months":
		out = t.AddDate(0, e.Amount, 0)
	case "years":
		out = t.AddDate(e.Amount, 0, 0)
	default: // days
		out = t.AddDate(0, 0, e.Amount)
	}
	if out.After(lastInstant) {
		return nil, errExpiryRange
	}
	return &out, nil
}

// maxAmount is the largest amount of e's unit that, counted from t, stays
// within year 9999.
func (e *Expiry) maxAmount(t time.Time) int {
	days := int(lastInstant.Sub(t).Hours() / 24) // Sub saturates: no overflow
	if lastInstant.Sub(t) == math.MaxInt64 {
		days = int(lastInstant.Sub(time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)).Hours()/24) + 1
	}
	months := (9999-t.Year())*12 + int(12-t.Month())
	switch e.Duration {
	case "weeks":
		return days / 7
	case "months":
		return months
	case "years":
		return months / 12
	}
	return days
}

// check refuses, on expires.amount, an expiry that would already fall after
// year 9999 for an assertion issued at now, with DRF's max_value wording
// and the largest amount that works.
func (e *Expiry) check(now time.Time) error {
	if _, err := e.From(now); err != nil {
		return api.Fields(map[string]any{"expires": map[string]any{"amount": []string{
			fmt.Sprintf("Ensure this value is less than or equal to %d.", e.maxAmount(now))}}})
	}
	return nil
}

// refName derives a display name for a course or program id the fake has no
// catalog entry for: the middle part of "course-v1:org+CODE+run" or of
// "org+program".
func refName(id string) *string {
	s := id
	if i := strings.Index(s, ":"); i >= 0 {
		s = s[i+1:]
	}
	name, rest, found := strings.Cut(s, "+")
	if found {
		name, _, _ = strings.Cut(rest, "+")
	}
	if name == "" {
		return nil
	}
	return &name
}
