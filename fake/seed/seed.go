// Package seed is the seed format: the entities a test or a laptop starts
// from, written by hand by name (issuers, credentials naming their issuer,
// assertions by recipient naming their credential, licenses of every kind
// with their seats, invitations, a platform's users and groups, and any
// long-tail resource), in YAML or JSON (Parse) or as Go values (Data).
//
// A seed is not state: the server applies it through its own HTTP handler
// (Apply), as a client would make the same entities, so every domain rule
// holds and every index is written, on a server made for the purpose; the
// result reaches the real store in one transaction (package fake, WithFixture
// and WithSeedData). Everything a seed names is checked before anything is
// made (Check): an unknown key, a field the vendor's create operation does
// not take, a reference to an entity the seed does not declare. Errors name
// the file and line (Error).
//
//	format: iblfake-seed/1
//	tenants:
//	  acme:                            # an org, also its catalog platform key
//	    users:                         # both directories: credentials and catalog
//	      - {id: 7, username: ada, email: ada@acme.test, name: Ada Lovelace}
//	      - {id: 9, username: carol, admin: true}
//	    groups:
//	      - {id: 10, key: cohort-a, name: Cohort A, members: [ada]}
//	    issuers:
//	      - {name: Acme Academy, email: badges@acme.test}
//	    credentials:
//	      - name: Data Science
//	        issuer: Acme Academy       # by name
//	        courses: [course-v1:acme+DS101+2024]
//	        assign: {users: [ada], groups: [cohort-a]}
//	    assertions:
//	      - {credential: Data Science, recipient: ada, at: -30d}
//	      - {credential: Data Science, recipient: carol, revoked: true, revocationReason: Issued in error.}
//	    licenses:
//	      - kind: user                 # platform, course, program or user
//	        name: Pilot
//	        count: 10
//	        seats: [ada, {user: carol, fulfilled: true}, {email: new@acme.test}]
//	        groups: [Cohort A]
//	    invitations:
//	      - {kind: platform, email: invitee@acme.test}
//	    resources:                     # the long tail, created through the vendor API
//	      - operation: ai_mentor_orgs_users_mcp_servers_create
//	        body: {name: Docs, url: https://mcp.acme.test}
package seed

import (
	"fmt"
	"strings"

	"github.com/iblfake/iblfake/fake/state"
)

// Format names the seed format; a fixture that names it is a seed.
const Format = state.SeedFormat

// Data is a seed: tenants, applied in order.
type Data struct {
	Tenants []Tenant
	// file names the seed in errors ("" for Go values: "seed data").
	file string
}

// Tenant is one org's entities, made in this order: the directory (users
// and groups), issuers, credentials (and their assignments), assertions,
// licenses (and their seats), invitations, resources.
type Tenant struct {
	// Org is the org, also the catalog's platform key.
	Org         string
	Users       []User
	Groups      []Group
	Issuers     []Issuer
	Credentials []Credential
	Assertions  []Assertion
	Licenses    []License
	Invitations []Invitation
	Resources   []Resource
	pos         position
}

// User is a user of the platform, in both directories the fake keeps: the
// credentials one (PUT /_fake/credential-groups: assignments resolve user
// ids there; Admin is its platform_admin) and the catalog one (PUT
// /_fake/groups: license seats). ID 0 is the next id after the largest
// before it.
type User struct {
	ID                    int64
	Username, Email, Name string
	Admin                 bool
	pos                   position
}

// Group is a group of users: Members are usernames (or emails) of declared
// users. ID is the catalog's (license group seats; 0: the next after the
// largest before it), Key the credentials directory's (credential group
// assignments; "": the ID in decimal). Seeds refer to a group by Name or
// Key.
type Group struct {
	ID        int64
	Key, Name string
	Members   []string
	pos       position
}

// Issuer is an issuer, referred to by Name; Fields are the rest of its
// create body (email, url, ...).
type Issuer struct {
	Name   string
	At     string
	Fields map[string]any
	pos    position
}

// Credential is a credential of the issuer named Issuer, referred to by
// Name; Fields are the rest of its create body (courses, description,
// expires, ...). Assign assigns it to declared users and groups.
type Credential struct {
	Name, Issuer string
	At           string
	Fields       map[string]any
	Assign       Assign
	pos          position
}

// Assign names the users (usernames) and groups (name or key) a
// credential is assigned to.
type Assign struct {
	Users, Groups []string
}

// Assertion is the credential named Credential issued to Recipient, a
// declared user's username or email (the recipient's identity, email and
// name come from the user), or, for someone the seed does not declare,
// RecipientObject as the vendor takes it ({identity, email, name}).
// Revoked revokes it at once, with RevocationReason. Fields are the rest of
// its create body (course, program, metadata, narrative, ...).
type Assertion struct {
	Credential, Recipient string
	RecipientObject       map[string]any
	Revoked               bool
	RevocationReason      string
	At                    string
	Fields                map[string]any
	pos                   position
}

// License is a license of Kind (platform, course, program or user); Fields
// are the rest of its create body (name, count, course_id, program_id,
// external_id, expired, active, ...; the platform key is the tenant's).
// Seats assigns it to users, GroupSeats to groups.
type License struct {
	Kind       string
	At         string
	Fields     map[string]any
	Seats      []Seat
	GroupSeats []GroupSeat
	pos        position
}

// Seat is one seat assignment: to the declared user User (username or
// email), or by Fields alone (an email-only seat: Fields["email"]); Fields
// are the rest of its body (fulfilled, active, metadata, ...).
type Seat struct {
	User   string
	At     string
	Fields map[string]any
	pos    position
}

// GroupSeat assigns a license to the declared group Group (name or key).
type GroupSeat struct {
	Group  string
	At     string
	Fields map[string]any
	pos    position
}

// Invitation is an invitation of Kind (platform, course or program;
// "": platform), to the declared user User (its username) or by Fields
// (email, course_id, program_key, expired, active, ...).
type Invitation struct {
	Kind, User string
	At         string
	Fields     map[string]any
	pos        position
}

// Resource is a long-tail (or any) create sent through the vendor API:
// Operation names its operationId, or Path its path (Method: POST when
// empty). In Operation's template, {org}, {platform_key} and {key} are
// the tenant and {user_id} and {username} are "admin", unless Params
// gives them; any other parameter must be in Params. Body is the request
// body.
type Resource struct {
	Operation, Path, Method string
	Params                  map[string]string
	At                      string
	Body                    map[string]any
	pos                     position
}

// position is where an entity was written: its line and each key's (for
// errors; zero for Go values).
type position struct {
	line int
	keys map[string]int
}

// lineOf is the line of key in the entity, or the entity's own line.
func (p position) lineOf(key string) int {
	if l, ok := p.keys[key]; ok {
		return l
	}
	return p.line
}

// Error is a seed that cannot be applied: the file ("seed data" for Go
// values), the line (0 when unknown), the entity and why.
type Error struct {
	File   string
	Line   int
	Where  string
	Reason string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Where != "" {
		b.WriteString(e.Where)
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// name is how errors name the seed.
func (d *Data) name() string {
	if d.file == "" {
		return "seed data"
	}
	return d.file
}
