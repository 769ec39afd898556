package fake_test

import (
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/synth"
	"github.com/iblfake/iblfake/spec"
)

// corpusRequest is one request of the hostile corpus, sent by its class's
// key.
type corpusRequest struct {
	class, method, url, key, ct string
	body                        []byte
	headers                     []string
}

// longTailCorpus is the hostile corpus's long tail. orgA (vic) first
// creates a record on every long-tail resource whose create a client can
// make, its secret in every plain text field; then orgB's key (att) reads,
// replaces, patches and deletes each of those items in every way a
// request can name a tenant: orgA's path, its own path, no tenant at all,
// and platform_key, org and platform_org naming orgA in the query and the
// body. Every long-tail write also gets hostile values in its fields.
// TestHostileCorpus fails on any 2xx carrying orgA's secret and on any
// change to orgA's stored state (these records included).
func longTailCorpus(t *testing.T, srv *fake.TestServer, rng *rand.Rand, vic, att *isoTenant, sample func(int) bool) (seeded int, out []corpusRequest) {
	t.Helper()
	idx, err := spec.LongTailIndex()
	if err != nil {
		t.Fatal(err)
	}
	tiers := map[string]string{}
	for _, row := range srv.Coverage() {
		tiers[row.OperationID] = row.Tier
	}
	items := map[string]spec.IndexEntry{} // item template (GET) by collection template
	for _, e := range idx {
		if e.Method == http.MethodGet && tiers[e.ID] == fake.TierInferred {
			trimmed := strings.TrimSuffix(e.Path, "/")
			items[trimmed[:strings.LastIndexByte(trimmed, '/')+1]] = e
		}
	}
	for _, e := range idx {
		op, err := spec.LongTailOperation(e.Method, e.Path)
		if err != nil {
			t.Fatal(err)
		}
		tenant := vic.org
		if e.Auth == spec.AuthNone {
			// Public by the document: anyone may call it for any tenant
			// (a chat session by its UUID), so orgB's key writes there
			// only its own.
			tenant = att.org
		}
		req := synth.RequestFor(op.Item, op.Op, synth.Options{Seed: rng.Uint64(), Tenant: tenant})
		path := fillPath(e.Path, req.Path)
		body, _ := req.Body.(map[string]any)
		if e.Method != http.MethodGet && body != nil {
			for _, mut := range hostileMutations(body) {
				if sample(8) {
					raw, _ := json.Marshal(mut)
					out = append(out, corpusRequest{class: "long-tail", method: e.Method, url: srv.URL + withQuery(path, req.Query), key: att.key, ct: "application/json", body: raw})
				}
			}
		}
		item, ok := items[e.Path]
		if e.Method != http.MethodPost || !ok || tiers[e.ID] != fake.TierInferred || body == nil || item.Auth != spec.AuthRequired {
			continue
		}
		// orgA's record, its secret in the fields a client names, its
		// tenant in those that name one.
		secretFields(op, body, vic.secret)
		for _, f := range []string{"platform_key", "platform_org", "org", "key"} {
			if _, ok := body[f]; ok {
				body[f] = vic.org
			}
		}
		raw, _ := json.Marshal(body)
		st, answer := isoSend(t, http.MethodPost, srv.URL+withQuery(path, req.Query), vic.key, json.RawMessage(raw))
		if st/100 != 2 {
			continue // a create whose synthesized request the fake refuses (a required reference)
		}
		var created map[string]any
		if json.Unmarshal(answer, &created) != nil {
			continue
		}
		param := item.Path[len(e.Path) : len(item.Path)-1]
		param = strings.Trim(strings.TrimSuffix(param, "/"), "{}")
		id := idOf(created, param)
		if id == "" {
			continue
		}
		seeded++
		itemPath := fillPath(item.Path, req.Path)
		itemPath = strings.TrimSuffix(itemPath[:strings.LastIndex(strings.TrimSuffix(itemPath, "/"), "/")+1], "/") + "/" + url.PathEscape(id) + "/"
		if !strings.Contains(itemPath, "/"+vic.org+"/") {
			// Its path names no tenant: orgA also writes it so, as the
			// document's client does, and it must still be orgA's alone.
			isoSend(t, http.MethodPatch, srv.URL+itemPath, vic.key, map[string]any{"name": vic.secret + " name", "description": vic.secret + " description"})
		}
		out = append(out, attackItem(srv.URL, itemPath, vic, att)...)
	}
	return seeded, out
}

