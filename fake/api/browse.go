package api

// Browser is what a Module may also implement so that the dashboard
// (package internal/ui) can show its entities: counts per tenant for the
// overview, and pages of rows. Every row carries the entity as the module's
// own view functions render it, the ones its handlers answer with, so the
// dashboard never shows an entity otherwise than the API does. Each method
// reads in a transaction of its own and applies the module's rules of time
// (expiry, due processing) at the fake's clock, as a handler would.
type Browser interface {
	// BrowseTenants lists the tenants (orgs, platform keys) the module
	// holds entities of.
	BrowseTenants() ([]string, error)
	// BrowseStats counts a tenant's entities, for the overview.
	BrowseStats(tenant string) ([]Stat, error)
	// BrowseKinds lists the kinds of entity the module lists, in the order
	// the dashboard shows them.
	BrowseKinds() []BrowseKind
	// Browse lists one page of a kind. An unknown kind or filter value is
	// a 400 *Error.
	Browse(q BrowseQuery) (BrowsePage, error)
	// BrowseEntity returns one entity of a kind by its row's ID, with the
	// rows related to it; a 404 *Error when the tenant has none.
	BrowseEntity(tenant, kind, id string) (*BrowseRow, error)
}

// Stat is one count of a tenant's, as the overview shows it: Value, or
// Value of Of when Of is set (seats used of total), with a breakdown.
type Stat struct {
	Label string
	Value int
	Of    int
	// Kind is the browse kind that lists what is counted.
	Kind  string
	Parts []StatPart
}

// StatPart is one share of a Stat; Filter is the browse query (such as
// "state=revoked") that lists it.
type StatPart struct {
	Label  string
	Value  int
	Filter string
}

// BrowseKind is one kind of entity a Browser lists: Name in the
// dashboard's URLs, the table's Columns and the filters it takes.
type BrowseKind struct {
	Name    string
	Title   string
	Columns []string
	Filters []BrowseFilter
}

// BrowseFilter is one filter of a kind's list: a query parameter, and
// either a choice among Options or free text.
type BrowseFilter struct {
	Name    string
	Label   string
	Options []string
}

// BrowseQuery asks for one page of a kind: the filters given (by
// BrowseFilter.Name; empty values are no filter), Limit rows from Offset.
type BrowseQuery struct {
	Tenant, Kind  string
	Filter        map[string]string
	Offset, Limit int
}

// BrowsePage is one page of a kind and how many rows match in all.
type BrowsePage struct {
	Total int
	Rows  []BrowseRow
}

// BrowseRow is one entity: its ID (what BrowseEntity takes), the cells of
// its kind's columns, the vendor call that answers it and the entity as
// that call renders it.
type BrowseRow struct {
	ID    string
	Cells []BrowseCell
	// API is the method and path (with query) of the vendor call whose
	// answer holds View, e.g. "GET /api/credentials/orgs/acme/users/admin/ID".
	API string
	// In says where View sits in that answer: "" the whole answer,
	// "result", "[0]" (the first item), or "results[]" (one of a page's
	// items).
	In   string
	View any
	// Related are rows that belong to the entity (a license's
	// assignments); set by BrowseEntity only.
	Related []BrowseSection
}

// BrowseCell is one cell of a row. Link, when set, is another list or
// entity of the same tenant: "KIND?FILTER=VALUE" or "KIND/ID". Badge shows
// the text as a status (active, revoked, expired, pending, ...); Time says
// the text is a date-time as the API writes it, which the dashboard
// shortens; Mono, an identifier.
type BrowseCell struct {
	Text  string
	Link  string
	Badge bool
	Time  bool
	Mono  bool
}

// BrowseSection is a titled table of related rows.
type BrowseSection struct {
	Title   string
	Columns []string
	Rows    []BrowseRow
}
