package demo

import (
	"math"
	"sort"
	"strconv"
	"time"
)

// credBase is the credentials API root of the demo org, as its admin.
const credBase = "/api/credentials/orgs/" + Org + "/users/" + "admin" + "/"

// credential is a credential the demo creates.
type credential struct {
	ID         string
	Name       string
	Issuer     int
	Course     int // index into courses, -1 for none
	Program    int // index into programs, -1 for none
	CreatedAgo int // days before today
	ExpiryDays int // 0: never expires
	Body       map[string]any
}

// event is one dated thing that happens to the tenant.
type event struct {
	When   time.Time
	Cred   int // index into credentials
	Person int // index into people
	Revoke bool
	Of     int // for a revocation: the index of the issue it revokes
}

var revocationReasons = []string{
	"Issued in error.", "Academic integrity review.", "Course requirements were not met.",
	"Duplicate award.", "Requested by the learner.",
}

// credentials creates the issuers and their signatories, the credentials,
// and a timeline of assertions (some revoked, some expired), then a bulk
// award and a credential assignment.
func (b *builder) credentials() error {
	issuers, err := b.issuers()
	if err != nil {
		return err
	}
	creds := b.planCredentials(len(issuers))
	order := make([]int, len(creds))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return creds[order[i]].CreatedAgo > creds[order[j]].CreatedAgo })
	for _, i := range order {
		c := &creds[i]
		c.Body["issuer"] = issuers[c.Issuer]
		b.at(b.daysAgo(c.CreatedAgo))
		var out struct {
			Result struct {
				EntityID string `json:"entityId"`
			} `json:"result"`
		}
		if err := b.call("POST", credBase, c.Body, &out); err != nil {
			return err
		}
		c.ID = out.Result.EntityID
		b.stats.Credentials++
	}
	events := b.timeline(creds)
	ids := make([]string, len(events)) // assertion entityIds by event
	isRevoked := make([]bool, len(events))
	for i := range events {
		e := &events[i]
		b.at(e.When)
		if e.Revoke {
			body := map[string]any{"revoked": true, "revocationReason": b.f.RandomString(revocationReasons)}
			if err := b.call("PUT", credBase+"assertions/"+ids[e.Of], body, nil); err != nil {
				return err
			}
			isRevoked[e.Of] = true
			b.stats.Revoked++
			continue
		}
		c, p := creds[e.Cred], b.people[e.Person]
		body := map[string]any{"recipient": map[string]any{"identity": p.Username, "email": p.Email, "name": p.Name}}
		if c.Course >= 0 {
			body["course"] = b.courses[c.Course].ID
			body["metadata"] = map[string]any{"grade": b.f.RandomString([]string{"A", "A-", "B+", "B", "Pass"}), "score": b.f.IntRange(70, 100)}
		}
		if c.Program >= 0 {
			body["program"] = b.programs[c.Program].ID
		}
		var out struct {
			EntityID string `json:"entityId"`
		}
		if err := b.call("POST", credBase+c.ID+"/assertions/", body, &out); err != nil {
			return err
		}
		ids[i] = out.EntityID
		b.stats.Assertions++
	}
	for i, e := range events {
		c := creds[e.Cred]
		if !e.Revoke && !isRevoked[i] && c.ExpiryDays > 0 && e.When.AddDate(0, 0, c.ExpiryDays).Before(b.today) {
			b.stats.Expired++
		}
	}
	return b.awards(creds)
}