// attackItem is every way orgB's key addresses orgA's item at itemPath.
func attackItem(base, itemPath string, vic, att *isoTenant) []corpusRequest {
	paths := []string{itemPath}
	if own := strings.ReplaceAll(itemPath, "/"+vic.org+"/", "/"+att.org+"/"); own != itemPath {
		paths = append(paths, own)
	}
	var out []corpusRequest
	for _, p := range paths {
		for _, q := range []string{"", "?platform_key=" + vic.org, "?org=" + vic.org, "?platform_org=" + vic.org, "?platform_key=" + att.org} {
			out = append(out, corpusRequest{class: "long-tail", method: http.MethodGet, url: base + p + q, key: att.key})
			for _, m := range []string{http.MethodPut, http.MethodPatch} {
				for _, field := range []string{"platform_key", "org", "platform_org"} {
					body, _ := json.Marshal(map[string]any{field: vic.org, "name": "written by orgB", "description": "written by orgB"})
					out = append(out, corpusRequest{class: "long-tail", method: m, url: base + p + q, key: att.key, ct: "application/json", body: body})
				}
			}
			out = append(out, corpusRequest{class: "long-tail", method: http.MethodDelete, url: base + p + q, key: att.key})
		}
	}
	return out
}

// fillPath puts a request's path parameters into a template.
func fillPath(tpl string, params map[string]string) string {
	for name, v := range params {
		tpl = strings.ReplaceAll(tpl, "{"+name+"}", url.PathEscape(v))
	}
	return tpl
}

func withQuery(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// secretFields puts secret into each plain text property of the create's
// body (no format, enum or pattern to refuse it).
func secretFields(op *spec.LongTailOp, body map[string]any, secret string) {
	if op.Op.RequestBody == nil || op.Op.RequestBody.Value == nil {
		return
	}
	mt := op.Op.RequestBody.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return
	}
	for name, p := range allProperties(mt.Schema.Value) {
		v := p.Value
		if v == nil || !v.Type.Is("string") || v.Format != "" || len(v.Enum) > 0 || v.Pattern != "" || v.ReadOnly {
			continue
		}
		if _, sent := body[name]; sent && (v.MaxLength == nil || *v.MaxLength >= uint64(len(secret)+20)) {
			body[name] = secret + " " + name
		}
	}
}

// allProperties are a schema's properties, those of its allOf parts too.
func allProperties(s *openapi3.Schema) openapi3.Schemas {
	out := openapi3.Schemas{}
	for _, part := range s.AllOf {
		if part.Value != nil {
			for k, v := range allProperties(part.Value) {
				out[k] = v
			}
		}
	}
	for k, v := range s.Properties {
		out[k] = v
	}
	return out
}

// idOf is the created item's id: the item parameter's own field, else the
// usual id fields.
func idOf(created map[string]any, param string) string {
	for _, k := range []string{param, "id", "pk", "uuid", "unique_id", "slug", "name"} {
		switch v := created[k].(type) {
		case string:
			if v != "" {
				return v
			}
		case float64:
			return strconv.FormatFloat(v, 'f', -1, 64)
		}
	}
	return ""
}

// adminCrossSiteCorpus are state-changing admin requests as a web page
// sends them: from a foreign origin, marked cross-site, or with a body a
// page sends unasked. Even with the admin token none may succeed.
func adminCrossSiteCorpus(base string) []corpusRequest {
	var out []corpusRequest
	for _, p := range []string{"/_fake/reset", "/_fake/clock", "/_fake/scenarios?activate=true", "/_fake/state", "/_fake/state?tenant=acme", "/_fake/requests", "/_fake/scenarios/rate-limit/activate", "/_fake/groups", "/_fake/credential-groups", "/_fake/ui/scenarios?file=x.yaml"} {
		for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
			for _, h := range [][]string{
				{"Origin", "https://evil.example"}, {"Origin", "null"}, {"Sec-Fetch-Site", "cross-site"},
				{"Origin", "http://127.0.0.1:1"},
			} {
				out = append(out, corpusRequest{class: "admin-cross-site", method: m, url: base + p, ct: "application/json",
					body: []byte(`{"format":"iblfake-state/1","buckets":{},"sequences":{},"advance":"87600h"}`), headers: append([]string{"Authorization", "Bearer T0K"}, h...)})
			}
			for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=b"} {
				out = append(out, corpusRequest{class: "admin-cross-site", method: m, url: base + p, ct: ct,
					body: []byte(`{"advance":"87600h"}`), headers: []string{"Authorization", "Bearer T0K"}})
			}
		}
	}
	return out
}
