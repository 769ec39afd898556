package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/iblfake/iblfake/spec"
)

var update = flag.Bool("update", false, "rewrite testdata/golden")

// testCommit is the commit the excerpt in testdata/sdk comes from.
const testCommit = "6626839af50803d5148858f17c3c7d346de291b8"

func testOptions() options {
	return options{SDK: "testdata/sdk", Commit: testCommit, Spec: "testdata/spec"}
}

// method finds a parsed method by name.
func method(t *testing.T, ms []Method, name string) *Method {
	t.Helper()
	for i := range ms {
		if ms[i].Name == name {
			return &ms[i]
		}
	}
	t.Fatalf("no method %s", name)
	return nil
}

// TestReadAPIs reads the excerpt's methods as their _serialize sends them:
// the form method's parameters (read-only ones included, as the SDK makes
// them required), its media types in the SDK's order, the types map, the
// CRLF line endings of the API modules.
func TestReadAPIs(t *testing.T) {
	ms, err := readAPIs("testdata/sdk")
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 7 {
		t.Fatalf("%d methods, want 7", len(ms))
	}
	m := method(t, ms, "ai_mentor_orgs_users_mcp_servers_create")
	if m.Class != "AiMentorApi" || m.HTTPMethod != "POST" || m.Path != "/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/" ||
		m.File != "iblai/api/ai_mentor_api.py" || m.Line == 0 {
		t.Fatalf("%+v", m)
	}
	if got := strings.Join(m.ContentTypes, ","); got != "multipart/form-data,application/x-www-form-urlencoded,application/json" {
		t.Errorf("content types %s", got)
	}
	if m.Responses["201"] != "MCPServer" || strings.Join(m.Auth, ",") != "PlatformApiKeyAuthentication" {
		t.Errorf("responses %v auth %v", m.Responses, m.Auth)
	}
	in := map[string]Param{}
	for _, p := range m.Params {
		in[p.Name] = p
	}
	for name, want := range map[string]string{"org": "path", "user_id": "path", "oauth_service_data": "form", "url": "form", "transport": "form"} {
		if in[name].In != want {
			t.Errorf("%s: in %q, want %q", name, in[name].In, want)
		}
	}
	if !in["oauth_service_data"].Required || in["mentor"].Required || in["oauth_service_data"].DocType != "OAuthService" {
		t.Errorf("oauth_service_data %+v, mentor %+v", in["oauth_service_data"], in["mentor"])
	}
	d := method(t, ms, "ai_mentor_orgs_users_sessions_destroy")
	if d.Responses["204"] != "Dict[str, object]" {
		t.Errorf("sessions destroy responses %v", d.Responses)
	}
	q := method(t, ms, "notification_v1_orgs_users_notifications_count_retrieve")
	var query []string
	for _, p := range q.Params {
		if p.In == "query" {
			query = append(query, p.Name)
		}
	}
	if len(query) == 0 {
		t.Errorf("count: no query parameters: %+v", q.Params)
	}
}

// TestReadModels reads fields, aliases, required, nullable and read-only
// flags and constraints from the model modules, and enums' values.
func TestReadModels(t *testing.T) {
	models, err := readModels("testdata/sdk")
	if err != nil {
		t.Fatal(err)
	}
	m := models["MCPServer"]
	if m == nil || m.Kind != "object" || m.File != "iblai/models/mcp_server.py" {
		t.Fatalf("%+v", m)
	}
	f := map[string]Field{}
	for _, x := range m.Fields {
		f[x.Name] = x
	}
	if o := f["oauth_service_data"]; !o.Required || !o.ReadOnly || o.Nullable || o.Type.String() != "OAuthService" {
		t.Errorf("oauth_service_data %+v", o)
	}
	if o := f["mentor"]; o.Required || !o.Nullable || o.ReadOnly {
		t.Errorf("mentor %+v", o)
	}
	s, err := fieldSchema(f["url"], models)
	if err != nil || s["maxLength"] != 200 || s["type"] != "string" {
		t.Errorf("url schema %v %v", s, err)
	}
	if e := models["Status3daEnum"]; e == nil || e.Kind != "enum" || len(e.Enum) != 3 {
		t.Errorf("Status3daEnum %+v", e)
	}
}

