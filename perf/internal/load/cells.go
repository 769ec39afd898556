// Package load is what the performance harnesses share: the cells they
// measure, seeding the fake, capturing its answers for the same-bytes
// reference, and the load generators (wrk, and a Go fallback).
package load

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
)

// Org is the tenant the harness seeds and reads.
const Org = "perf"

// Cell is one request the harness measures on every target.
type Cell struct {
	Name   string // as the tables print it
	Method string
	// Path is the request's path and query on every target; for the POST
	// cell it names the credential the fake was seeded with.
	Path string
	// Route is the Echo route the same-bytes reference answers it on.
	Route string
	// Body returns the n-th request's body ("" for none): every issue names
	// a new recipient, as a client issuing to a class would.
	Body func(n int64) string
	// BodyLua is Body as a Lua expression of n, for wrk.
	BodyLua string
}

// Cells returns the measured requests, in the order the harness drives
// and reports them; cred is the credential the POST issues against. A new
// cell needs only an entry here: the report gives every cell its ratios
// (report.go), the same-bytes reference answers its route with what the
// fake answered, and Prism mocks its path (from spec/longtail.json when
// the served document does not have it).
func Cells(cred string) []Cell {
	issue := fmt.Sprintf(`{"recipient":{"identity":"user%%d"},"course":"course-v1:%s+C1+2024"}`, Org)
	return []Cell{
		{
			Name:   "GET list",
			Method: http.MethodGet,
			Path:   "/api/credentials/orgs/" + Org + "/users/admin/?page=2&page_size=10",
			Route:  "/api/credentials/orgs/:org/users/:user_id/",
		},
		{
			Name:   "POST issue",
			Method: http.MethodPost,
			Path:   "/api/credentials/orgs/" + Org + "/users/admin/" + cred + "/assertions/",
			Route:  "/api/credentials/orgs/:org/users/:user_id/:entity_id/assertions/",
			Body:   func(n int64) string { return fmt.Sprintf(issue, n) },
			BodyLua: fmt.Sprintf(`'{"recipient":{"identity":"user' .. n .. '"},"course":"course-v1:%s+C1+2024"}'`,
				Org),
		},
		{
			// A synthesized long-tail read (the tier most operations are in
			// that no resource's state answers): a learner's last access,
			// made from its schema, its course named from the tenant's
			// credentials. (The connected-services list it read before became
			// a stateful, empty collection.)
			Name:   "GET synthesized",
			Method: http.MethodGet,
			Path:   "/api/ai-analytics/perlearner/orgs/" + Org + "/users/admin/last-access",
			Route:  "/api/ai-analytics/perlearner/orgs/:org/users/:user_id/last-access",
		},
		{
			// A long-tail create: the item is inferred from the document
			// (internal/longtail), checked, stored in the tenant's
			// collection and answered, a new one per request.
			Name:    "POST long-tail",
			Method:  http.MethodPost,
			Path:    "/api/ai-bot/v1/bots/" + Org + "/bot-commands/",
			Route:   "/api/ai-bot/v1/bots/:org/bot-commands/",
			Body:    func(n int64) string { return fmt.Sprintf(`{"bot":1,"command":"/cmd%d","mentor":2}`, n) },
			BodyLua: `'{"bot":1,"command":"/cmd' .. n .. '","mentor":2}'`,
		},
		{
			// A filtered, ordered page of a long-tail collection holding
			// LongTailItems items (Seed writes them): two filters, one
			// ordering descending, the third page of 20.
			Name:   "GET long-tail page",
			Method: http.MethodGet,
			Path:   LongTailCollection + "?scope=platform&active=true&ordering=-title&page=3&page_size=20",
			Route:  "/api/ai-mentor/orgs/:org/users/:user_id/disclaimers/",
		},
	}
}

// LongTailCollection is the long-tail collection Seed fills with
// LongTailItems disclaimers for the "GET long-tail page" cell.
const LongTailCollection = "/api/ai-mentor/orgs/" + Org + "/users/admin/disclaimers/"

// LongTailItems is how many items Seed writes to LongTailCollection.
const LongTailItems = 10_000

