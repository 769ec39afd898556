package demo

import (
	"fmt"
	"strings"
	"unicode"
)

// person is a user of the demo platform.
type person struct {
	UserID   int64
	Username string
	Email    string
	Name     string
	Admin    bool
}

// group is a user group of the demo platform (a cohort or a department).
type group struct {
	ID      int64
	Slug    string
	Name    string
	Members []int // indexes into builder.people
}

// adminUser is the platform admin the credentials API paths name
// (/users/admin/).
var adminUser = person{UserID: 1, Username: "admin", Email: "admin@" + Org + ".example.com", Name: "Demo Admin", Admin: true}

var emailDomains = []string{"example.com", "example.org", "example.net", "mail.example.com"}

// makePeople draws n learners with unique usernames after the admin.
func (b *builder) makePeople(n int) []person {
	out := []person{adminUser}
	seen := map[string]bool{adminUser.Username: true}
	for i := 0; i < n; i++ {
		first, last := b.f.FirstName(), b.f.LastName()
		base := slug(first) + "." + slug(last)
		if base == "." {
			base = "learner"
		}
		username := base
		for k := 2; seen[username]; k++ {
			username = fmt.Sprintf("%s%d", base, k)
		}
		seen[username] = true
		out = append(out, person{
			UserID:   int64(len(out) + 1),
			Username: username,
			Email:    username + "@" + b.f.RandomString(emailDomains),
			Name:     first + " " + last,
		})
	}
	b.stats.Users = len(out)
	return out
}

// makeGroups puts every learner in one department and most in a cohort.
func (b *builder) makeGroups() []group {
	depts := []string{"Engineering", "Sales", "Operations", "Clinical Staff", "Marketing"}
	cohorts := []string{"Cohort Fall 2025", "Cohort Spring 2026"}
	var out []group
	for i, name := range append(depts, cohorts...) {
		out = append(out, group{ID: int64(10 * (i + 1)), Slug: slug(name), Name: name})
	}
	for p := 1; p < len(b.people); p++ {
		d := b.f.IntN(len(depts))
		out[d].Members = append(out[d].Members, p)
		if b.f.IntN(10) < 7 {
			c := len(depts) + b.f.IntN(len(cohorts))
			out[c].Members = append(out[c].Members, p)
		}
	}
	return out
}

// slug lower-cases s and keeps letters and digits, "-" for spaces.
func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
		case r == ' ' || r == '-':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// directories seeds the platform's users and groups in both directories
// the fake keeps: the credentials one (assignments) and the catalog one
// (license and group assignments).
func (b *builder) directories() error {
	b.at(b.daysAgo(200))
	users := make([]map[string]any, len(b.people))
	for i, p := range b.people {
		users[i] = map[string]any{"user_id": p.UserID, "username": p.Username, "email": p.Email, "name": p.Name}
	}
	credUsers := make([]map[string]any, len(b.people))
	for i, p := range b.people {
		credUsers[i] = map[string]any{"user_id": p.UserID, "username": p.Username, "email": p.Email, "name": p.Name, "platform_admin": p.Admin}
	}
	var credGroups, catGroups []map[string]any
	for _, g := range b.groups {
		ids := make([]int64, len(g.Members))
		members := make([]map[string]any, len(g.Members))
		for i, m := range g.Members {
			ids[i] = b.people[m].UserID
			members[i] = users[m]
		}
		credGroups = append(credGroups, map[string]any{"id": g.Slug, "name": g.Name, "members": ids})
		catGroups = append(catGroups, map[string]any{"id": g.ID, "name": g.Name, "members": members})
	}
	if err := b.call("PUT", "/_fake/credential-groups", map[string]any{"org": Org, "users": credUsers, "groups": credGroups}, nil); err != nil {
		return err
	}
	return b.call("PUT", "/_fake/groups", map[string]any{"platform_key": Org, "users": users, "groups": catGroups}, nil)
}