// TestParseModelValidators reads an enum and a pattern from generated
// field validators, and an alias (a model written as the generator writes
// them; the excerpt has none).
func TestParseModelValidators(t *testing.T) {
	src := "class Thing(BaseModel):\n" +
		"    \"\"\"\n    Note: a docstring line that looks like a field.\n    \"\"\" # noqa: E501\n" +
		"    slug: Optional[Annotated[str, Field(strict=True, max_length=50)]] = None\n" +
		"    visibility: Optional[StrictStr] = None\n" +
		"    entity_id: StrictStr = Field(alias=\"entityId\")\n" +
		"    __properties: ClassVar[List[str]] = [\"slug\", \"visibility\", \"entityId\"]\n\n" +
		"    @field_validator('slug')\n    def slug_validate_regular_expression(cls, value):\n" +
		"        \"\"\"Validates the regular expression\"\"\"\n        if value is None:\n            return value\n\n" +
		"        if not re.match(r\"^[-a-zA-Z0-9_]+$\", value):\n            raise ValueError(r\"must validate\")\n        return value\n\n" +
		"    @field_validator('visibility')\n    def visibility_validate_enum(cls, value):\n" +
		"        \"\"\"Validates the enum\"\"\"\n        if value is None:\n            return value\n\n" +
		"        if value not in set(['a', 'b', '']):\n            raise ValueError(\"must be one of enum values ('a', 'b', '')\")\n        return value\n\n" +
		"    model_config = ConfigDict()\n\n" +
		"    def to_dict(self) -> Dict[str, Any]:\n        # set to None if visibility (nullable) is None\n        pass\n"
	m, err := parseModel("thing.py", src)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Fields) != 3 {
		t.Fatalf("fields %+v", m.Fields)
	}
	if m.Fields[0].Pattern != "^[-a-zA-Z0-9_]+$" || strings.Join(m.Fields[1].Enum, ",") != "a,b," || !m.Fields[1].Nullable {
		t.Errorf("slug %+v, visibility %+v", m.Fields[0], m.Fields[1])
	}
	if m.Fields[2].Name != "entityId" || !m.Fields[2].Required {
		t.Errorf("alias: %+v", m.Fields[2])
	}
}

// TestOperationIDs: the Python method names of numbered twins read back as
// drf-spectacular's ids, and a path's id prefix is drf-spectacular's.
func TestOperationIDs(t *testing.T) {
	for in, want := range map[string]string{
		"credentials_orgs_users_retrieve2": "credentials_orgs_users_retrieve_2",
		"core_user_groups_destroy2":        "core_user_groups_destroy_2",
		"ai_mentor_orgs_users_oauth2_list": "ai_mentor_orgs_users_oauth2_list",
		"delete_user2":                     "delete_user2",
	} {
		if got := operationID(in); got != want {
			t.Errorf("operationID(%s) = %s, want %s", in, got, want)
		}
	}
	if got := drfBase("/api/ai-mentor/orgs/{org}/users/{user_id}/mcp-servers/{id}/oauth-find/"); got != "ai_mentor_orgs_users_mcp_servers_oauth_find" {
		t.Errorf("drfBase: %s", got)
	}
}

