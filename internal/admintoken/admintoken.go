// Package admintoken is the admin token check the fake and the proxy
// share: one rule and one wording for every /_fake/ route of either.
package admintoken

import (
	"crypto/subtle"
	"strings"
)

// The 401 answers' details, kept as constants so tests assert them.
const (
	Required = "The admin surface requires Authorization: Bearer <admin token>."
	Invalid  = "Invalid admin token."
)

// Challenge is the WWW-Authenticate header of a 401.
const Challenge = `Bearer realm="iblfake-admin"`

// Check reads an Authorization header against token: "" when it carries
// the token as a Bearer credential, else the 401's detail. The comparison
// takes the same time wherever the credential differs.
func Check(header, token string) string {
	scheme, got, ok := strings.Cut(strings.TrimSpace(header), " ")
	switch {
	case !ok || !strings.EqualFold(scheme, "Bearer"):
		return Required
	case subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(token)) != 1:
		return Invalid
	}
	return ""
}
