package demo

import (
	"fmt"
	"time"
)

// licBase is the catalog licenses API root.
const licBase = "/api/catalog/licenses/"

// license is a license the demo created.
type license struct {
	ID   int64 `json:"id"`
	kind string
	ago  int // created, days before today
}

// licenses creates a platform license, course, program and user licenses
// (one deactivated, one expired) and fills their seats: direct assignments
// by user id, username and email, fulfilled or not, one released, and a
// group assignment.
func (b *builder) licenses() error {
	create := func(kind string, ago int, body map[string]any) (*license, error) {
		b.at(b.daysAgo(ago))
		body["platform_key"] = Org
		l := &license{kind: kind, ago: ago}
		if err := b.call("POST", licBase+kind+"/create/", body, l); err != nil {
			return nil, err
		}
		b.stats.Licenses++
		return l, nil
	}
	if _, err := create("platform", 205, map[string]any{"name": "Site license " + b.today.AddDate(0, 0, -205).Format("2006"),
		"count": 500, "external_id": "SF-" + fmt.Sprint(b.f.IntRange(100000, 999999)), "source": "contract",
		"metadata": map[string]any{"account_manager": b.f.FirstName() + " " + b.f.LastName()}}); err != nil {
		return err
	}
	for i, c := range b.courses {
		if i%3 != 0 {
			continue
		}
		ago := b.f.IntRange(60, 180)
		l, err := create("course", ago, map[string]any{"course_id": c.ID, "name": c.Name + " seats", "count": b.f.IntRange(15, 40)})
		if err != nil {
			return err
		}
		if err := b.fill(l, b.f.IntRange(8, 15), "user_id"); err != nil {
			return err
		}
	}
	for i, p := range b.programs {
		if i >= 2 {
			break
		}
		l, err := create("program", b.f.IntRange(60, 150), map[string]any{"program_id": p.ID, "name": p.Name + " cohort", "count": 30})
		if err != nil {
			return err
		}
		if err := b.fill(l, b.f.IntRange(10, 20), "username"); err != nil {
			return err
		}
	}
	// A user license for a whole department, through a group assignment.
	dept := b.groups[0]
	pass, err := create("user", 120, map[string]any{"name": "All-access pass: " + dept.Name, "count": len(dept.Members) + 25})
	if err != nil {
		return err
	}
	b.at(b.daysAgo(b.recentDay(pass.ago)))
	if err := b.call("POST", licBase+"user/assignment/group/", map[string]any{"license_id": pass.ID, "group_id": dept.ID}, nil); err != nil {
		return err
	}
	b.stats.GroupAssignments++
	b.stats.LicenseAssignments += len(dept.Members)
	// Invited by email before they have an account: email-only seats.
	for i := 0; i < 3; i++ {
		b.at(b.daysAgo(b.recentDay(pass.ago)))
		email := slug(b.f.FirstName()) + "." + slug(b.f.LastName()) + "@newhire.example.com"
		if err := b.call("POST", licBase+"user/assignment/", map[string]any{"license_id": pass.ID, "email": email}, nil); err != nil {
			return err
		}
		b.stats.LicenseAssignments++
	}
	pilot, err := create("user", 170, map[string]any{"name": "Pilot licenses", "count": 10})
	if err != nil {
		return err
	}
	if err := b.fill(pilot, 6, "user_id"); err != nil {
		return err
	}
	b.at(b.daysAgo(90))
	if err := b.call("POST", licBase+"user/update/", map[string]any{"license_id": pilot.ID, "active": false}, nil); err != nil {
		return err
	}
	expired := b.today.AddDate(0, 0, -30).Format(time.RFC3339)
	_, err = create("user", 200, map[string]any{"name": "Fall term licenses", "count": 12, "expired": expired})
	return err
}

// fill assigns n learners to l (by user_id or username), on days after the
// license was created; about a third have started (fulfilled) and one seat
// is released again.
func (b *builder) fill(l *license, n int, by string) error {
	picked := map[int]bool{}
	for k := 0; k < n; k++ {
		p := 1 + b.f.IntN(len(b.people)-1)
		if picked[p] {
			continue
		}
		picked[p] = true
		b.at(b.daysAgo(b.recentDay(l.ago)))
		body := map[string]any{"license_id": l.ID, "fulfilled": b.f.IntN(3) == 0}
		if by == "username" {
			body["username"] = b.people[p].Username
		} else {
			body["user_id"] = b.people[p].UserID
		}
		if err := b.call("POST", licBase+l.kind+"/assignment/", body, nil); err != nil {
			return err
		}
		b.stats.LicenseAssignments++
		if k == n-1 {
			body["active"] = false // a released seat
			b.at(b.clock.Now().Add(time.Hour))
			if err := b.call("POST", licBase+l.kind+"/assignment/", body, nil); err != nil {
				return err
			}
		}
	}
	return nil
}
