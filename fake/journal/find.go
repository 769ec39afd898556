package journal

import (
	"fmt"
	"strings"
)

// Match picks journal entries, as WireMock's verify does: every field set
// must hold; the zero Match picks every entry. Operation and Path may hold
// "*", which matches any run of characters ("credentials_orgs_users_*",
// "/api/catalog/*").
type Match struct {
	Method    string // GET, POST, ... (any case)
	Path      string // the request's path
	Operation string // its operationId
	Tenant    string // the org (platform key) it was for
	Status    int    // the status answered
	// Scenario is a scenario rule that applied, "scenario/rule", or a
	// scenario's name alone.
	Scenario string
}

// Matches reports whether e is one m picks.
func (m Match) Matches(e Entry) bool {
	return (m.Method == "" || strings.EqualFold(m.Method, e.Method)) &&
		(m.Path == "" || glob(m.Path, e.Path)) &&
		(m.Operation == "" || glob(m.Operation, e.OperationID)) &&
		(m.Tenant == "" || m.Tenant == e.Tenant) &&
		(m.Status == 0 || m.Status == e.Status) &&
		(m.Scenario == "" || appliedRule(m.Scenario, e.Scenario))
}

// String is m as a test failure shows it.
func (m Match) String() string {
	var parts []string
	for _, f := range [][2]string{{"method", m.Method}, {"path", m.Path}, {"operation", m.Operation}, {"tenant", m.Tenant}, {"scenario", m.Scenario}} {
		if f[1] != "" {
			parts = append(parts, f[0]+" "+f[1])
		}
	}
	if m.Status != 0 {
		parts = append(parts, fmt.Sprintf("status %d", m.Status))
	}
	if len(parts) == 0 {
		return "any request"
	}
	return strings.Join(parts, ", ")
}

// Find returns the kept entries m picks, oldest first, each with its
// sequence number and, where kept, its exchange (KeepBodies).
func (j *Journal) Find(m Match) []Watched {
	j.mu.Lock()
	defer j.mu.Unlock()
	kept := uint64(j.next)
	if j.full {
		kept = uint64(len(j.entries))
	}
	var out []Watched
	for seq := j.total - kept + 1; seq <= j.total; seq++ {
		if w := j.lookupLocked(seq); m.Matches(w.Entry) {
			out = append(out, w)
		}
	}
	return out
}

// Count is how many kept entries m picks.
func (j *Journal) Count(m Match) int { return len(j.Find(m)) }

// glob matches s against pattern, whose "*" matches any run of
// characters (slashes included).
func glob(pattern, s string) bool {
	if !strings.Contains(pattern, "*") {
		return pattern == s
	}
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, last) && len(s) >= len(last)
}

// appliedRule reports whether want ("scenario/rule" or "scenario") is
// among the applied rules of an entry ("a/r1, b/r2").
func appliedRule(want, applied string) bool {
	for _, r := range strings.Split(applied, ", ") {
		if r == want || strings.HasPrefix(r, want+"/") {
			return true
		}
	}
	return false
}