// issuers creates the demo's issuers, each with a signatory, and returns
// their entityIds.
func (b *builder) issuers() ([]string, error) {
	city := b.f.City()
	names := []string{
		city + " University",
		"School of Continuing Education, " + city + " University",
		b.f.Company() + " Skills Academy",
	}
	b.school = names[0]
	titles := []string{"Dean", "Director of Programs", "Head of Learning"}
	var ids []string
	b.at(b.daysAgo(210))
	for i, name := range names {
		host := slug(name)
		if len(host) > 30 {
			host = host[:30]
		}
		body := map[string]any{"name": name, "url": "https://" + host + ".example.edu",
			"email": "credentials@" + host + ".example.edu", "iconImage": "https://" + host + ".example.edu/logo.png"}
		var out struct {
			Result struct {
				EntityID string `json:"entityId"`
			} `json:"result"`
		}
		if err := b.call("POST", credBase+"issuers/", body, &out); err != nil {
			return nil, err
		}
		ids = append(ids, out.Result.EntityID)
		b.stats.Issuers++
		signer := b.f.FirstName() + " " + b.f.LastName()
		if err := b.call("POST", credBase+"issuers/authority/", map[string]any{
			"name": signer, "title": titles[i], "signature": "https://" + host + ".example.edu/signatures/" + slug(signer) + ".png",
			"entityId": out.Result.EntityID,
		}, nil); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// planCredentials draws a certificate per course, one per program and a
// few skill badges.
func (b *builder) planCredentials(issuers int) []credential {
	var out []credential
	for i, c := range b.courses {
		expiry := 0
		if c.Subject == "Healthcare" {
			expiry = 120 // compliance training is renewed
		}
		body := map[string]any{
			"name":              c.Name + " Certificate",
			"description":       "Awarded for completing " + c.Name + " (" + c.Code + "), a " + c.Subject + " course of " + strconv.Itoa(b.f.IntRange(4, 12)) + " weeks.",
			"criteriaNarrative": "Complete every graded assignment of " + c.Code + " with a passing grade.",
			"credentialType":    "certificate",
			"courses":           []any{map[string]any{"course_id": c.ID, "name": c.Name}},
			"tags":              []string{c.Subject, c.Code},
			"public":            true,
			"metadata":          map[string]any{"subject": c.Subject, "level": levelOf(c.Name)},
		}
		if expiry > 0 {
			body["expires"] = map[string]any{"amount": expiry, "duration": "days"}
		}
		out = append(out, credential{Name: body["name"].(string), Issuer: i % min(2, issuers), Course: i, Program: -1,
			CreatedAgo: b.f.IntRange(150, 200), ExpiryDays: expiry, Body: body})
	}
	for i, p := range b.programs {
		body := map[string]any{
			"name":              p.Name,
			"description":       "Earned by completing every course of the " + p.Name + " program.",
			"criteriaNarrative": "Complete all courses of the program.",
			"credentialType":    "program certificate",
			"programs":          []any{map[string]any{"program_id": p.ID, "name": p.Name}},
			"tags":              []string{"program"},
			"public":            true,
		}
		out = append(out, credential{Name: p.Name, Issuer: 1 % issuers, Course: -1, Program: i,
			CreatedAgo: b.f.IntRange(100, 160), Body: body})
	}
	badges := []struct{ name, description string }{
		{"Orientation Complete", "Completed the learner orientation: tools, policies and study skills."},
		{"Peer Mentor", "Mentored new learners through their first term."},
		{"CPR and First Aid", "Certified in adult CPR and first aid; renewed every 90 days for clinical placements."},
	}
	for _, bd := range badges {
		name := bd.name
		body := map[string]any{
			"name": name, "description": bd.description, "credentialType": "badge",
			"tags": []string{"badge"}, "public": name != "Peer Mentor",
		}
		expiry := 0
		if name == "CPR and First Aid" {
			expiry = 90
			body["expires"] = map[string]any{"amount": expiry, "duration": "days"}
		}
		out = append(out, credential{Name: name, Issuer: 2 % issuers, Course: -1, Program: -1,
			CreatedAgo: b.f.IntRange(30, 200), ExpiryDays: expiry, Body: body})
	}
	return out
}

func levelOf(name string) string {
	for _, l := range levels {
		if len(name) > len(l) && name[:len(l)] == l {
			return l
		}
	}
	return "Core"
}

// recentDay draws a day between 1 and maxAgo days ago, more often recent
// (the tenant grows), less often on weekends.
func (b *builder) recentDay(maxAgo int) int {
	if maxAgo <= 1 {
		return 1
	}
	for try := 0; ; try++ {
		d := 1 + int(float64(maxAgo-1)*(1-math.Sqrt(b.f.Float64())))
		wd := b.today.AddDate(0, 0, -d).Weekday()
		if try < 2 && (wd == time.Saturday || wd == time.Sunday) && b.f.IntN(10) < 6 {
			continue
		}
		return d
	}
}

// timeline draws who earns what when, in time order: course certificates
// (mostly in a learner's own subject), program certificates for learners
// who finished every course of a program, the CPR badge, and revocations.
func (b *builder) timeline(creds []credential) []event {
	byCourse := map[int]int{}
	byProgram := map[int]int{}
	var cpr int
	for i, c := range creds {
		if c.Course >= 0 {
			byCourse[c.Course] = i
		}
		if c.Program >= 0 {
			byProgram[c.Program] = i
		}
		if c.Name == "CPR and First Aid" {
			cpr = i
		}
	}
	var events []event
	for p := 1; p < len(b.people); p++ {
		n := []int{0, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5}[b.f.IntN(11)]
		subject := subjects[b.f.IntN(len(subjects))].Name
		earned := map[int]time.Time{}
		for k := 0; k < n*3 && len(earned) < n; k++ {
			ci := b.f.IntN(len(b.courses))
			if b.courses[ci].Subject != subject && b.f.IntN(4) != 0 {
				continue
			}
			if _, dup := earned[ci]; dup {
				continue
			}
			cr := byCourse[ci]
			when := b.daysAgo(b.recentDay(creds[cr].CreatedAgo))
			earned[ci] = when
			events = append(events, event{When: when, Cred: cr, Person: p})
		}
		for pi, prog := range b.programs {
			last, all := time.Time{}, true
			for _, ci := range prog.Courses {
				t, ok := earned[ci]
				if !ok {
					all = false
					break
				}
				if t.After(last) {
					last = t
				}
			}
			cr := byProgram[pi]
			created := b.today.AddDate(0, 0, -creds[cr].CreatedAgo)
			if last.Before(created) {
				last = created
			}
			if when := last.AddDate(0, 0, b.f.IntRange(1, 10)); all && when.Before(b.today) {
				events = append(events, event{When: when, Cred: cr, Person: p})
			}
		}
		if b.f.IntN(8) == 0 {
			events = append(events, event{When: b.daysAgo(b.recentDay(creds[cpr].CreatedAgo)), Cred: cpr, Person: p})
		}
	}
	sort.SliceStable(events, func(i, j int) bool { return events[i].When.Before(events[j].When) })
	// Revocations follow their issue.
	issued := len(events)
	for i := 0; i < issued; i++ {
		if b.f.IntN(100) < 3 {
			when := events[i].When.AddDate(0, 0, b.f.IntRange(1, 20))
			if when.Before(b.today) {
				events = append(events, event{When: when, Revoke: true, Cred: events[i].Cred, Person: events[i].Person, Of: i})
			}
		}
	}
	// Order everything by time; Of then points into the ordered slice.
	idx := make([]int, len(events))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return events[idx[i]].When.Before(events[idx[j]].When) })
	pos := make([]int, len(events))
	for newPos, old := range idx {
		pos[old] = newPos
	}
	out := make([]event, len(events))
	for newPos, old := range idx {
		out[newPos] = events[old]
		if out[newPos].Revoke {
			out[newPos].Of = pos[out[newPos].Of]
		}
	}
	return out
}

