// Package synth makes JSON values from OpenAPI schemas: the answers of the
// operations iblfake does not model with state (the long tail). A value is
// valid by construction (every required property, no property the schema
// does not declare, formats, enums, patterns, bounds and lengths honoured;
// allOf merged, oneOf/anyOf by discriminator or the first branch that
// validates), deterministic (the same seed gives the same value, and each
// property's value depends only on the seed and the property's name, so an
// item reads the same alone and inside a list), bounded (a node budget and
// a depth limit over $ref cycles), and looks real (gofakeit by property
// name and format, dates from the fake's clock).
package synth

import (
	"hash/fnv"
	"math/rand/v2"
	"time"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/getkin/kin-openapi/openapi3"
)

// Budget is how many values one call may make at most; past it optional
// properties are left out and arrays hold only their minimum.
const Budget = 2500

// MaxDepth bounds how deeply a value nests (a $ref cycle ends here).
const MaxDepth = 10

// Options are what a value depends on besides the schema.
type Options struct {
	// Seed is the value's seed: the same seed, schema and clock give the
	// same value.
	Seed uint64
	// Now is the fake's clock: date-times fall in the year before it.
	Now time.Time
	// Tenant, when set, is the value of properties naming a platform or
	// org (platform_key, org, platform_org), so answers stay in the tenant
	// the request addressed.
	Tenant string
	// Base, when set, is the fake's own origin (scheme and host, as the
	// request reached it): URL fields point at files the fake makes up
	// there (urls.go, package media), so a client that shows or follows
	// one stays on the fake.
	Base string
	// Path is the operation's path template: what the answer is about
	// (a logo's "file" is an image).
	Path string
	// Request makes a request body instead of an answer: readOnly
	// properties left out, writeOnly ones included.
	Request bool
	// Pick, when set, is asked first for the value of every string or
	// integer property: a value it gives (and the schema allows) is used,
	// so a field that names another entity (a user, a course) names one of
	// the tenant's own, and a name one of the tenant's names.
	Pick func(f Field) (any, bool)
}

// Field is a property Options.Pick is asked for.
type Field struct {
	Name   string
	Schema *openapi3.Schema
	Seed   uint64
	// Kind is the kind of thing the field names or is about (a
	// course_name a course's, a name inside a mentor a mentor's; context.go),
	// "" when nothing says.
	Kind string
	// Display says the field holds the display name of a thing of Kind
	// (name, title, display_name, course_name).
	Display bool
}

// Value returns a value of schema s drawn from opts: an answer (readOnly
// properties included, writeOnly ones left out) unless opts.Request.
func Value(s *openapi3.SchemaRef, opts Options) any {
	g := newGen(opts)
	return g.value(s, opts.Seed, "", 0)
}

// Key hashes the parts that make a value what it is (a tenant, an
// operation, an entity id) into a seed, with FNV-1a: stable across
// processes and versions, unlike hash/maphash.
func Key(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		_, _ = h.Write([]byte(p))
		_, _ = h.Write([]byte{0})
	}
	return h.Sum64()
}

// Mix derives a child seed from seed and a name (a property, an index).
func Mix(seed uint64, name string) uint64 {
	h := fnv.New64a()
	var b [8]byte
	for i := range b {
		b[i] = byte(seed >> (8 * i))
	}
	_, _ = h.Write(b[:])
	_, _ = h.Write([]byte(name))
	return h.Sum64()
}

// gen is one call's state: the node budget, and a random source and faker
// reseeded for every node, so no node's value depends on the order in
// which the others were made.
type gen struct {
	opts   Options
	budget int
	pcg    *rand.PCG
	rng    *rand.Rand
	faker  *gofakeit.Faker
	// kind is the kind of thing the node is inside (context.go), and
	// topicSeed that thing's seed, which picks its subject.
	kind      string
	topicSeed uint64
}

func newGen(opts Options) *gen {
	pcg := rand.NewPCG(0, 0)
	if opts.Now.IsZero() {
		opts.Now = time.Now().UTC()
	}
	return &gen{opts: opts, budget: Budget, pcg: pcg, rng: rand.New(pcg), faker: gofakeit.NewFaker(pcg, false),
		kind: pathKind(opts.Path), topicSeed: opts.Seed}
}

// seed points the random source at one node.
func (g *gen) seed(seed uint64) { g.pcg.Seed(seed, seed^0x9e3779b97f4a7c15) }

