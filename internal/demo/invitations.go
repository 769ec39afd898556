package demo

import (
	"sort"
	"time"
)

// invBase is the catalog invitations API root.
const invBase = "/api/catalog/invitations/"

// invitations makes invitations in every state a client shows: pending,
// pending with an expiry date, expired, cancelled (inactive), blank codes
// never redeemed, and redeemed (started); to the platform, to courses and
// to programs, one by one and in bulk.
func (b *builder) invitations() error {
	invite := func(kind string, ago int, body map[string]any) error {
		b.at(b.daysAgo(ago))
		if err := b.call("POST", invBase+kind+"/", body, nil); err != nil {
			return err
		}
		b.stats.Invitations++
		return nil
	}
	email := func() string {
		return slug(b.f.FirstName()) + "." + slug(b.f.LastName()) + "@" + b.f.RandomString(emailDomains)
	}
	future := func(days int) string { return b.today.AddDate(0, 0, days).Format(time.RFC3339) }
	past := func(days int) string { return b.today.AddDate(0, 0, -days).Format(time.RFC3339) }
	platform := func(extra map[string]any) map[string]any {
		body := map[string]any{"platform_key": Org, "email": email(), "source": "admin", "redirect_to": "https://" + Org + ".example.com/welcome"}
		for k, v := range extra {
			body[k] = v
		}
		return body
	}
	states := []map[string]any{
		nil, nil, nil, nil, // pending
		{"expired": future(30)}, {"expired": future(14)}, // pending, expiring
		{"expired": past(10)}, {"expired": past(45)}, // expired
		{"active": false}, // cancelled
	}
	for i, extra := range states {
		if err := invite("platform", b.f.IntRange(5, 90)+i, platform(extra)); err != nil {
			return err
		}
	}
	// An invitation to a learner who already has an account.
	if err := invite("platform", 20, map[string]any{"platform_key": Org, "username": b.people[2].Username, "source": "admin"}); err != nil {
		return err
	}
	for i, c := range b.courses {
		if i%2 != 0 {
			continue
		}
		extra := map[string]any{}
		switch i % 4 {
		case 0: // a term's access window (enrollment_config started/expired)
			extra["course_access_start_date"] = future(14)
			extra["course_access_expiration_date"] = future(134)
		case 2:
			extra["expired"] = past(b.f.IntRange(1, 30))
		}
		body := map[string]any{"platform_key": Org, "course_id": c.ID, "email": email(), "source": "instructor"}
		for k, v := range extra {
			body[k] = v
		}
		if err := invite("course", b.f.IntRange(3, 60), body); err != nil {
			return err
		}
	}
	for _, p := range b.programs {
		if err := invite("program", b.f.IntRange(3, 60), map[string]any{"platform_key": Org, "program_key": p.Key, "email": email(), "source": "advisor"}); err != nil {
			return err
		}
	}
	// Bulk: a CSV upload of a new team.
	b.at(b.daysAgo(7))
	var items []map[string]any
	for i := 0; i < 12; i++ {
		first, last := b.f.FirstName(), b.f.LastName()
		items = append(items, map[string]any{"platform_key": Org, "email": slug(first) + "." + slug(last) + "@newhire.example.com",
			"source": "csv", "first_name": first, "last_name": last, "team": "New hires"})
	}
	var bulk struct {
		Successes int `json:"successes"`
	}
	if err := b.call("POST", invBase+"platform/bulk/", map[string]any{"platform_key": Org, "source": "csv", "invitation_data": items}, &bulk); err != nil {
		return err
	}
	b.stats.Invitations += bulk.Successes
	// Blank codes handed out at an event, some redeemed since.
	if len(b.courses) > 0 {
		c := b.courses[0]
		b.at(b.daysAgo(40))
		var blank struct {
			Successes int `json:"successes"`
		}
		if err := b.call("POST", invBase+"course/blank/", map[string]any{"platform_key": Org, "course_id": c.ID, "source": "career-fair", "count": 15}, &blank); err != nil {
			return err
		}
		b.stats.Invitations += blank.Successes
		days := make([]int, 9)
		for i := range days {
			days[i] = b.recentDay(39)
		}
		sort.Sort(sort.Reverse(sort.IntSlice(days))) // oldest first
		for _, d := range days {
			b.at(b.daysAgo(d))
			if err := b.call("POST", invBase+"course/redeem/", map[string]any{"platform_key": Org, "course_id": c.ID, "source": "career-fair", "email": email()}, nil); err != nil {
				return err
			}
		}
	}
	return nil
}
