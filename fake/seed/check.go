package seed

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/internal/typo"
)

// Target is the fake a seed is checked against and applied to.
type Target struct {
	// Handler serves the vendor API and /_fake/ (Apply only); Auth is the
	// Authorization header its vendor routes are sent (any key of a fake
	// that binds none).
	Handler http.Handler
	Auth    string
	// Clock is moved to an entity's at for its create (Apply only).
	Clock *api.Clock
	// Operation returns an operation's method and path template; ok false
	// when the served document has no such id.
	Operation func(id string) (method, template string, ok bool)
	// Resolve returns the id of the operation method and path address,
	// "" for none.
	Resolve func(method, path string) string
	// Fields returns the properties of an operation's JSON request body,
	// nil when it declares none (then any key passes).
	Fields func(id string) []string
	// Suggest returns the operation ids closest to a wrong one.
	Suggest func(id string) []string
}

// The vendor operations a seed's entities are made with.
const (
	opIssuer          = "credentials_orgs_users_issuers_create"
	opCredential      = "credentials_orgs_users_create"
	opCredentialBody  = "credentials_orgs_users_update" // the create declares no body: its fields are the update's
	opAssertion       = "credentials_orgs_users_assertions_create"
	opLicense         = "catalog_licenses_%s_create_create"
	opSeat            = "catalog_licenses_%s_assignment_create"
	opGroupSeat       = "catalog_licenses_%s_assignment_group_create"
	opInvitation      = "catalog_invitations_%s_create"
	credentialsAdmin  = "admin" // the {user_id} of the credentials API's paths: the platform's admin
	defaultInvitation = "platform"
)

var (
	licenseKinds    = []string{"platform", "course", "program", "user"}
	invitationKinds = []string{"platform", "course", "program"}
)

// tenantFields are body fields a seed fills from the tenant and its own
// keys; a seed that gives them is told to leave them out.
var tenantFields = map[string]string{
	"platform_key": "the tenant's", "platform_org": "the tenant's",
	"license_id": "the license's", "user_id": "the user's (user: USERNAME)", "group_id": "the group's",
}

// tenantSeen is what the seeds so far declare of one tenant.
type tenantSeen struct {
	users       []User
	groups      []Group
	issuers     map[string]bool
	credentials map[string]bool
}

// world is what the seeds so far declare, tenant by tenant: seeds given
// together see each other's entities, in order.
type world map[string]*tenantSeen

func (w world) tenant(org string) *tenantSeen {
	if w[org] == nil {
		w[org] = &tenantSeen{issuers: map[string]bool{}, credentials: map[string]bool{}}
	}
	return w[org]
}

// user finds a declared user by username, email or id (written as text).
func (ts *tenantSeen) user(ref string) *User {
	for i := range ts.users {
		u := &ts.users[i]
		if u.Username == ref || u.Email != "" && strings.EqualFold(u.Email, ref) || strconv.FormatInt(u.ID, 10) == ref {
			return u
		}
	}
	return nil
}

// group finds a declared group by name, key or id.
func (ts *tenantSeen) group(ref string) *Group {
	for i := range ts.groups {
		g := &ts.groups[i]
		if g.Name == ref || g.Key == ref || strconv.FormatInt(g.ID, 10) == ref {
			return g
		}
	}
	return nil
}

// checker checks seeds against a target, keeping the first error, and
// what Apply needs: the users and groups with their ids and keys settled
// (world) and each resource's method, path and operation.
type checker struct {
	t         Target
	d         *Data
	err       *Error
	world     world
	now       time.Time
	resources map[*Resource]resolved
}

// resolved is a resource's request.
type resolved struct{ method, path, op string }

func (c *checker) fail(line int, where, format string, args ...any) {
	if c.err == nil {
		c.err = &Error{File: c.d.name(), Line: line, Where: where, Reason: fmt.Sprintf(format, args...)}
	}
}

