package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/synth"
	"github.com/iblfake/iblfake/spec"
)

// pysdkMethods is the vendor Python SDK's method list spec/sdkgen extracts
// from the pinned commit (every public method of its API classes: how it
// sends a call with its required arguments, and the operation the fake
// serves it as).
const pysdkMethods = "../spec/pysdk.methods.json"

// sdkMethod is one entry of spec/pysdk.methods.json.
type sdkMethod struct {
	Method      string            `json:"method"`
	Source      string            `json:"source"`
	HTTPMethod  string            `json:"http_method"`
	Path        string            `json:"path"`
	PathValues  map[string]string `json:"path_values"`
	Query       map[string]string `json:"query"`
	Header      map[string]string `json:"header"`
	ContentType string            `json:"content_type"`
	Body        bool              `json:"body"`
	Public      bool              `json:"public"`
	OperationID string            `json:"operation_id"`
}

// TestPythonSDKMethodsReachTheirOperations sends every method of the
// vendor's Python SDK (33 API classes, spec/pysdk.methods.json) as the SDK
// sends it (its method, its path template with sample values, its required
// query parameters, its default media type with a body made from the
// served schema, its API key unless the method is public) to a fake, and
// checks through the journal that the fake answered it as the operation it
// serves it as: never Django's no-route 404, never a 405, never another
// operation, never a 501. The modelled operations may answer a 404 of
// their own (JSON) for the sample ids, which no fixture created; an
// operation the newer contract itself declares no success for (SCIM's
// DELETE of a user: 405 only) answers the fake's 501.
func TestPythonSDKMethodsReachTheirOperations(t *testing.T) {
	raw, err := os.ReadFile(pysdkMethods)
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Commit  string      `json:"commit"`
		Methods []sdkMethod `json:"methods"`
	}
	if err := json.Unmarshal(raw, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Methods) < 1000 {
		t.Fatalf("%s lists %d methods", pysdkMethods, len(list.Methods))
	}
	srv := fake.NewTestServer(t, fake.WithJournalSize(10_000))
	rows := map[string]fake.CoverageRow{}
	for _, r := range srv.Coverage() {
		rows[r.OperationID] = r
	}
	full := spec.MustLoad()
	items := itemOperations(t, srv)
	statuses := map[int]int{}
	declared := declaredOnly(t)
	// A redirect is the operation's answer, not a request to follow.
	noRedirects := *srv.Client
	noRedirects.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	// Deletes last: an item a synthesized resource deleted reads as 404.
	methods := slices.Clone(list.Methods)
	slices.SortStableFunc(methods, func(a, b sdkMethod) int {
		return boolInt(a.HTTPMethod == http.MethodDelete) - boolInt(b.HTTPMethod == http.MethodDelete)
	})
	for _, m := range methods {
		row, ok := rows[m.OperationID]
		if !ok {
			t.Errorf("%s (%s): the fake serves no operation %s", m.Method, m.Source, m.OperationID)
			continue
		}
		path := m.Path
		for name, v := range m.PathValues {
			path = strings.ReplaceAll(path, "{"+name+"}", url.PathEscape(v))
		}
		q := url.Values{}
		for k, v := range m.Query {
			q.Set(k, v)
		}
		if len(q) > 0 {
			path += "?" + q.Encode()
		}
		var body []byte
		if m.ContentType != "" {
			body = sdkBody(t, full, row)
		}
		req, err := http.NewRequest(m.HTTPMethod, srv.URL+path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if m.ContentType != "" {
			req.Header.Set("Content-Type", m.ContentType)
		}
		for k, v := range m.Header {
			req.Header.Set(k, v)
		}
		if !m.Public {
			req.Header.Set("Authorization", "Api-Token pysdk-key")
		}
		req.Header.Set("Accept", "application/json")
		resp, err := noRedirects.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		statuses[resp.StatusCode]++
		got := journalled(t, srv, m.HTTPMethod, req.URL.Path)
		switch {
		case got != m.OperationID:
			t.Errorf("%s (%s): %s %s answered %d as %q, want %s", m.Method, m.Source, m.HTTPMethod, path, resp.StatusCode, got, m.OperationID)
		case declared[m.OperationID] != 0 && resp.StatusCode == declared[m.OperationID]:
			// The one answer its document declares (no 2xx): a redirect,
			// SCIM's user DELETE 405.
		case resp.StatusCode == http.StatusMethodNotAllowed:
			t.Errorf("%s (%s): %s %s answered 405", m.Method, m.Source, m.HTTPMethod, path)
		case resp.StatusCode == http.StatusNotImplemented && row.Tier != fake.TierUnavailable:
			t.Errorf("%s (%s): %s %s answered 501", m.Method, m.Source, m.HTTPMethod, path)
		case resp.StatusCode == http.StatusNotFound && items[m.OperationID]:
			// An item of a resource no create made: DRF's 404, the
			// operation served.
		case resp.StatusCode == http.StatusNotFound && row.Tier != fake.TierStateful:
			t.Errorf("%s (%s): %s %s answered 404 (tier %s)", m.Method, m.Source, m.HTTPMethod, path, row.Tier)
		}
	}
	t.Logf("%d methods of iblai-python-sdk@%.8s sent: statuses %v", len(list.Methods), list.Commit, statuses)
}