// TestGenerate generates from the excerpt against the test document and
// compares with testdata/golden, then checks what the golden output must
// hold: the new fields (MCPServer.oauth_service_data, required and
// read-only, with OAuthService added), a new operation on a path the
// document has (POST mcp-servers: a 405 before), a new path, the renamed
// path's twin served under both spellings with a drf-spectacular id that
// takes no other's, an enum the newer contract gives (NotificationCount.status),
// the SDK's 204 with a body not copied (S5), nothing for the modelled
// area, and every method mapped to an operation.
func TestGenerate(t *testing.T) {
	res, err := generate(testOptions())
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "50-sdk.yaml", res.corrections)
	golden(t, "pysdk.methods.json", res.methods)

	cs, err := correctionsByID(res.corrections)
	if err != nil {
		t.Fatal(err)
	}
	var mcp map[string]any
	json.Unmarshal(cs["sdk-schema-MCPServer"].raw, &mcp)
	props, _ := mcp["value"].(map[string]any)["properties"].(map[string]any)
	if o, _ := props["oauth_service_data"].(map[string]any); o["readOnly"] != true {
		t.Errorf("MCPServer.oauth_service_data: %v", props["oauth_service_data"])
	}
	for _, id := range []string{"sdk-schema-OAuthService", "sdk-schema-AuthScopeEnum", "sdk-schema-NotificationCount",
		"sdk-op-ai_mentor_orgs_users_mcp_servers_create", "sdk-op-ai_mentor_orgs_users_sessions_destroy", "sdk-op-core_user_groups_destroy_2"} {
		if _, ok := cs[id]; !ok {
			t.Errorf("no correction %s", id)
		}
	}
	for id := range cs {
		if strings.Contains(id, "credentials") {
			t.Errorf("%s: a correction in the modelled area", id)
		}
	}
	var post map[string]any
	json.Unmarshal(cs["sdk-op-ai_mentor_orgs_users_mcp_servers_create"].raw, &post)
	if post["pointer"] != "/paths/~1api~1ai-mentor~1orgs~1{org}~1users~1{user_id}~1mcp-servers~1/post" {
		t.Errorf("POST mcp-servers: pointer %v", post["pointer"])
	}
	var sess map[string]any
	json.Unmarshal(cs["sdk-op-ai_mentor_orgs_users_sessions_destroy"].raw, &sess)
	if r, _ := jsonAt(sess, "value", "delete", "responses", "204").(map[string]any); r == nil || r["content"] != nil {
		t.Errorf("sessions destroy 204: %v (S5: no body)", r)
	}
	if got := res.report.Kept["a 204 the SDK declares with a body is served without one (S5)"]; len(got) != 1 {
		t.Errorf("S5 kept: %v", got)
	}
	if got := jsonAt(mustJSON(t, cs["sdk-schema-NotificationCount"].raw), "value", "properties", "status", "$ref"); got != "#/components/schemas/Status3daEnum" {
		t.Errorf("NotificationCount.status: %v, want the enum Status3daEnum", got)
	}
	want := map[string]string{
		"CoreApi.core_user_groups_destroy":                                         "core_user_groups_destroy_2",
		"CoreApi.core_user_groups_destroy2":                                        "core_user_groups_destroy",
		"CredentialsApi.credentials_orgs_users_destroy":                            "credentials_orgs_users_destroy",
		"AiMentorApi.ai_mentor_orgs_users_mcp_servers_create":                      "ai_mentor_orgs_users_mcp_servers_create",
		"NotificationsApi.notification_v1_orgs_users_notifications_count_retrieve": "notification_v1_orgs_users_notifications_count_retrieve",
	}
	for m, id := range want {
		if got := res.report.Expected[m]; got != id {
			t.Errorf("%s is served as %q, want %q", m, got, id)
		}
	}

	// The corrections apply to the test long tail, and then every SDK
	// operation has a template of its shape there or in the modelled part.
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "corrections"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "corrections", "50-sdk.yaml"), res.corrections, 0o644); err != nil {
		t.Fatal(err)
	}
	tail, _ := os.ReadFile("testdata/spec/longtail.json")
	doc, applied, err := spec.CorrectLongTail(tail, os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != len(cs) {
		t.Errorf("%d of %d corrections applied", len(applied), len(cs))
	}
	var served map[string]any
	json.Unmarshal(doc, &served)
	shapes := map[string]bool{}
	for p, item := range served["paths"].(map[string]any) {
		for m := range item.(map[string]any) {
			shapes[strings.ToUpper(m)+" "+shape(p)] = true
		}
	}
	shapes["DELETE "+shape("/api/credentials/orgs/{org}/users/{user_id}/{entity_id}")] = true
	ms, _ := readAPIs("testdata/sdk")
	for _, m := range ms {
		if !shapes[m.HTTPMethod+" "+shape(m.Path)] {
			t.Errorf("%s: %s %s is not served", m.Name, m.HTTPMethod, m.Path)
		}
	}
	if !shapes["DELETE /api/core/user_groups/"] || !shapes["DELETE /api/core/user-groups/{}/"] {
		t.Error("both spellings of user groups are not served")
	}
}

// TestServedBaseLeavesGeneratedFilesOut: sdkgen compares the SDK with the
// vendor long tail and the hand-written long-tail corrections, never with
// a generated file's (its own earlier output).
func TestServedBaseLeavesGeneratedFilesOut(t *testing.T) {
	sv, err := loadServed("testdata/spec")
	if err != nil {
		t.Fatal(err)
	}
	comps := schemasOf(sv.Tail)
	if comps["LtiKey"] == nil {
		t.Error("the stale generated file was applied: LtiKey is gone")
	}
	if got := jsonAt(comps["NotificationCount"], "properties", "channel", "maxLength"); got != 20.0 {
		t.Errorf("the hand-written correction was not applied: channel maxLength %v", got)
	}
}

