package api

import (
	"sync"

	"github.com/getkin/kin-openapi/routers"
	"github.com/iblfake/iblfake/scenarios"
	"github.com/labstack/echo/v4"
)

// Request is what the server knows of one request, in one typed record:
// set by the pipeline as it learns each fact (the operation when it
// resolves the path, the tenant before authentication, the body once
// read), read by the handlers, the scenario engine and the journal.
// RequestOf returns it; nothing else is kept on the echo.Context.
type Request struct {
	// Operation is the operationId the request addresses ("" for none:
	// a 404, an admin route).
	Operation string
	// Tier is how the fake answers the operation (fake.Coverage).
	Tier string
	// Route is the operation as kin-openapi describes it: what the
	// request is validated against and a synthesized answer made from.
	Route *routers.Route
	// Tenant is the org (platform key) the request is for (FIDELITY.md,
	// "tenants"); "" while none is known.
	Tenant string
	// Allows reports whether the request's key may touch a tenant; nil
	// for a key that may touch every one (none bound, a DM admin).
	Allows func(tenant string) bool
	// Body is the body as the server read it, once.
	Body *Body
	// Scenario is the scenario rule that answered, "scenario/rule".
	Scenario string
	// Note says what the fake did differently from what was asked, for
	// the journal.
	Note string
	// Prefer is a scenario rule's prefer (code=, example=, ...), and
	// PreferParams the __code, __example, __dynamic and __seed query
	// parameters the server took out of the query before validation.
	Prefer       string
	PreferParams map[string]string
	// ScenarioRequest is what the scenario engine saw of the request, made
	// once for both of its phases.
	ScenarioRequest *scenarios.Request
}

// requestKey is the one key the record is kept under.
const requestKey = "iblfake.request"

// records are reused from request to request (Begin, End): the record is
// on every request's path.
var records = sync.Pool{New: func() any { return new(Request) }}

// Begin gives c a record for its whole life; the server's outermost
// middleware calls it, and End once nothing reads the record any more.
func Begin(c echo.Context) *Request {
	r := records.Get().(*Request)
	c.Set(requestKey, r)
	return r
}

// End takes c's record back for another request.
func End(c echo.Context, r *Request) {
	*r = Request{}
	c.Set(requestKey, nil)
	records.Put(r)
}

// RequestOf returns c's record, making an empty one for a request the
// pipeline has not seen (a test calling a handler directly).
func RequestOf(c echo.Context) *Request {
	if r, ok := c.Get(requestKey).(*Request); ok {
		return r
	}
	r := &Request{}
	c.Set(requestKey, r)
	return r
}

// PeekRequest returns c's record, or nil when the pipeline made none (a
// 404, a media file): an observer (the journal) never makes one.
func PeekRequest(c echo.Context) *Request {
	r, _ := c.Get(requestKey).(*Request)
	return r
}

// Tenant returns the tenant the request addresses ("" for none).
func Tenant(c echo.Context) string { return RequestOf(c).Tenant }

// OperationID returns the operationId serving the request ("" for none).
func OperationID(c echo.Context) string { return RequestOf(c).Operation }

// Allowed reports whether the request's key may touch tenant. Handlers call
// it when a request reaches beyond the tenant it addresses (an issuer looked
// up by another org's key, main-tenant assertions).
func Allowed(c echo.Context, tenant string) bool {
	f := RequestOf(c).Allows
	return f == nil || f(tenant)
}

// RequestBody returns the body the server read for the request; a request
// the server did not read (a test calling a handler directly) reads it now,
// without a limit beyond the default.
func RequestBody(c echo.Context) *Body {
	r := RequestOf(c)
	if r.Body == nil {
		r.Body = ReadBody(c.Request(), DefaultMaxBodyBytes)
	}
	return r.Body
}

// ReadRequestBody returns the body the server already read for c, or nil:
// unlike RequestBody it never reads from the client, so an observer (the
// journal's exchange capture) cannot change what a request costs.
func ReadRequestBody(c echo.Context) *Body {
	if r := PeekRequest(c); r != nil {
		return r.Body
	}
	return nil
}