// journalled is the operation the journal's entry for the request just
// answered names ("" for a request that reached no operation). The
// journal is written as the answer goes out, so the entry may trail the
// answer by a moment: it is waited for, at most two seconds. A redirect
// the client followed (a logo's read leads to its image) is journalled
// after it, so the request's entry is one of the last few.
func journalled(t *testing.T, srv *fake.TestServer, method, path string) string {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for {
		entries := srv.Journal().Entries()
		for i := len(entries) - 1; i >= max(0, len(entries)-3); i-- {
			if entries[i].Method == method && entries[i].Path == path {
				return entries[i].OperationID
			}
		}
		if time.Now().After(deadline) {
			return ""
		}
		time.Sleep(time.Millisecond)
	}
}

// sdkBody is a request body for an operation the fake serves, made from its
// schema (synth.RequestFor) as a caller fills the required fields, as JSON.
func sdkBody(t *testing.T, full *spec.Spec, row fake.CoverageRow) []byte {
	t.Helper()
	var item *openapi3.PathItem
	var op *openapi3.Operation
	if row.Tier == fake.TierStateful {
		item = full.Doc.Paths.Value(row.Path)
		if item != nil {
			op = item.GetOperation(row.Method)
		}
	} else {
		lt, err := spec.LongTailOperation(row.Method, row.Path)
		if err != nil {
			t.Fatal(err)
		}
		item, op = lt.Item, lt.Op
	}
	if op == nil {
		return []byte("{}")
	}
	req := synth.RequestFor(item, op, synth.Options{Seed: synth.Key(row.OperationID), Tenant: "main"})
	if req.Body == nil {
		return []byte("{}")
	}
	b, err := json.Marshal(req.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestNewerFieldsAreAnswered: answers carry the fields the newer contract
// added to 4.90.4's schemas (spec/corrections/50-sdk.yaml), which the
// vendor's Python SDK requires: without them its models refuse every
// mentor answer (MCPServer.oauth_service_data, through mcp_servers), the
// mentor tools, the connected services and the notification count (an
// enum in the newer contract).
func TestNewerFieldsAreAnswered(t *testing.T) {
	// Filled collections: the mentors and services listed are items to read.
	srv := fake.NewTestServer(t, fake.WithLongTailFill())
	get := func(path string) any {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.Header.Set("Authorization", "Api-Token pysdk-key")
		resp, err := srv.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v any
		if err := json.NewDecoder(resp.Body).Decode(&v); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %v", path, resp.StatusCode, err)
		}
		return v
	}
	first := func(v any) map[string]any {
		if m, ok := v.(map[string]any); ok {
			if r, ok := m["results"].([]any); ok {
				v = r
			}
		}
		if l, ok := v.([]any); ok && len(l) > 0 {
			v = l[0]
		}
		m, _ := v.(map[string]any)
		return m
	}
	listed := first(get("/api/ai-mentor/orgs/main/users/admin/"))
	mentor := first(get("/api/ai-mentor/orgs/main/users/admin/" + url.PathEscape(fmt.Sprint(listed["name"])) + "/"))
	servers, _ := mentor["mcp_servers"].([]any)
	if len(servers) == 0 {
		t.Fatalf("mentor without mcp_servers: %v", mentor)
	}
	for _, s := range servers {
		if o, ok := s.(map[string]any)["oauth_service_data"].(map[string]any); !ok || o["id"] == nil {
			t.Errorf("mcp server without oauth_service_data: %v", s)
		}
	}
	for _, f := range []string{"enable_offline_mode", "show_rag_images", "starter_prompts"} {
		if _, ok := mentor[f]; !ok {
			t.Errorf("mentor without %s", f)
		}
	}
	if tool := first(get("/api/ai-mentor/orgs/main/users/admin/mentor-tools/")); tool["is_allowed"] == nil {
		t.Errorf("mentor tool without is_allowed: %v", tool)
	}
	if cs := first(get("/api/ai-account/connected-services/orgs/main/users/admin/")); cs["username"] == nil {
		t.Errorf("connected service without username: %v", cs)
	}
	count, _ := get("/api/notification/v1/orgs/main/users/admin/notifications-count/").(map[string]any)
	if s := count["status"]; s != nil && s != "READ" && s != "UNREAD" && s != "CANCELLED" {
		t.Errorf("notification count status %v, not one of the newer contract's", s)
	}
}
