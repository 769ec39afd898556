package scenarios

import "testing"

// Every benchmark's operation is one request's cost: the server asks the
// engine in both phases.

func benchMatch(b *testing.B, e *Engine) {
	r := &Request{Operation: "credentials_orgs_users_retrieve", Method: "GET",
		Path: "/api/credentials/orgs/acme/users/admin/", Tenant: "acme",
		Param: func(string) (string, bool) { return "", false }}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if e.Match(r, BeforeAuth) != nil || e.Match(r, AfterAuth) != nil {
				b.Fatal("matched")
			}
		}
	})
}

// BenchmarkMatchNoneActive is the engine's cost when no scenario is active.
func BenchmarkMatchNoneActive(b *testing.B) {
	e := NewEngine()
	for _, n := range DefaultOn {
		_ = e.Deactivate(n)
	}
	benchMatch(b, e)
}

// BenchmarkMatchDefaultOn is the cost with the default-on scenario, whose
// rule does not match the request.
func BenchmarkMatchDefaultOn(b *testing.B) {
	benchMatch(b, NewEngine())
}

// BenchmarkMatchAllBuiltinsNoMatch has every built-in active with an
// operation none of them matches by path.
func BenchmarkMatchAllBuiltinsNoMatch(b *testing.B) {
	e := NewEngine()
	for _, in := range e.List() {
		_ = e.Activate(in.Name)
	}
	r := &Request{Operation: "x", Method: "GET", Path: "/other/", Param: func(string) (string, bool) { return "", false }}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = e.Match(r, BeforeAuth)
		_ = e.Match(r, AfterAuth)
	}
}

// BenchmarkMatchPerRequestScenario names a scenario in the request (the
// X-Fake-Scenario header) whose rule does not match it: the cost of finding
// the scenario's counters for this request.
func BenchmarkMatchPerRequestScenario(b *testing.B) {
	e := NewEngine()
	r := &Request{Operation: "credentials_orgs_users_retrieve", Method: "GET",
		Path: "/api/credentials/orgs/acme/users/admin/", Tenant: "acme", Extra: []string{"seat-exhaustion"},
		Param: func(string) (string, bool) { return "", false }}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if e.Match(r, BeforeAuth) != nil || e.Match(r, AfterAuth) != nil {
			b.Fatal("matched")
		}
	}
}

// BenchmarkQuietDefaultOn is what the server asks per request before it
// builds a Request for Match (fake/scenario.go): with the default-on rule
// active, a credential list is quiet in both phases.
func BenchmarkQuietDefaultOn(b *testing.B) {
	e := NewEngine()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if !e.Quiet(BeforeAuth, "credentials_orgs_users_retrieve", "GET", "/api/credentials/orgs/acme/users/admin/") ||
			!e.Quiet(AfterAuth, "credentials_orgs_users_retrieve", "GET", "/api/credentials/orgs/acme/users/admin/") {
			b.Fatal("the list is not quiet")
		}
	}
}
