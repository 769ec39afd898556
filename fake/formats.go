package fake

import (
	"errors"
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/iblfake/iblfake/fake/api"
)

// errNotURL is what urlFormat reports; validate.go words it as DRF's
// URLField does ("Enter a valid URL.").
var errNotURL = errors.New("not a valid URL")

// urlFormat validates the spec's `format: uri` strings (the invitation
// creates' redirect_to) as Django's URLValidator does, which backs DRF's
// URLField, from which drf-spectacular writes that format. kin-openapi has
// no validator for it and would let "not a url" through, which the real
// service refuses with {"redirect_to": ["Enter a valid URL."]}.
//
// Django's rules: scheme http, https, ftp or ftps; optional user:password@;
// a host that is localhost, an IPv4 or bracketed IPv6 address, or a domain
// name with a top-level domain (labels of letters, digits and hyphens, or
// any character from U+00A1 up, not starting or ending with a hyphen; the
// TLD alphabetic or xn--); optional port up to 65535; then /, ? or # and
// anything without whitespace; 2,048 characters at most.
//
// The empty string passes: whether the real field allows blank is not
// documented, and the fake must not refuse what the real server may accept.
type urlFormat struct{}

// Validate implements openapi3.StringFormatValidator.
func (urlFormat) Validate(v string) error {
	if v == "" {
		return nil
	}
	if utf8.RuneCountInString(v) > 2048 || strings.ContainsAny(v, " \t\r\n\f\v") {
		return errNotURL
	}
	scheme, rest, ok := strings.Cut(v, "://")
	switch strings.ToLower(scheme) {
	case "http", "https", "ftp", "ftps":
	default:
		return errNotURL
	}
	if !ok {
		return errNotURL
	}
	authority := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority = rest[:i]
	}
	if i := strings.LastIndexByte(authority, '@'); i >= 0 {
		user, _, _ := strings.Cut(authority[:i], ":")
		if user == "" || strings.ContainsAny(authority[:i], "@/") || strings.Count(authority[:i], ":") > 1 {
			return errNotURL
		}
		authority = authority[i+1:]
	}
	if strings.HasPrefix(authority, "[") {
		end := strings.IndexByte(authority, ']')
		if end < 0 {
			return errNotURL
		}
		if a, err := netip.ParseAddr(authority[1:end]); err != nil || !a.Is6() || a.Zone() != "" {
			return errNotURL
		}
		if after := authority[end+1:]; after != "" && (after[0] != ':' || !validPort(after[1:])) {
			return errNotURL
		}
		return nil
	}
	host := authority
	if i := strings.LastIndexByte(authority, ':'); i >= 0 {
		if !validPort(authority[i+1:]) {
			return errNotURL
		}
		host = authority[:i]
	}
	if strings.EqualFold(host, "localhost") || isDjangoIPv4(host) || validDomain(host) {
		return nil
	}
	return errNotURL
}

// validPort is one to five digits, at most 65535.
func validPort(p string) bool {
	if p == "" || len(p) > 5 || strings.Trim(p, "0123456789") != "" {
		return false
	}
	n, _ := strconv.Atoi(p)
	return n <= 65535
}

// isDjangoIPv4 is a dotted quad without leading zeros (Django's ipv4_re).
func isDjangoIPv4(h string) bool {
	a, err := netip.ParseAddr(h)
	return err == nil && a.Is4()
}

// validDomain is Django's hostname_re + domain_re + tld_re: at least two
// labels, the last one the TLD; a trailing dot is allowed.
func validDomain(h string) bool {
	h = strings.TrimSuffix(h, ".")
	labels := strings.Split(h, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels[:len(labels)-1] {
		if !validLabel(l, false) {
			return false
		}
	}
	return validLabel(labels[len(labels)-1], true)
}

// validLabel checks one domain label (tld: the last, which must be
// alphabetic, 2-63 characters, or an xn-- punycode label).
func validLabel(l string, tld bool) bool {
	n := utf8.RuneCountInString(l)
	if n == 0 || n > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	if tld && len(l) > 4 && strings.EqualFold(l[:4], "xn--") {
		for _, r := range l[4:] {
			if !isASCIIAlnum(r) {
				return false
			}
		}
		return true
	}
	if tld && n < 2 {
		return false
	}
	for _, r := range l {
		switch {
		case r >= 0xA1:
		case r == '-':
		case isASCIILetter(r):
		case r >= '0' && r <= '9' && !tld:
		default:
			return false
		}
	}
	return true
}

func isASCIILetter(r rune) bool { return r|0x20 >= 'a' && r|0x20 <= 'z' }

func isASCIIAlnum(r rune) bool { return isASCIILetter(r) || r >= '0' && r <= '9' }

// emailFormat validates `format: email` strings as Django's EmailValidator
// does (api.ValidEmail), which backs DRF's EmailField, from which
// drf-spectacular writes that format: kin-openapi knows no email format and
// would let "not-an-email" through. Blank passes, as the handlers let it
// through (a username may stand in for the email).
type emailFormat struct{}

// Validate implements openapi3.StringFormatValidator.
func (emailFormat) Validate(v string) error {
	if v == "" || api.ValidEmail(v) {
		return nil
	}
	return errNotEmail
}

var errNotEmail = errors.New("not a valid email address")
