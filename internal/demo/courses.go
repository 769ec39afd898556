package demo

import (
	"fmt"
	"strings"
)

// course is one course of the demo catalog.
type course struct {
	ID, Code, Name string
	Subject        string
}

// program is a program of several courses.
type program struct {
	ID, Key, Code, Name string
	Courses             []int // indexes into builder.courses
}

// subject is an area the demo school teaches, with the topics its
// courses cover.
type subject struct {
	Name, Prefix string
	Topics       []string
}

var subjects = []subject{
	{"Data Science", "DS", []string{"Python for Data Analysis", "Statistics", "Data Visualization", "Machine Learning", "SQL for Analysts"}},
	{"Software Engineering", "SE", []string{"Web Development", "Cloud Architecture", "DevOps Practices", "Secure Coding", "API Design"}},
	{"Business", "BUS", []string{"Project Management", "Marketing Analytics", "Financial Accounting", "Negotiation", "Leadership"}},
	{"Healthcare", "HC", []string{"Patient Safety", "Health Informatics", "Clinical Research Ethics", "Public Health"}},
	{"Design", "DES", []string{"UX Research", "Interaction Design", "Design Systems", "Accessibility"}},
}

var levels = []string{"Introduction to", "Foundations of", "Applied", "Advanced"}

// runs are the course runs the demo catalog uses, newest last.
var runs = []string{"2025_T3", "2026_T1", "2026_T2"}

// plan draws the catalog (courses and programs) and the people.
func (b *builder) plan() {
	seen := map[string]bool{}
	for _, s := range subjects {
		n := b.f.IntRange(2, 3)
		topics := append([]string(nil), s.Topics...)
		b.f.ShuffleAnySlice(topics)
		var idx []int
		for i := 0; i < n && i < len(topics); i++ {
			num := 100 * b.f.IntRange(1, 4)
			code := fmt.Sprintf("%s%d", s.Prefix, num+b.f.IntRange(1, 49))
			for seen[code] {
				code = fmt.Sprintf("%s%d", s.Prefix, num+b.f.IntRange(50, 99))
			}
			seen[code] = true
			name := topics[i]
			if b.f.IntN(2) == 0 {
				name = b.f.RandomString(levels) + " " + name
			}
			run := b.f.RandomString(runs)
			idx = append(idx, len(b.courses))
			b.courses = append(b.courses, course{
				ID:   "course-v1:" + Org + "+" + code + "+" + run,
				Code: code, Name: name, Subject: s.Name,
			})
		}
		if len(idx) >= 2 {
			code := strings.ToUpper(strings.ReplaceAll(s.Prefix, " ", "")) + "CERT"
			b.programs = append(b.programs, program{
				ID:   "program-v1:" + Org + "+" + code + "+2026",
				Key:  Org + "+" + code,
				Code: code, Name: s.Name + " Professional Certificate", Courses: idx,
			})
		}
	}
	b.people = b.makePeople(b.opts.Users)
	b.groups = b.makeGroups()
}
