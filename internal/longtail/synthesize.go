package longtail

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/synth"
	"github.com/labstack/echo/v4"
)

// synthesize answers an operation no resource answers (and any the
// request steers with Prefer) from its response schema (package synth):
// the status Prefer asks for or the lowest 2xx the operation declares; a
// declared example when it is valid (unless Prefer asks for dynamic
// values); else a value seeded by the server's seed, the tenant and what
// the path names, so the same request gives the same answer on every call
// and every restart, its fields that name a tenant's entity taken from the
// tenant's own (relations.go).
func (m *Module) synthesize(c echo.Context) error {
	req := api.RequestOf(c)
	r := req.Route
	if r == nil {
		return fmt.Errorf("synthesize: %s has no compiled route", req.Operation)
	}
	p := preferOf(c, req)
	status, resp := pickResponse(r.Operation, p.code)
	media := jsonMedia(resp)
	if media == nil || media.Schema == nil || status == http.StatusNoContent {
		if status >= 400 && resp == nil {
			return api.Detail(status, drfStatusText(status))
		}
		return c.NoContent(status)
	}
	if r.Method != http.MethodGet || p.dynamic {
		var urls map[string]string
		if len(api.RequestBody(c).Uploads) > 0 {
			err := m.d.Store.Update(func(tx store.Tx) (err error) {
				urls, err = m.putUploads(tx, c)
				return err
			})
			if err != nil {
				return err
			}
		}
		v := m.answer(c, req, media, status, p, nil)
		if len(urls) > 0 {
			// A copy: the answer may be the document's own example.
			if obj, ok := roundTrip(v).(map[string]any); ok {
				showUploads(obj, media.Schema, urls, api.RequestBody(c).Object())
				v = obj
			}
		}
		return api.JSON(c, status, v)
	}
	// A read is what its request, the seed and the clock's day make: the
	// same request again is served from the cache (cache.go).
	key := m.synthKey(c, req.Operation, p, status)
	// The version is taken before the answer is made: a write while it
	// is made leaves the entry older than the state, so it is made again.
	version := m.committed()
	if a, ok := m.cache.get(key); ok && a.validAt(version) {
		return api.JSONBytes(c, status, a.body)
	}
	var read bool
	body, err := api.Encode(m.answer(c, req, media, status, p, &read))
	if err != nil {
		return err
	}
	m.cache.put(key, synthAnswer{body: body, read: read, version: version})
	return api.JSONBytes(c, status, body)
}

// committed is the store's latest committed version (the zero Version
// when the backend cannot tell).
func (m *Module) committed() store.Version {
	var v store.Version
	m.d.Store.View(func(tx store.Tx) error {
		v, _ = store.VersionOf(tx)
		return nil
	})
	return v
}

// answer is the value a synthesized operation answers: a valid declared
// example (the one Prefer names, as declared; else the first, its URLs,
// tenant fields and pages made the fake's, synth.Localize), else a value
// made from the schema; in either, what the path names (path.go). read,
// when not nil, is set when a field took a name from the tenant's stored
// state (the cache then holds the answer for that state only).
func (m *Module) answer(c echo.Context, req *api.Request, media *openapi3.MediaType, status int, p prefer, read *bool) any {
	opts := m.synthOpts(c, m.synthSeed(c, req.Operation, p))
	ps := props(media.Schema)
	if status >= 200 && status < 300 && !p.dynamic {
		if v, ok := validExample(media, p.example); ok {
			if p.example != "" {
				return v // asked for by name: as the vendor declares it
			}
			lv := synth.Localize(roundTrip(v), opts)
			if obj, ok := lv.(map[string]any); ok {
				echoPath(c, obj, ps, req.Route.Path, "")
			}
			if validAnswer(media, lv) {
				return lv
			}
			return v
		}
		if p.example != "" {
			req.Note = fmt.Sprintf("Prefer example=%s: no valid example of that name; synthesized instead", p.example)
		}
	}
	opts.Pick = m.picker(c, read)
	// An answer whose shape a query parameter chooses (by_parameter.go).
	schema, prop, val := byParameter(media.Schema, req.Route.Operation, c.QueryParams())
	v := synth.Value(schema, opts)
	if obj, ok := v.(map[string]any); ok {
		if prop != "" {
			obj[prop] = val
		}
		if status < 300 {
			echoPath(c, obj, props(schema), req.Route.Path, "")
		}
	}
	return v
}

// drfStatusText is DRF's wording for a status the document declares no
// body for (its exceptions' default details), else net/http's.
func drfStatusText(status int) string {
	switch status {
	case http.StatusNotFound:
		return api.MsgNotFound
	case http.StatusForbidden:
		return api.MsgForbidden
	case http.StatusUnauthorized:
		return api.MsgNotAuthenticated
	}
	return http.StatusText(status)
}

// synthKey is what a synthesized read depends on: the operation, tenant,
// path and query as sent, the status, what Prefer asks, the server's
// seed and the clock's UTC day (date-times count from it).
func (m *Module) synthKey(c echo.Context, op string, p prefer, status int) string {
	seed := m.baseSeed(p)
	day := m.d.Clock.Now().UTC().Format("2006-01-02")
	return strings.Join([]string{op, api.Tenant(c), c.Request().URL.Path, c.QueryParams().Encode(),
		strconv.Itoa(status), p.example, seed, day, c.Scheme(), c.Request().Host}, "\x00")
}