// Check checks seeds (in order: later ones may name what earlier ones
// declare) against what t serves, making nothing: every key is the seed's
// own or a field of the vendor's create body, every reference names an
// entity a seed declares (before it), every kind, operation and time is
// one there is. It fills in what Apply needs (user and group ids, group
// keys). It changes nothing of seeds. Errors are *Error.
func Check(t Target, seeds ...*Data) error {
	_, err := check(t, seeds)
	return err
}

func check(t Target, seeds []*Data) (*checker, error) {
	c := &checker{t: t, world: world{}, now: time.Now(), resources: map[*Resource]resolved{}}
	for _, d := range seeds {
		c.d = d
		for i := range d.Tenants {
			c.tenant(&d.Tenants[i])
			if c.err != nil {
				return nil, c.err
			}
		}
	}
	return c, nil
}

func (c *checker) tenant(t *Tenant) {
	where := "tenant " + t.Org
	if t.Org == "" {
		c.fail(t.pos.line, "tenants", "an org may not be empty")
		return
	}
	ts := c.world.tenant(t.Org)
	c.directory(t, ts, where)
	for i := range t.Issuers {
		e := &t.Issuers[i]
		w := fmt.Sprintf("%s: issuer %d", where, i+1)
		if e.Name == "" {
			c.fail(e.pos.line, w, "name: required (credentials name their issuer by it)")
			return
		}
		w = fmt.Sprintf("%s: issuer %q", where, e.Name)
		if ts.issuers[e.Name] {
			c.fail(e.pos.lineOf("name"), w, "another issuer of %s has this name; credentials name their issuer by it", t.Org)
		}
		ts.issuers[e.Name] = true
		c.at(e.At, e.pos, w)
		c.fields(e.Fields, e.pos, w, "an issuer", opIssuer, "name", "at")
	}
	for i := range t.Credentials {
		e := &t.Credentials[i]
		w := fmt.Sprintf("%s: credential %d", where, i+1)
		if e.Name == "" {
			c.fail(e.pos.line, w, "name: required (assertions name their credential by it)")
			return
		}
		w = fmt.Sprintf("%s: credential %q", where, e.Name)
		if ts.credentials[e.Name] {
			c.fail(e.pos.lineOf("name"), w, "another credential of %s has this name; assertions name their credential by it", t.Org)
		}
		ts.credentials[e.Name] = true
		switch {
		case e.Issuer == "":
			c.fail(e.pos.line, w, "issuer: required, the name of an issuer of %s", t.Org)
		case !ts.issuers[e.Issuer]:
			c.fail(e.pos.lineOf("issuer"), w, "issuer %q is not declared in tenant %s%s", e.Issuer, t.Org, c.known(slices.Sorted(maps.Keys(ts.issuers)), e.Issuer))
		}
		for _, u := range e.Assign.Users {
			if ts.user(u) == nil {
				c.fail(e.pos.lineOf("assign"), w, "assign: user %q is not declared in tenant %s's users%s", u, t.Org, c.known(usernames(ts.users), u))
			}
		}
		for _, g := range e.Assign.Groups {
			if ts.group(g) == nil {
				c.fail(e.pos.lineOf("assign"), w, "assign: group %q is not declared in tenant %s's groups%s", g, t.Org, c.known(groupNames(ts.groups), g))
			}
		}
		c.at(e.At, e.pos, w)
		c.fields(e.Fields, e.pos, w, "a credential", opCredentialBody, "name", "issuer", "at", "assign")
	}
	for i := range t.Assertions {
		e := &t.Assertions[i]
		w := fmt.Sprintf("%s: assertion %d", where, i+1)
		switch {
		case e.Credential == "":
			c.fail(e.pos.line, w, "credential: required, the name of a credential of %s", t.Org)
		case !ts.credentials[e.Credential]:
			c.fail(e.pos.lineOf("credential"), w, "credential %q is not declared in tenant %s%s", e.Credential, t.Org, c.known(slices.Sorted(maps.Keys(ts.credentials)), e.Credential))
		}
		switch {
		case e.RecipientObject != nil && e.Recipient != "":
			c.fail(e.pos.lineOf("recipient"), w, "give recipient as a user's username or as {identity, email, name}, not both")
		case e.RecipientObject != nil:
		case e.Recipient == "":
			c.fail(e.pos.line, w, "recipient: required, a username or email of tenant %s's users, or {identity, email, name}", t.Org)
		case ts.user(e.Recipient) == nil:
			c.fail(e.pos.lineOf("recipient"), w, "recipient %q is not declared in tenant %s's users%s; declare the user, or write recipient: {identity: ..., email: ...}", e.Recipient, t.Org, c.known(usernames(ts.users), e.Recipient))
		}
		if e.RevocationReason != "" && !e.Revoked {
			c.fail(e.pos.lineOf("revocationReason"), w, "revocationReason without revoked: true")
		}
		c.at(e.At, e.pos, w)
		c.fields(e.Fields, e.pos, w, "an assertion", opAssertion, "credential", "recipient", "revoked", "revocationReason", "at")
	}
	for i := range t.Licenses {
		c.license(&t.Licenses[i], ts, fmt.Sprintf("%s: license %d", where, i+1), t.Org)
	}
	for i := range t.Invitations {
		e := &t.Invitations[i]
		w := fmt.Sprintf("%s: invitation %d", where, i+1)
		kind := invitationKind(e)
		if !slices.Contains(invitationKinds, kind) {
			c.fail(e.pos.lineOf("kind"), w, "kind %q is none of %s", kind, strings.Join(invitationKinds, ", "))
			return
		}
		if e.User != "" && ts.user(e.User) == nil {
			c.fail(e.pos.lineOf("user"), w, "user %q is not declared in tenant %s's users%s", e.User, t.Org, c.known(usernames(ts.users), e.User))
		}
		c.at(e.At, e.pos, w)
		c.fields(e.Fields, e.pos, w, "a "+kind+" invitation", fmt.Sprintf(opInvitation, kind), "kind", "user", "at")
	}
	for i := range t.Resources {
		c.resource(&t.Resources[i], t.Org, fmt.Sprintf("%s: resource %d", where, i+1))
	}
}

