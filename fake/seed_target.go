package fake

import (
	"slices"

	"github.com/iblfake/iblfake/fake/seed"
	"github.com/iblfake/iblfake/internal/synth"
	"github.com/iblfake/iblfake/internal/urlconf"
	"github.com/iblfake/iblfake/scenarios"
	"github.com/iblfake/iblfake/spec"
)

// seedTarget is the server as a seed is checked against and applied to:
// its handler and clock, and what the served document says of each
// operation (its path, the fields its JSON body takes).
func (s *Server) seedTarget() seed.Target {
	return seed.Target{
		Handler: s.Handler(), Clock: s.deps.Clock,
		// A builder binds no keys: every key is a DM admin's (license
		// creates are theirs alone).
		Auth: "Api-Token iblfake-seed",
		Operation: func(id string) (string, string, bool) {
			if op := s.urls.Operation(id); op != nil {
				return op.Method, op.Template, true
			}
			return "", "", false
		},
		Resolve: func(method, path string) string {
			var m urlconf.Match
			if !s.urls.Resolve(path, &m) {
				return ""
			}
			if op := m.View.Op(method); op != nil {
				return op.ID
			}
			return ""
		},
		Fields: s.bodyFields,
		Suggest: func(id string) []string {
			var out []string
			for _, op := range scenarios.NewOperations(s.servedOperations()).Suggest(id, "") {
				out = append(out, op.ID)
			}
			return out
		},
	}
}

// bodyFields lists the properties of an operation's JSON request body,
// from the modelled document or the long tail's; nil when it declares none.
func (s *Server) bodyFields(id string) []string {
	op := s.urls.Operation(id)
	if op == nil {
		return nil
	}
	item := s.specOps[id].Op
	if item == nil {
		lt, err := spec.LongTailOperation(op.Method, op.Template)
		if err != nil {
			return nil
		}
		item = lt.Op
	}
	if item.RequestBody == nil || item.RequestBody.Value == nil {
		return nil
	}
	var out []string
	for ct, mt := range item.RequestBody.Value.Content {
		if ct != "application/json" || mt.Schema == nil || mt.Schema.Value == nil {
			continue
		}
		for name := range synth.Properties(mt.Schema.Value) {
			out = append(out, name)
		}
	}
	if len(out) == 0 {
		return nil
	}
	slices.Sort(out)
	return out
}
