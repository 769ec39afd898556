package synth_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/iblfake/iblfake/internal/synth"
	"github.com/iblfake/iblfake/spec"
)

// eachAnswer calls f with a synthesized value of every declared JSON
// answer of every long-tail operation (made for tenant acme on fakeBase),
// and the operation it answers.
func eachAnswer(t *testing.T, f func(e spec.IndexEntry, code string, v any)) {
	t.Helper()
	idx, err := spec.LongTailIndex()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, e := range idx {
		op, err := spec.LongTailOperation(e.Method, e.Path)
		if err != nil {
			t.Fatal(err)
		}
		for _, code := range slices.Sorted(mapsKeys(op.Op.Responses.Map())) {
			resp := op.Op.Responses.Value(code)
			if resp == nil || resp.Value == nil {
				continue
			}
			for mt, media := range resp.Value.Content {
				if media.Schema != nil && strings.Contains(mt, "json") {
					f(e, code, synth.Value(media.Schema, synth.Options{Seed: synth.Key(e.ID, code), Now: now, Tenant: "acme", Base: fakeBase, Path: e.Path}))
				}
			}
		}
	}
}

// walk calls f with every value inside v and its JSON pointer.
func walk(v any, at string, f func(at string, key string, v any)) {
	switch x := v.(type) {
	case map[string]any:
		for k, w := range x {
			f(at+"/"+k, k, w)
			walk(w, at+"/"+k, f)
		}
	case []any:
		for i, w := range x {
			f(fmt.Sprintf("%s/%d", at, i), "", w)
			walk(w, fmt.Sprintf("%s/%d", at, i), f)
		}
	}
}

// TestAnswersPointAtTheFake: in every synthesized answer of the document,
// every absolute URL is one of the fake's made-up files on the fake's own
// host, and every page counts what it holds and links nowhere.
func TestAnswersPointAtTheFake(t *testing.T) {
	urls, pages, bad := 0, 0, 0
	eachAnswer(t, func(e spec.IndexEntry, code string, v any) {
		walkAll(v, func(at, key string, w any) {
			switch x := w.(type) {
			case string:
				if strings.HasPrefix(x, "http://") || strings.HasPrefix(x, "https://") {
					urls++
					if !strings.HasPrefix(x, fakeBase+"/media/iblfake/") {
						if bad++; bad <= 10 {
							t.Errorf("%s %s: %s = %q, not on the fake", e.ID, code, at, x)
						}
					}
				}
			case map[string]any:
				results, ok := x["results"].([]any)
				if _, counted := x["count"]; !ok || !counted {
					return
				}
				pages++
				if fmt.Sprint(x["count"]) != fmt.Sprint(len(results)) || !noLink(x["next"]) || !noLink(x["previous"]) {
					if bad++; bad <= 10 {
						t.Errorf("%s %s: %s: count %v, next %v, previous %v for %d results", e.ID, code, at, x["count"], x["next"], x["previous"], len(results))
					}
				}
			}
		})
	})
	if bad > 0 {
		t.Errorf("%d values leave the fake or disagree with their page", bad)
	}
	t.Logf("%d URLs on the fake, %d pages that agree with themselves", urls, pages)
}

// walkAll is walk that also calls f with v itself (pointer "").
func walkAll(v any, f func(at string, key string, v any)) {
	f("", "", v)
	walk(v, "", f)
}

// noLink reports whether a page's link says there is no such page (null,
// or "" where the schema does not allow null).
func noLink(v any) bool { return v == nil || v == "" }

// TestTenantFieldsAtAnyDepth: in every synthesized answer of the document,
// a string field naming a platform or org (platform_key, platform_org,
// org, platform, tenant) names the request's tenant, however deep it is.
func TestTenantFieldsAtAnyDepth(t *testing.T) {
	fields, nested, bad := 0, 0, 0
	eachAnswer(t, func(e spec.IndexEntry, code string, v any) {
		walkAll(v, func(at, key string, w any) {
			s, ok := w.(string)
			if !ok || !tenantField(key) {
				return
			}
			fields++
			if strings.Count(at, "/") > 1 {
				nested++
			}
			if s != "acme" {
				if bad++; bad <= 10 {
					t.Errorf("%s %s: %s = %q, not the tenant", e.ID, code, at, s)
				}
			}
		})
	})
	if bad > 0 {
		t.Errorf("%d of %d tenant fields name another tenant", bad, fields)
	}
	t.Logf("%d tenant fields (%d nested) name the tenant", fields, nested)
}

func tenantField(key string) bool {
	switch key {
	case "platform_key", "platform_org", "org", "platform", "tenant":
		return true
	}
	return false
}
