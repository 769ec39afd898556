package api

import "strings"

// ValidEmail is Django's EmailValidator in short: one @, a non-empty local
// part, and a dotted domain without spaces or the characters an address
// cannot hold unquoted.
func ValidEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || strings.ContainsAny(s, " \t\r\n<>,;") || strings.Contains(domain, "@") {
		return false
	}
	dot := strings.LastIndex(domain, ".")
	return dot > 0 && dot < len(domain)-1
}