// TestS1WriteOnlyKeepsItsRequiredFlag: a writeOnly field the SDK's model
// requires (openapi-generator ignores writeOnly) keeps the document's
// required flag; a field the SDK newly requires otherwise is required.
func TestS1WriteOnlyKeepsItsRequiredFlag(t *testing.T) {
	tail := map[string]any{"components": map[string]any{"schemas": map[string]any{
		"Key": map[string]any{"type": "object", "properties": map[string]any{
			"name":         map[string]any{"type": "string"},
			"platform_key": map[string]any{"type": "string", "writeOnly": true},
		}},
	}}}
	models := map[string]*Model{"Key": {Name: "Key", File: "key.py", Kind: "object", Fields: []Field{
		{Name: "name", Type: &pyNode{Kind: "name", Name: "StrictStr"}, Required: true},
		{Name: "platform_key", Type: &pyNode{Kind: "name", Name: "StrictStr"}, Required: true},
	}}}
	d, err := buildDocument(nil, models)
	if err != nil {
		t.Fatal(err)
	}
	g := newGenerator(deepCopy(d), testCommit, served{Modelled: map[string]any{}, Tail: tail})
	g.sdkComps = components(deepCopy(map[string]any(g.sdkComps)))
	c, err := g.compareSchema("Key", models["Key"])
	if err != nil || c == nil {
		t.Fatal(c, err)
	}
	req := jsonAt(c.Value, "required")
	if b, _ := json.Marshal(req); string(b) != `["name"]` {
		t.Errorf("required %s, want [\"name\"] (platform_key writeOnly keeps its flag)", b)
	}
	if len(g.Report.Kept["a writeOnly field the SDK's model requires stays as the document has it (S1)"]) != 1 {
		t.Errorf("kept %v", g.Report.Kept)
	}
}

// TestCheckAndJudge: -check passes on the output generate wrote and fails
// on a changed one; -judge then reports no change in the long tail.
func TestCheckAndJudge(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"openapi.json", "longtail.json", "corrections/20-hand.yaml", generatedFile} {
		b, err := os.ReadFile(filepath.Join("testdata/spec", name))
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		os.WriteFile(filepath.Join(dir, name), b, 0o644)
	}
	args := []string{"-sdk", "testdata/sdk", "-commit", testCommit, "-spec", dir}
	var log bytes.Buffer
	if err := run(append(args, "-check"), &log); err == nil {
		t.Fatal("-check passed against a stale output")
	}
	if err := run(args, &log); err != nil {
		t.Fatal(err)
	}
	if err := run(append(args, "-check"), &log); err != nil {
		t.Fatalf("-check after writing: %v", err)
	}
	o := testOptions()
	o.Spec = dir
	res, err := generate(o)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := judge(o, res, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "0 corrections would change") || !strings.Contains(out.String(), "modelled area") {
		t.Errorf("judge:\n%s", out.String())
	}
}

// golden compares got with testdata/golden/name (-update rewrites it).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("%s differs from what sdkgen writes (%v); run go test ./spec/sdkgen -update and review the diff", path, err)
	}
}

func mustJSON(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// jsonAt walks keys down a JSON value.
func jsonAt(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// TestCommittedOperationIDsAreDRFStyle: every operation the committed
// generated corrections (spec/corrections/50-sdk.yaml) add is named as
// drf-spectacular names it from its path and method (D9), numbered only
// past an id the served document already uses.
func TestCommittedOperationIDsAreDRFStyle(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", generatedFile))
	if err != nil {
		t.Fatal(err)
	}
	cs, err := correctionsByID(raw)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for id, c := range cs {
		var e struct {
			Patch   string         `json:"patch"`
			Pointer string         `json:"pointer"`
			Value   map[string]any `json:"value"`
		}
		if err := json.Unmarshal(c.raw, &e); err != nil {
			t.Fatal(err)
		}
		if e.Patch != "add" || !strings.HasPrefix(e.Pointer, "/paths/") {
			continue
		}
		toks := strings.Split(strings.TrimPrefix(e.Pointer, "/paths/"), "/")
		path, ops := strings.ReplaceAll(strings.ReplaceAll(toks[0], "~1", "/"), "~0", "~"), e.Value
		if len(toks) == 2 {
			// /paths/{path}/{method}: one operation added to a path the
			// document has.
			ops = map[string]any{toks[1]: e.Value}
		}
		for method, op := range ops {
			opID, _ := op.(map[string]any)["operationId"].(string)
			base := drfBase(path) + "_"
			action := strings.TrimPrefix(opID, base)
			action = strings.TrimRight(strings.TrimSuffix(action, "_"), "0123456789")
			action = strings.TrimSuffix(action, "_")
			want := map[string][]string{"get": {"list", "retrieve"}, "post": {"create"}, "put": {"update"}, "patch": {"partial_update"}, "delete": {"destroy"}}[method]
			if !strings.HasPrefix(opID, base) || !slices.Contains(want, action) {
				t.Errorf("%s: %s %s is named %s, not %s{%s}[_N]", id, strings.ToUpper(method), path, opID, base, strings.Join(want, "|"))
			}
			if id != "sdk-op-"+opID {
				t.Errorf("%s names operation %s", id, opID)
			}
			n++
		}
	}
	if n < 100 {
		t.Fatalf("only %d added operations in %s", n, generatedFile)
	}
}