// awards makes the tenant's admin-driven awards: a bulk award of the
// orientation badge to the newest cohort and a credential assignment of
// the peer mentor badge.
func (b *builder) awards(creds []credential) error {
	var orientation, mentor *credential
	for i := range creds {
		switch creds[i].Name {
		case "Orientation Complete":
			orientation = &creds[i]
		case "Peer Mentor":
			mentor = &creds[i]
		}
	}
	var cohort *group
	for i := range b.groups {
		if b.groups[i].Name == "Cohort Spring 2026" {
			cohort = &b.groups[i]
		}
	}
	if orientation != nil && cohort != nil && len(cohort.Members) > 0 {
		var users []string
		for _, m := range cohort.Members {
			users = append(users, b.people[m].Username)
		}
		b.at(b.daysAgo(min(orientation.CreatedAgo-1, 25)))
		var out struct {
			Issued []any `json:"issued"`
		}
		if err := b.call("POST", credBase+orientation.ID+"/assertions/bulk/", map[string]any{"users": users}, &out); err != nil {
			return err
		}
		b.stats.Assertions += len(out.Issued)
	}
	if mentor != nil {
		var ids []int64
		for i := 0; i < 8 && 1+i*7 < len(b.people); i++ {
			ids = append(ids, b.people[1+i*7].UserID)
		}
		b.at(b.daysAgo(min(mentor.CreatedAgo-1, 12)))
		err := b.call("POST", credBase+"assignments/users/", map[string]any{"credential_id": mentor.ID, "user_ids": ids}, nil)
		if err != nil {
			return err
		}
		b.stats.CredentialAssignments += len(ids)
		b.stats.Assertions += len(ids)
	}
	return nil
}
