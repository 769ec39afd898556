package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The repository's documents: the pinned vendor extract and what the fake
// serves.
const (
	pinnedDoc = "../vendor.json"
	servedDoc = "../openapi.json"
)

// find returns the rows of operation op whose text contains text.
func find(rows []Row, op, text string) []Row {
	var out []Row
	for _, r := range rows {
		if r.Operation == op && strings.Contains(r.Text, text) {
			out = append(out, r)
		}
	}
	return out
}

// TestPinnedAgainstServed: against the pinned document, the rows are the
// fake's corrections: the 4.205 operations it adds, the responses it
// replaces; nothing is marked new, since there is nothing to be new against.
func TestPinnedAgainstServed(t *testing.T) {
	t.Parallel()
	res, err := Compare(Options{Vendor: pinnedDoc, Fake: servedDoc, Pinned: pinnedDoc})
	if err != nil {
		t.Fatal(err)
	}
	rows := res.Rows
	for _, op := range []string{"credentials_providers_retrieve",
		"credentials_orgs_users_provider_config_retrieve", "credentials_orgs_users_provider_config_create", "credentials_orgs_users_provider_config_destroy",
		"credentials_orgs_users_external_mapping_retrieve", "credentials_orgs_users_external_mapping_create", "credentials_orgs_users_external_mapping_destroy"} {
		got := find(rows, op, "endpoint added")
		if len(got) != 1 || got[0].Facet != "operation" || got[0].Fake != "adds" {
			t.Errorf("%s: rows %+v, want one 'endpoint added' the fake adds", op, got)
		}
	}
	if got := find(rows, "credentials_orgs_users_destroy", "status `204`"); len(got) != 1 || got[0].Fake != "lacks" || got[0].Facet != "responses" {
		t.Errorf("credential delete's 204: %+v, want the fake lacking it", got)
	}
	if got := find(rows, "catalog_invitations_platform_bulk_create", "`platform_key` became required"); len(got) != 1 || !strings.HasSuffix(got[0].Text, "(5 media types)") {
		t.Errorf("platform bulk's platform_key: %+v, want one row for its 5 media types", got)
	}
	for _, r := range rows {
		if r.Since != "" {
			t.Fatalf("%+v: a row against the pinned document says %q", r, r.Since)
		}
		if !strings.HasPrefix(r.Path, "/api/credentials/") && !strings.HasPrefix(r.Path, "/api/catalog/") {
			t.Fatalf("%+v: outside the area", r)
		}
	}
}

// TestANewerVendorDocument: a vendor document that changed since the pinned
// one (built here from it, as 4.205 changed it) gets rows marked new for
// what it changed, known for what the corrections already did, and gone
// where the vendor now agrees with the fake.
func TestANewerVendorDocument(t *testing.T) {
	t.Parallel()
	var doc map[string]any
	raw, err := os.ReadFile(pinnedDoc)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	paths := doc["paths"].(map[string]any)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	// 4.205 drops the key alias from the course invitation list ...
	list := paths["/api/catalog/invitations/course/"].(map[string]any)["get"].(map[string]any)
	var kept []any
	for _, p := range list["parameters"].([]any) {
		if p.(map[string]any)["name"] != "key" {
			kept = append(kept, p)
		}
	}
	list["parameters"] = kept
	// ... and requires the platform bulk's platform_key, as a correction does.
	schemas["BulkPlatformInvitationCreate"].(map[string]any)["required"] = []any{"invitation_data", "platform_key"}
	newer := filepath.Join(t.TempDir(), "newer.json")
	b, _ := json.Marshal(doc)
	if err := os.WriteFile(newer, b, 0o644); err != nil {
		t.Fatal(err)
	}

	res, err := Compare(Options{Vendor: newer, Fake: servedDoc, Pinned: pinnedDoc})
	if err != nil {
		t.Fatal(err)
	}
	rows := res.Rows
	for _, tc := range []struct{ op, text, since, fake string }{
		{"catalog_invitations_course_retrieve", "parameter `key`", "new", "adds"},
		{"catalog_invitations_platform_bulk_create", "`platform_key` became required", "gone", "differs"},
		{"credentials_orgs_users_provider_config_create", "endpoint added", "known", "adds"},
	} {
		got := find(rows, tc.op, tc.text)
		if len(got) != 1 || got[0].Since != tc.since || got[0].Fake != tc.fake {
			t.Errorf("%s %q: rows %+v, want one %s row the fake %s", tc.op, tc.text, got, tc.since, tc.fake)
		}
	}
	var out bytes.Buffer
	if err := WriteSummary(&out, rows); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "new since pinned") {
		t.Errorf("summary without the new-since-pinned column:\n%s", out.String())
	}
}

// TestRunWritesOneTable: the command's output is a headline and one table,
// its operation column written once per operation.
func TestRunWritesOneTable(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := run([]string{"-vendor", pinnedDoc, "-fake", servedDoc, "-pinned", pinnedDoc}, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if !strings.HasPrefix(lines[0], "drift: vendor 4.90.4-ai-plus -> fake (on 4.90.4-ai-plus): ") {
		t.Fatalf("headline %q", lines[0])
	}
	if !strings.HasPrefix(lines[1], "operation") || !strings.Contains(lines[1], "change (vendor -> fake)") {
		t.Fatalf("header %q", lines[1])
	}
	if n := strings.Count(out.String(), "\ncredentials_orgs_users_destroy "); n != 1 {
		t.Errorf("credentials_orgs_users_destroy heads %d rows, want 1:\n%s", n, out.String())
	}
	if err := run([]string{"-vendor", "nope.json"}, &out); err == nil {
		t.Error("a missing vendor document did not fail")
	}
}