// refCell is what perf/bareecho reads (its Cell): a route and the answer
// to give on it.
type refCell struct {
	Method  string            `json:"method"`
	Route   string            `json:"route"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    []byte            `json:"body"`
}

// Capture asks the fake each cell once and writes what it answered (status,
// the headers the fake set, body) to file, for the same-bytes reference. The
// POST's capture is one more issued assertion; each later one differs only
// in its ids and the recipient's number.
func Capture(base string, cs []Cell, file string) (sizes map[string]int, err error) {
	sizes = map[string]int{}
	var out []refCell
	for _, c := range cs {
		body := ""
		if c.Body != nil {
			body = c.Body(0)
		}
		req, err := JSONRequest(c.Method, base+c.Path, body)
		if err != nil {
			return nil, err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, fmt.Errorf("capturing %s: %w", c.Name, err)
		}
		raw, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		if resp.StatusCode/100 != 2 {
			return nil, fmt.Errorf("capturing %s: the fake answered %d: %s", c.Name, resp.StatusCode, string(raw[:min(len(raw), 500)]))
		}
		h := map[string]string{}
		for k, vs := range resp.Header {
			if k == "Date" || len(vs) == 0 {
				continue // net/http writes its own
			}
			h[k] = strings.Join(vs, ", ")
		}
		out = append(out, refCell{Method: c.Method, Route: c.Route, Status: resp.StatusCode, Headers: h, Body: raw})
		sizes[c.Name] = len(raw)
	}
	raw, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	return sizes, os.WriteFile(file, raw, 0o644)
}

// Seed creates an issuer and 50 credentials in org perf and returns a
// credential to issue against; it fills LongTailCollection too
// (SeedLongTail).
func Seed(base string) (string, error) {
	if err := SeedLongTail(base); err != nil {
		return "", err
	}
	post := func(path, body string) (map[string]any, error) {
		req, _ := JSONRequest(http.MethodPost, base+"/api/credentials/orgs/"+Org+"/users/admin"+path, body)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
			return nil, fmt.Errorf("seeding POST %s: %d %v", path, resp.StatusCode, err)
		}
		return out, nil
	}
	is, err := post("/issuers/", `{"name":"Perf University"}`)
	if err != nil {
		return "", err
	}
	issuer := is["result"].(map[string]any)["entityId"].(string)
	var first string
	for i := 0; i < 50; i++ {
		cr, err := post("/", fmt.Sprintf(`{"name":"Credential %d","issuer":%q,"courses":["course-v1:%s+C1+2024"]}`, i, issuer, Org))
		if err != nil {
			return "", err
		}
		if i == 0 {
			first = cr["result"].(map[string]any)["entityId"].(string)
		}
	}
	return first, nil
}

// SeedLongTail writes LongTailItems disclaimers to LongTailCollection
// through the API, four requests at a time: a third of them in each of
// three scopes (two of them "platform"), every other one active, so the
// cell's filters select 3,334.
func SeedLongTail(base string) error {
	scopes := []string{"platform", "mentor", "platform"}
	errs := make(chan error, 4)
	for w := range 4 {
		go func() {
			for i := w; i < LongTailItems; i += 4 {
				body := fmt.Sprintf(`{"title":"Disclaimer %05d","content":"Terms %d","scope":%q,"active":%t}`, i, i, scopes[i%3], i%2 == 0)
				req, err := JSONRequest(http.MethodPost, base+LongTailCollection, body)
				if err != nil {
					errs <- err
					return
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					errs <- err
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					errs <- fmt.Errorf("seeding %s: %d", LongTailCollection, resp.StatusCode)
					return
				}
			}
			errs <- nil
		}()
	}
	var first error
	for range 4 {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// PrismDocument is the document Prism mocks: the one the fake serves at
// /_fake/openapi.json (the modelled operations, corrected), plus the long
// tail's path items the cells read (spec/longtail.json, where the fake
// finds them too) and the component schemas they need that the served
// document does not have.
func PrismDocument(served []byte, longTailFile string, cs []Cell) ([]byte, error) {
	var doc, tail map[string]any
	if err := json.Unmarshal(served, &doc); err != nil {
		return nil, fmt.Errorf("the served document: %w", err)
	}
	raw, err := os.ReadFile(longTailFile)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, &tail); err != nil {
		return nil, fmt.Errorf("%s: %w", longTailFile, err)
	}
	paths, _ := doc["paths"].(map[string]any)
	tailPaths, _ := tail["paths"].(map[string]any)
	for _, c := range cs {
		tpl := specTemplate(c.Route)
		if _, ok := paths[tpl]; ok {
			continue
		}
		item, ok := tailPaths[tpl]
		if !ok {
			return nil, fmt.Errorf("%s: no path %s for cell %s", longTailFile, tpl, c.Name)
		}
		paths[tpl] = item
	}
	comps, _ := doc["components"].(map[string]any)
	schemas, _ := comps["schemas"].(map[string]any)
	tailComps, _ := tail["components"].(map[string]any)
	tailSchemas, _ := tailComps["schemas"].(map[string]any)
	for name, s := range tailSchemas {
		if _, ok := schemas[name]; !ok {
			schemas[name] = s
		}
	}
	return json.Marshal(doc)
}

// specTemplate turns an Echo route (/a/:b/) into the document's template
// (/a/{b}/).
func specTemplate(route string) string {
	segs := strings.Split(route, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, ":") {
			segs[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(segs, "/")
}
