package synth_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/iblfake/iblfake/internal/synth"
	"github.com/iblfake/iblfake/spec"
)

// component is s as the document's component name.
func component(name string, s *openapi3.Schema) *openapi3.SchemaRef {
	return &openapi3.SchemaRef{Ref: "#/components/schemas/" + name, Value: s}
}

func str() *openapi3.Schema { return openapi3.NewStringSchema() }

// TestDisplayTextBelongs: names and descriptions come from the vocabulary
// of the thing they are about, whether the object's schema, its property
// or the operation's path says what that is; a thing's name fields agree
// with each other and its description is about the same subject; and a
// value never contradicts its key.
func TestDisplayTextBelongs(t *testing.T) {
	opts := synth.Options{Seed: 9, Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), Tenant: "acme-labs"}
	mentor := openapi3.NewObjectSchema().
		WithProperty("name", str()).WithProperty("display_name", str()).WithProperty("mentor_slug", str()).
		WithProperty("description", str()).WithProperty("created_by", str()).WithProperty("email_subject", str()).
		WithProperty("sentiment", str()).WithProperty("platform_name", str()).
		WithProperty("categories", openapi3.NewArraySchema().WithItems(openapi3.NewObjectSchema().WithProperty("name", str()))).
		WithProperty("skills", openapi3.NewArraySchema().WithItems(openapi3.NewObjectSchema().WithProperty("name", str())))
	for seed := range uint64(20) {
		opts.Seed = seed
		m := synth.Value(component("MentorSettings", mentor), opts).(map[string]any)
		name := m["name"].(string)
		if !slices.ContainsFunc([]string{"Tutor", "Coach", "Mentor", "Guide", "Assistant", "Advisor", "Study Buddy"}, func(r string) bool { return strings.HasSuffix(name, " "+r) }) {
			t.Errorf("a mentor's name %q is no mentor's", name)
		}
		if m["display_name"] != name || m["mentor_slug"] != strings.ReplaceAll(strings.ToLower(name), " ", "-") {
			t.Errorf("one mentor, names %q, %q, %q", name, m["display_name"], m["mentor_slug"])
		}
		subject := strings.ToLower(strings.Fields(name)[0])
		if desc := m["description"].(string); !strings.Contains(strings.ToLower(desc), subject) || !sentence(desc) {
			t.Errorf("mentor %q described as %q", name, desc)
		}
		if by := m["created_by"].(string); dateLike.MatchString(by) || strings.Contains(by, " ") {
			t.Errorf("created_by = %q, not a user", by)
		}
		if subj := m["email_subject"].(string); strings.Contains(subj, "@") {
			t.Errorf("email_subject = %q, an email", subj)
		}
		if s := m["sentiment"]; !slices.Contains([]any{"positive", "neutral", "negative"}, s) {
			t.Errorf("sentiment = %v", s)
		}
		if m["platform_name"] != "Acme Labs" {
			t.Errorf("platform_name = %v, want the tenant's", m["platform_name"])
		}
		for _, c := range m["categories"].([]any) {
			if n := c.(map[string]any)["name"]; !slices.Contains([]any{"Tutoring", "Career Development", "Languages", "STEM", "Writing", "Wellbeing", "Test Prep", "Onboarding", "Research", "Study Skills"}, n) {
				t.Errorf("category named %v", n)
			}
		}
	}
	// The schema's name, and the operation's path, say what a thing is.
	group := openapi3.NewObjectSchema().WithProperty("name", str()).WithProperty("description", str())
	g := synth.Value(component("RbacGroup", group), opts).(map[string]any)
	if !regexp.MustCompile(`^[A-Z][\w ]+ (Cohort|Team|Group|Learners|Staff)$`).MatchString(g["name"].(string)) || !sentence(g["description"].(string)) {
		t.Errorf("a group: %v", g)
	}
	opts.Path = "/api/catalog/skills/{skill_id}/"
	sk := synth.Value(openapi3.NewObjectSchema().WithProperty("name", str()).NewRef(), opts).(map[string]any)
	if n := sk["name"].(string); strings.Count(n, " ") > 2 || n == "" || strings.ContainsAny(n, ".,") {
		t.Errorf("a skill named %q", n)
	}
}

var dateLike = regexp.MustCompile(`^\d{4}-\d\d-\d\d`)

// sentence reports whether s reads as one: a capital, words, a full stop.
func sentence(s string) bool {
	return len(strings.Fields(s)) >= 4 && s[0] >= 'A' && s[0] <= 'Z' && strings.HasSuffix(s, ".")
}

// TestNoValueContradictsItsKey: across every synthesized answer of the
// document, a field named for a person who did something (created_by)
// holds no date, a subject or title no email, a field named for a time
// holds no email, and no field that is not about time holds a date-time
// because its name merely contains one (sentiment, "time" in it).
func TestNoValueContradictsItsKey(t *testing.T) {
	bad, descriptions, sentences := 0, 0, 0
	fail := func(format string, args ...any) {
		if bad++; bad <= 10 {
			t.Errorf(format, args...)
		}
	}
	eachAnswer(t, func(e spec.IndexEntry, code string, v any) {
		walkAll(v, func(at, key string, w any) {
			s, ok := w.(string)
			if !ok || key == "" {
				return
			}
			k := strings.ToLower(key)
			switch {
			case strings.HasSuffix(k, "_by") && dateLike.MatchString(s):
				fail("%s %s: %s = %q, a date in a user field", e.ID, code, at, s)
			case (strings.HasSuffix(k, "subject") || strings.HasSuffix(k, "title") || strings.HasSuffix(k, "_name")) && strings.Contains(s, "@"):
				fail("%s %s: %s = %q, an email in a name", e.ID, code, at, s)
			case k == "sentiment" && dateLike.MatchString(s):
				fail("%s %s: %s = %q", e.ID, code, at, s)
			case k == "description":
				descriptions++
				if sentence(s) {
					sentences++
				}
			}
		})
	})
	if bad > 0 {
		t.Errorf("%d values contradict their keys", bad)
	}
	// Declared examples and enums are the document's; nearly every other
	// description is a sentence of the vocabulary.
	if sentences*10 < descriptions*9 {
		t.Errorf("%d of %d descriptions read as sentences", sentences, descriptions)
	}
	t.Logf("%d of %d descriptions read as sentences", sentences, descriptions)
}
