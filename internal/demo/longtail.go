package demo

import (
	"fmt"
	"strings"
)

// The long tail's resources of the demo platform, made through the long
// tail's own operations (README, "The long tail keeps state") so they are
// ordinary records that its lists, details and relations show: a mentor
// for each subject the school teaches and one for the whole school, RBAC
// roles and a group for each of the platform's departments and cohorts,
// the platform's notification templates with the school's own wording,
// and notifications sent through the notification builder. Their names
// are the demo's own: its subjects, courses, programs, groups and school.

// Long-tail API roots of the demo platform.
const (
	mentorBase   = "/api/ai-mentor/orgs/" + Org + "/users/" + "admin" + "/"
	rbacBase     = "/api/core/rbac/"
	templateBase = "/api/notification/v1/platforms/" + Org + "/templates/"
	builderBase  = "/api/notification/v1/orgs/" + Org + "/notification-builder/"
)

// longTail seeds the long tail.
func (b *builder) longTail() error {
	for _, step := range []func() error{b.mentors, b.rbac, b.templates, b.notifications} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// mentors makes the school's mentors: one for each subject it teaches,
// describing its courses, and the school's assistant, the default.
func (b *builder) mentors() error {
	b.at(b.daysAgo(180))
	mentor := func(name, description, subject string, isDefault bool) error {
		now := b.clock.Now().UTC().Format("2006-01-02T15:04:05Z")
		body := map[string]any{"name": name, "slug": slug(name), "platform": Org, "created_by": adminUser.Username,
			"proactive_response": description, "created_at": now, "updated_at": now,
			"metadata": map[string]any{"default": isDefault, "subject": subject}}
		if err := b.call("POST", mentorBase, body, nil); err != nil {
			return err
		}
		b.stats.Mentors++
		return nil
	}
	if err := mentor(b.school+" Assistant", "Hello! I can help you find your way around "+b.school+": courses, programs, credentials and deadlines.", "", true); err != nil {
		return err
	}
	for _, s := range subjects {
		var names []string
		for _, c := range b.courses {
			if c.Subject == s.Name {
				names = append(names, c.Name)
			}
		}
		if len(names) == 0 {
			continue
		}
		b.at(b.daysAgo(b.f.IntRange(60, 170)))
		desc := "Hi! I am the " + s.Name + " mentor. Ask me anything about " + strings.Join(names, ", ") + "."
		if err := mentor(s.Name+" Mentor", desc, s.Name, false); err != nil {
			return err
		}
	}
	return nil
}

// roles are the platform's RBAC roles and their actions. The analyst's
// actions are the ones the vendor's reports operations require
// (FIDELITY.md, "reports"); the others follow their form.
var roles = []struct {
	Name    string
	Actions []string
}{
	{"Platform Administrator", []string{"Ibl.*"}},
	{"Instructor", []string{"Ibl.Mentor/Mentors/read", "Ibl.Mentor/Mentors/write", "Ibl.Analytics/CanViewAnalytics/action"}},
	{"Analyst", []string{"Ibl.Analytics/CanViewAnalytics/action", "Ibl.Analytics/Reports/read"}},
	{"Learner", []string{"Ibl.Mentor/Mentors/read"}},
}

// rbac makes the platform's roles and a group for each of its departments
// and cohorts, with their members.
func (b *builder) rbac() error {
	b.at(b.daysAgo(200))
	for _, r := range roles {
		if err := b.call("POST", rbacBase+"roles/", map[string]any{"name": r.Name, "actions": r.Actions, "platform_key": Org}, nil); err != nil {
			return err
		}
		b.stats.RBACRoles++
	}
	for _, g := range b.groups {
		ids := make([]int64, len(g.Members))
		for i, m := range g.Members {
			ids[i] = b.people[m].UserID
		}
		desc := "Everyone in " + g.Name + "."
		if strings.HasPrefix(g.Name, "Cohort") {
			desc = "The learners who started in the " + strings.TrimPrefix(g.Name, "Cohort ") + " cohort."
		}
		body := map[string]any{"name": g.Name, "description": desc, "unique_id": g.Slug, "platform_key": Org, "users_to_add": ids}
		if err := b.call("POST", rbacBase+"groups/", body, nil); err != nil {
			return err
		}
		b.stats.RBACGroups++
	}
	return nil
}

// templates gives the notifications the school sends its own wording, and
// turns the inactivity reminder off.
func (b *builder) templates() error {
	b.at(b.daysAgo(190))
	var list []map[string]any
	if err := b.call("GET", templateBase, nil, &list); err != nil {
		return err
	}
	b.stats.Templates = len(list)
	edits := map[string]map[string]any{
		"PLATFORM_INVITATION": {"message_title": "You're invited to " + b.school,
			"email_subject": "Your invitation to " + b.school},
		"COURSE_INVITATION": {"message_title": "You're invited to a course at " + b.school,
			"email_subject": "A new course is waiting for you"},
		"PROGRAM_INVITATION": {"message_title": "Join a professional certificate at " + b.school,
			"email_subject": "Your program invitation"},
		"USER_NOTIF_CREDENTIALS": {"message_title": "You earned a credential from " + b.school,
			"email_subject": "Congratulations on your new credential"},
		"USER_NOTIF_COURSE_COMPLETION": {"message_title": "Course completed: well done!",
			"email_subject": "You completed a course at " + b.school},
	}
	for _, typ := range []string{"PLATFORM_INVITATION", "COURSE_INVITATION", "PROGRAM_INVITATION", "USER_NOTIF_CREDENTIALS", "USER_NOTIF_COURSE_COMPLETION"} {
		if err := b.call("PATCH", templateBase+typ+"/", edits[typ], nil); err != nil {
			return err
		}
	}
	return b.call("PATCH", templateBase+"USER_NOTIF_USER_INACTIVITY/toggle/", map[string]any{"allow_notification": false}, nil)
}

// notifications sends, through the notification builder as the vendor's
// send dialog does, a welcome to everyone on the platform and, for each
// program, an announcement to a few of its learners.
func (b *builder) notifications() error {
	send := func(ago int, title, body string, sources []map[string]any) error {
		b.at(b.daysAgo(ago))
		var pre struct {
			BuildID string `json:"build_id"`
		}
		if err := b.call("POST", builderBase+"preview/", map[string]any{"channels": []int{1}, "sources": sources,
			"template_data": map[string]any{"message_title": title, "message_body": body}}, &pre); err != nil {
			return err
		}
		var sent struct {
			Sent int `json:"notifications_sent"`
		}
		if err := b.call("POST", builderBase+"send/", map[string]any{"build_id": pre.BuildID}, &sent); err != nil {
			return err
		}
		b.stats.Notifications += sent.Sent
		return nil
	}
	if err := send(120, "Welcome to "+b.school, "<p>Your learning space is ready. Explore the catalog and meet your mentors.</p>",
		[]map[string]any{{"type": "platform", "data": Org}}); err != nil {
		return err
	}
	for _, p := range b.programs {
		var sources []map[string]any
		for range 12 {
			sources = append(sources, map[string]any{"type": "username", "data": b.people[1+b.f.IntN(len(b.people)-1)].Username})
		}
		var first string
		if len(p.Courses) > 0 {
			first = b.courses[p.Courses[0]].Name
		}
		body := fmt.Sprintf("<p>Enrollment for the %s is open. It starts with %s.</p>", p.Name, first)
		if err := send(b.f.IntRange(3, 30), "New: "+p.Name, body, sources); err != nil {
			return err
		}
	}
	return nil
}