// directory checks the users and groups and settles their ids and keys.
func (c *checker) directory(t *Tenant, ts *tenantSeen, where string) {
	next := int64(0)
	for _, u := range ts.users {
		next = max(next, u.ID)
	}
	for i := range t.Users {
		u := t.Users[i] // a copy: the seed stays as written
		w := fmt.Sprintf("%s: user %d", where, i+1)
		if u.Username == "" {
			c.fail(u.pos.line, w, "username: required")
			return
		}
		if u.ID == 0 {
			u.ID = next + 1
		}
		next = max(next, u.ID)
		for _, o := range ts.users {
			if o.Username == u.Username || o.ID == u.ID {
				c.fail(u.pos.line, fmt.Sprintf("%s: user %q", where, u.Username), "another user of %s has this username or id (%d)", t.Org, u.ID)
				return
			}
		}
		ts.users = append(ts.users, u)
	}
	next = 0
	for _, g := range ts.groups {
		next = max(next, g.ID)
	}
	for i := range t.Groups {
		g := t.Groups[i]
		w := fmt.Sprintf("%s: group %d", where, i+1)
		if g.Name == "" {
			c.fail(g.pos.line, w, "name: required")
			return
		}
		if g.ID == 0 {
			g.ID = next + 1
		}
		next = max(next, g.ID)
		if g.Key == "" {
			g.Key = strconv.FormatInt(g.ID, 10)
		}
		for _, o := range ts.groups {
			if o.Name == g.Name || o.ID == g.ID || o.Key == g.Key {
				c.fail(g.pos.line, fmt.Sprintf("%s: group %q", where, g.Name), "another group of %s has this name, id or key", t.Org)
				return
			}
		}
		for _, m := range g.Members {
			if ts.user(m) == nil {
				c.fail(g.pos.lineOf("members"), fmt.Sprintf("%s: group %q", where, g.Name), "member %q is not declared in tenant %s's users%s", m, t.Org, c.known(usernames(ts.users), m))
				return
			}
		}
		ts.groups = append(ts.groups, g)
	}
}