// value makes a value of s for the node seed, named name (the property
// it is the value of, for the name heuristics), depth levels down.
func (g *gen) value(ref *openapi3.SchemaRef, seed uint64, name string, depth int) any {
	if ref == nil || ref.Value == nil {
		return map[string]any{}
	}
	g.budget--
	s := ref.Value
	// A field naming the platform an answer is about is the request's
	// tenant at any depth, over a declared example ("main") or another
	// entity's id: a UI looks its tenant up by it.
	if g.opts.Tenant != "" && !g.opts.Request && tenantFields[name] && s.VisitJSON(g.opts.Tenant, g.direction()) == nil {
		return g.opts.Tenant
	}
	if ex := s.Example; ex != nil && s.VisitJSON(ex, g.direction()) == nil {
		return ex // a declared example, used only when it is valid
	}
	if len(s.AllOf) > 0 {
		s = merged(s)
	}
	if len(s.OneOf) > 0 || len(s.AnyOf) > 0 {
		return g.branch(s, seed, name, depth)
	}
	if len(s.Enum) > 0 {
		return g.enum(s, seed)
	}
	if g.opts.Pick != nil && name != "" && (s.Type.Is("string") || s.Type.Is("integer")) {
		c := classOf(name)
		f := Field{Name: name, Schema: s, Seed: seed, Kind: g.kindFor(c),
			Display: (c.head == "name" || c.head == "title") && (c.before() == "" || c.before() == "display" || kindWords[c.before()] != "")}
		if v, ok := g.opts.Pick(f); ok && s.VisitJSON(v, g.direction()) == nil {
			return v
		}
	}
	switch {
	case s.Type.Is("object") || (s.Type == nil && len(s.Properties) > 0):
		kind, topic := g.kind, g.topicSeed
		if k := objectKind(ref, name); k != "" {
			g.kind = k
		}
		g.topicSeed = seed
		out := g.object(s, seed, depth)
		g.kind, g.topicSeed = kind, topic
		return out
	case s.Type.Is("array"):
		return g.array(s, seed, name, depth)
	case s.Type.Is("string"):
		return g.str(s, seed, name)
	case s.Type.Is("integer"):
		return g.integer(s, seed, name)
	case s.Type.Is("number"):
		return g.number(s, seed, name)
	case s.Type.Is("boolean"):
		g.seed(seed)
		return g.rng.IntN(2) == 0
	}
	// No type: any value; a string is the most useful.
	return g.str(s, seed, name)
}

func (g *gen) enum(s *openapi3.Schema, seed uint64) any {
	var choices []any
	for _, e := range s.Enum {
		if e != nil {
			choices = append(choices, e)
		}
	}
	if len(choices) == 0 {
		return nil
	}
	g.seed(seed)
	return choices[g.rng.IntN(len(choices))]
}

func (g *gen) object(s *openapi3.Schema, seed uint64, depth int) any {
	out := map[string]any{}
	required := map[string]bool{}
	for _, r := range s.Required {
		required[r] = true
	}
	// Optional properties while the budget and depth allow; required ones
	// always (an empty object where depth runs out is better than none).
	lean := g.budget <= 0 || depth >= MaxDepth
	for _, name := range sortedNames(s.Properties) {
		p := s.Properties[name]
		if p == nil || p.Value == nil || (!g.opts.Request && p.Value.WriteOnly) || (g.opts.Request && p.Value.ReadOnly) {
			continue
		}
		if lean && !required[name] {
			continue
		}
		out[name] = g.value(p, Mix(seed, name), name, depth+1)
	}
	g.settlePage(out, s)
	return out
}

func (g *gen) array(s *openapi3.Schema, seed uint64, name string, depth int) any {
	n := int(s.MinItems)
	if n == 0 && g.budget > 0 && depth < MaxDepth {
		g.seed(seed)
		n = 1 + g.rng.IntN(2)
	}
	if s.MaxItems != nil && uint64(n) > *s.MaxItems {
		n = int(*s.MaxItems)
	}
	out := make([]any, 0, n)
	seen := map[string]bool{}
	for i := 0; len(out) < n && i < n+8; i++ {
		v := g.value(s.Items, Mix(seed, itoa(i)), singular(name), depth+1)
		if s.UniqueItems {
			k := jsonKey(v)
			if seen[k] {
				continue
			}
			seen[k] = true
		}
		out = append(out, v)
	}
	return out
}

// branch picks a oneOf/anyOf branch: the discriminator's mapping when there
// is one, else the first branch whose value validates against the whole
// schema (a oneOf value must match exactly one branch).
func (g *gen) branch(s *openapi3.Schema, seed uint64, name string, depth int) any {
	branches := s.OneOf
	if len(branches) == 0 {
		branches = s.AnyOf
	}
	if d := s.Discriminator; d != nil && d.PropertyName != "" {
		for _, key := range sortedNames(d.Mapping) {
			for _, b := range branches {
				if b.Ref == d.Mapping[key].Ref {
					v := g.value(b, seed, name, depth)
					if obj, ok := v.(map[string]any); ok {
						obj[d.PropertyName] = key
					}
					return v
				}
			}
		}
	}
	var first any
	for i, b := range branches {
		v := g.value(b, seed, name, depth)
		if i == 0 {
			first = v
		}
		if s.VisitJSON(v, g.direction()) == nil {
			return v
		}
	}
	return first
}

// direction is the validation option of the value's direction.
func (g *gen) direction() openapi3.SchemaValidationOption {
	if g.opts.Request {
		return openapi3.VisitAsRequest()
	}
	return openapi3.VisitAsResponse()
}