// prefer is Prism's steering: the Prefer header (code=, example=,
// dynamic=, seed=), its __code, __example, __dynamic and __seed query
// parameters, or a scenario rule's prefer.
type prefer struct {
	code    string
	example string
	dynamic bool
	seed    *uint64
}

// PreferParams are Prism's query parameters, taken out of the query
// before validation (the server's readRequest puts them in the request's
// PreferParams) so they never read as filters.
var PreferParams = []string{"__code", "__example", "__dynamic", "__seed"}

// preferOf reads what the request (and a scenario rule) prefer: the query
// parameters, then the header, then a scenario's prefer, the later winning.
func preferOf(c echo.Context, req *api.Request) prefer {
	var p prefer
	apply := func(k, v string) {
		switch strings.TrimPrefix(strings.ToLower(strings.TrimSpace(k)), "__") {
		case "code":
			p.code = strings.TrimSpace(v)
		case "example":
			p.example = strings.Trim(strings.TrimSpace(v), `"`)
		case "dynamic":
			p.dynamic = api.True(strings.TrimSpace(v))
		case "seed":
			if n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64); err == nil {
				p.seed = &n
			}
		}
	}
	for _, k := range PreferParams {
		if v, ok := req.PreferParams[k]; ok {
			apply(k, v)
		}
	}
	for _, part := range strings.FieldsFunc(c.Request().Header.Get("Prefer"), func(r rune) bool { return r == ',' || r == ';' }) {
		if k, v, ok := strings.Cut(part, "="); ok {
			apply(k, v)
		}
	}
	for _, part := range strings.FieldsFunc(req.Prefer, func(r rune) bool { return r == ',' || r == ';' }) {
		if k, v, ok := strings.Cut(part, "="); ok {
			apply(k, v)
		}
	}
	return p
}

// pickResponse returns the status to answer and its declared response:
// the code preferred (declared or not), else the lowest 2xx.
func pickResponse(op *openapi3.Operation, code string) (int, *openapi3.Response) {
	if code != "" {
		if n, err := strconv.Atoi(code); err == nil && n >= 200 && n <= 599 {
			var resp *openapi3.Response
			if ref := op.Responses.Value(code); ref != nil {
				resp = ref.Value
			}
			return n, resp
		}
	}
	var codes []string
	for c := range op.Responses.Map() {
		if len(c) == 3 && c[0] == '2' {
			codes = append(codes, c)
		}
	}
	slices.Sort(codes)
	if len(codes) == 0 {
		return http.StatusOK, nil
	}
	n, _ := strconv.Atoi(codes[0])
	return n, op.Responses.Value(codes[0]).Value
}

// jsonMedia is the JSON content of resp (nil for none).
func jsonMedia(resp *openapi3.Response) *openapi3.MediaType {
	if resp == nil {
		return nil
	}
	for _, mt := range slices.Sorted(mapKeys(resp.Content)) {
		if strings.Contains(mt, "json") {
			return resp.Content[mt]
		}
	}
	return nil
}

// validExample returns the named example of media (any, when name is
// empty), if it validates against the media's schema: an invalid example
// falls through to synthesis.
func validExample(media *openapi3.MediaType, name string) (any, bool) {
	valid := func(v any) bool { return validAnswer(media, v) }
	for _, n := range slices.Sorted(mapKeys(media.Examples)) {
		ex := media.Examples[n]
		if ex == nil || ex.Value == nil || (name != "" && n != name) {
			continue
		}
		if valid(ex.Value.Value) {
			return ex.Value.Value, true
		}
	}
	if name == "" && media.Example != nil && valid(media.Example) {
		return media.Example, true
	}
	return nil, false
}

// validAnswer reports whether v is a valid answer of media's schema.
func validAnswer(media *openapi3.MediaType, v any) bool {
	return media.Schema == nil || media.Schema.Value == nil ||
		media.Schema.Value.VisitJSON(roundTrip(v), openapi3.VisitAsResponse(), openapi3.WithStringFormatValidators(answerFormats)) == nil
}

// roundTrip gives v the types kin-openapi validates (what a client would
// decode): an example may hold YAML's ints.
func roundTrip(v any) any {
	raw, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	_ = json.Unmarshal(raw, &out)
	return out
}

// synthSeed is the seed of an answer that is not an item's: the server's
// seed (or Prefer's), the tenant, the operation and the path as sent.
func (m *Module) synthSeed(c echo.Context, op string, p prefer) uint64 {
	return synth.Key(m.baseSeed(p), api.Tenant(c), op, c.Request().URL.Path)
}

// baseSeed is the server's seed, Prefer's seed=, or for dynamic=true a
// fresh one per request.
func (m *Module) baseSeed(p prefer) string {
	switch {
	case p.dynamic:
		var b [8]byte
		_, _ = rand.Read(b[:])
		return strconv.FormatUint(binary.LittleEndian.Uint64(b[:]), 10)
	case p.seed != nil:
		return strconv.FormatUint(*p.seed, 10)
	}
	return strconv.FormatUint(m.seed, 10)
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