func (c *checker) license(e *License, ts *tenantSeen, where, org string) {
	if !slices.Contains(licenseKinds, e.Kind) {
		c.fail(e.pos.lineOf("kind"), where, "kind %q is none of %s", e.Kind, strings.Join(licenseKinds, ", "))
		return
	}
	where = e.where(where)
	c.at(e.At, e.pos, where)
	c.fields(e.Fields, e.pos, where, "a "+e.Kind+" license", fmt.Sprintf(opLicense, e.Kind), "kind", "at", "seats", "groups")
	for i := range e.Seats {
		s := &e.Seats[i]
		w := fmt.Sprintf("%s: seat %d", where, i+1)
		switch {
		case s.User == "" && s.Fields["email"] == nil && s.Fields["username"] == nil:
			c.fail(s.pos.line, w, "a seat is a user's (user: USERNAME) or an email's (email: ...)")
		case s.User != "" && ts.user(s.User) == nil:
			c.fail(s.pos.lineOf("user"), w, "user %q is not declared in tenant %s's users%s", s.User, org, c.known(usernames(ts.users), s.User))
		}
		c.at(s.At, s.pos, w)
		c.fields(s.Fields, s.pos, w, "a seat", fmt.Sprintf(opSeat, e.Kind), "user", "at")
	}
	for i := range e.GroupSeats {
		s := &e.GroupSeats[i]
		w := fmt.Sprintf("%s: group seat %d", where, i+1)
		if ts.group(s.Group) == nil {
			c.fail(s.pos.lineOf("group"), w, "group %q is not declared in tenant %s's groups%s", s.Group, org, c.known(groupNames(ts.groups), s.Group))
		}
		c.at(s.At, s.pos, w)
		c.fields(s.Fields, s.pos, w, "a group seat", fmt.Sprintf(opGroupSeat, e.Kind), "group", "at")
	}
}

// paramRE finds a template's path parameters.
var paramRE = regexp.MustCompile(`\{([^}/]+)\}`)

func (c *checker) resource(r *Resource, org, where string) {
	res := resolved{method: r.Method, op: r.Operation}
	switch {
	case r.Operation != "" && r.Path != "":
		c.fail(r.pos.line, where, "give operation or path, not both")
		return
	case r.Operation != "":
		method, tpl, ok := c.t.Operation(r.Operation)
		if !ok {
			hint := ""
			if near := c.t.Suggest(r.Operation); len(near) > 0 {
				hint = "; did you mean " + strings.Join(near, ", ") + "?"
			}
			c.fail(r.pos.lineOf("operation"), where, "operation %q is not an operation of the served document%s", r.Operation, hint)
			return
		}
		if r.Method != "" && r.Method != method {
			c.fail(r.pos.lineOf("method"), where, "operation %s is a %s, not a %s", r.Operation, method, r.Method)
			return
		}
		res.method = method
		var missing []string
		res.path = paramRE.ReplaceAllStringFunc(tpl, func(m string) string {
			name := m[1 : len(m)-1]
			if v, ok := r.Params[name]; ok {
				return url.PathEscape(v)
			}
			switch name {
			case "org", "platform_key", "key":
				return url.PathEscape(org)
			case "user_id", "username":
				return credentialsAdmin
			}
			missing = append(missing, name)
			return m
		})
		if len(missing) > 0 {
			c.fail(r.pos.lineOf("operation"), where, "the path of %s (%s) names %s: give it in params", r.Operation, tpl, strings.Join(missing, ", "))
			return
		}
	case r.Path != "":
		if res.method == "" {
			res.method = http.MethodPost
		}
		res.path = r.Path
		if !strings.HasPrefix(r.Path, "/") || strings.HasPrefix(r.Path, "/_fake") {
			c.fail(r.pos.lineOf("path"), where, "path %q is not a path of the vendor API", r.Path)
			return
		}
		p, _, _ := strings.Cut(r.Path, "?")
		if res.op = c.t.Resolve(res.method, p); res.op == "" {
			c.fail(r.pos.lineOf("path"), where, "%s %s is no operation of the served document", res.method, r.Path)
			return
		}
		if len(r.Params) > 0 {
			c.fail(r.pos.lineOf("params"), where, "params fill an operation's template; a path is written whole")
			return
		}
	default:
		c.fail(r.pos.line, where, "operation (an operationId) or path: required")
		return
	}
	c.resources[r] = res
	c.at(r.At, r.pos, where)
	if allowed := c.t.Fields(res.op); allowed != nil {
		for _, k := range slices.Sorted(maps.Keys(r.Body)) {
			if !slices.Contains(allowed, k) {
				c.fail(r.pos.lineOf("body"), where, "body: %s does not take %q%s (it takes %s)", res.op, k, didYouMean(k, allowed), strings.Join(allowed, ", "))
				return
			}
		}
	}
}

