package api

import (
	"github.com/iblfake/iblfake/fake/store"
	"github.com/labstack/echo/v4"
)

// Module is one domain package (credentials, catalog, ...) as the server
// wires it. New takes every module through these methods alone, so a
// module cannot mount a route the server does not guard: vendor operations
// get the vendor pipeline (scenarios, auth, validation, journal), admin
// routes the one /_fake group behind the admin token and its body limit.
type Module interface {
	// Operations are the operations the module serves, each with its
	// handler and what the server must know of it; every id is spelled
	// out literally once in the module.
	Operations() []Operation
	// AdminRoutes are the module's routes under /_fake/ (Path relative to
	// it, e.g. "/groups").
	AdminRoutes() []Route
	// MediaRoutes are public routes outside the vendor document (uploaded
	// files at their media URLs).
	MediaRoutes() []Route
	// TenantScopes says how each bucket the module writes belongs to a
	// tenant, for per-tenant export and import.
	TenantScopes() []store.Scope
}

// Operation is one operation of the document as a module serves it: the
// facts about it live here, beside its handler, so a forgotten one shows
// in review where the handler is.
type Operation struct {
	// ID is the document's operationId.
	ID string
	// Handle answers the request, after the server's pipeline (scenarios,
	// authentication, permissions, validation).
	Handle echo.HandlerFunc
	// Tier is how the operation is answered, for coverage and the
	// journal: TierStateful when empty.
	Tier string
	// DMAdminOnly: the data manager's admins alone may call it on the real
	// service; a key bound to orgs gets DRF's 403 (before validation).
	DMAdminOnly bool
	// Entity returns the stored entity a request addresses, as the API
	// renders it, for scenario rules' when clauses and templates; nil for
	// an operation that addresses none. It runs after the request is
	// authenticated and authorised.
	Entity func(c echo.Context) (map[string]any, bool)
}

// TierStateful is the tier of an operation a domain module handles over
// the store.
const TierStateful = "stateful"

// Route is a non-vendor route a module serves.
type Route struct {
	Method  string
	Path    string // Echo syntax
	Handler echo.HandlerFunc
	// MaxBody bounds the request body of an admin route (0: the admin
	// surface's default limit).
	MaxBody int64
	// Query names the query parameters an admin route takes (and its HEAD
	// twin): the server answers any other with a 400 naming it before the
	// handler runs, so a guessed parameter (POST /_fake/reset?tenant=x on
	// a fake whose reset took none) never does something else silently.
	Query []string
}

// Names is a module that knows a tenant's entities by name, so that the
// long tail's synthesized fields that name one (a user, a course) name one
// of the tenant's own, and its lists of such entities (a catalog's
// courses) list them. Names returns, per kind, the tenant's values:
// "username", "user_id" (numeric, as text), "email", "course" (course
// keys), "program" (program ids and keys), "credential" (entity ids), and
// the display names "course_name", "program_name", "credential_name".
type Names interface {
	Names(tx store.Tx, tenant string) map[string][]string
}

// Index is an index bucket a module keeps beside one of its entity
// buckets, declared so that a state document (PUT /_fake/state, a
// fixture) is checked against what the handlers would have written: every
// entity of Of has exactly the entries Entries returns in Bucket, and
// Bucket holds no other. A hand-written document that lists an entity
// without its index entries (which the lists read) is refused, naming the
// entity, instead of loading and showing nothing.
type Index struct {
	// Bucket is the index bucket; Of the entity bucket it indexes. For a
	// per-kind prefix ("catalog.licenses_by_tenant."), Of is a prefix too
	// and each kind's index indexes the same kind's entities.
	Bucket, Of string
	// Entries returns the entries the entity stored under key (its JSON,
	// value) has in Bucket, as the module's write path makes them; an
	// error says why the entity itself is not one the module would store
	// (a key that is not its id, a value that does not decode).
	Entries func(key string, value []byte) ([]IndexEntry, error)
}

// IndexEntry is one entry of an index: its key and value (nil: any value,
// for data kept beside an entity rather than derived from it).
type IndexEntry struct {
	Key   string
	Value []byte
}

// Indexer is a Module that declares its indexes (Index). The server
// checks every state document against the indexes its modules declare.
type Indexer interface {
	Indexes() []Index
}

// Titles is a module that knows what a tenant's entities are called, so
// that the long tail's lists of them (a catalog's courses, the search
// service's pickers) show their names, not their keys. Titles returns
// display names by key: a course key ("course-v1:demo+DS204+2026_T1") or
// a program id or key ("program-v1:demo+DSCERT+2026", "demo+DSCERT").
type Titles interface {
	Titles(tx store.Tx, tenant string) map[string]string
}

// DirectoryUser is a tenant's user as a module's directory knows it.
type DirectoryUser struct {
	UserID   int64
	Username string
	Email    string
	Name     string
	// Admin: the user administers the tenant (the credentials
	// directory's platform_admin).
	Admin bool
}

// Roster is a module that keeps a tenant's users with their emails, so
// that the long tail can reach a user named by email or username (a
// notification's recipients). Users returns them in the directory's order.
type Roster interface {
	Users(tx store.Tx, tenant string) []DirectoryUser
}

// Directory is a module that keeps a tenant's users (the directories
// PUT /_fake/groups and PUT /_fake/credential-groups set), so that the
// LMS stand-in (internal/lms) can say who a user is on each tenant. User
// looks a tenant's user up by username; ok is false for a user the
// directory does not hold.
type Directory interface {
	User(tx store.Tx, tenant, username string) (u DirectoryUser, ok bool)
}