// fields checks that every key of fields is a property of op's request
// body (when the document declares its properties) and none is one the
// seed fills itself; own are the seed's keys, for the message.
func (c *checker) fields(fields map[string]any, pos position, where, what, op string, own ...string) {
	if c.err != nil {
		return
	}
	allowed := c.t.Fields(op)
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if whose, ok := tenantFields[k]; ok {
			c.fail(pos.lineOf(k), where, "%s: the seed fills it (%s); leave it out", k, whose)
			return
		}
		if allowed != nil && !slices.Contains(allowed, k) {
			var body []string
			for _, a := range allowed {
				if _, filled := tenantFields[a]; !filled && !slices.Contains(own, a) {
					body = append(body, a)
				}
			}
			c.fail(pos.lineOf(k), where, "unknown key %q for %s%s (the seed's keys: %s; the vendor's %s body: %s)",
				k, what, didYouMean(k, append(append([]string(nil), own...), body...)), strings.Join(own, ", "), op, strings.Join(body, ", "))
			return
		}
	}
}

// at checks an entity's time.
func (c *checker) at(at string, pos position, where string) {
	if at == "" {
		return
	}
	if _, err := When(at, c.now); err != nil {
		c.fail(pos.lineOf("at"), where, "at: %v", err)
	}
}

// known lists the names a reference could have meant.
func (c *checker) known(names []string, ref string) string {
	if len(names) == 0 {
		return " (it declares none)"
	}
	if near := typo.Closest(ref, names); near != "" {
		return "; did you mean " + strconv.Quote(near) + "?"
	}
	if len(names) > 8 {
		names = append(names[:8:8], "...")
	}
	return " (" + strings.Join(names, ", ") + ")"
}

// where names a license in errors: its place, and its name if it has one.
func (e *License) where(place string) string {
	if n, ok := e.Fields["name"].(string); ok && n != "" {
		return fmt.Sprintf("%s (%q)", place, n)
	}
	return place
}

// invitationKind is an invitation's kind, platform when unset.
func invitationKind(e *Invitation) string {
	if e.Kind == "" {
		return defaultInvitation
	}
	return e.Kind
}

func usernames(us []User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Username
	}
	return out
}

func groupNames(gs []Group) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.Name
	}
	return out
}

// When is the time an entity's at names, from now: an RFC 3339 time, a
// date (2026-01-31, midnight UTC), or a distance from now as a Go duration
// ("-720h") or in days ("-30d").
func When(at string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, at); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, at); err == nil {
		return t, nil
	}
	if days, ok := strings.CutSuffix(at, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n > -100000 && n < 100000 {
			return now.AddDate(0, 0, n), nil
		}
	}
	if d, err := time.ParseDuration(at); err == nil {
		return now.Add(d), nil
	}
	return time.Time{}, fmt.Errorf("%q is neither a time (RFC 3339, or a date such as 2026-01-31) nor a distance from now (-720h, -30d)", at)
}
