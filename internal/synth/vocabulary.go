package synth

import (
	"strings"
)

// The words display text is made of, by the kind of thing it names or
// describes: a mentor is a "Statistics Tutor" that "answers questions
// about statistics", a group a "Spring 2026 Cohort", a skill "SQL". The
// tables are the fake's own, written for it; gofakeit makes people,
// places and companies. Which kind a field is about comes from its name
// (course_name), the object it is in (a categories item is a category),
// the object's schema (RbacGroup is a group) or the operation's path
// (.../mentors/{mentor}/settings/ is about a mentor): context.go.

// subjects are what mentors, programs and pathways are about; topics are
// narrower, what a course or a lesson covers.
var (
	subjects = []string{"Python", "Statistics", "Calculus", "Biology", "Chemistry", "Physics", "Spanish", "French",
		"Academic Writing", "Data Science", "World History", "Financial Literacy", "Public Speaking", "Marketing",
		"Nursing", "Algebra", "Economics", "Psychology", "Web Development", "Career Planning", "Project Management",
		"Cybersecurity", "Machine Learning", "Accounting"}
	topics = []string{"Linear Regression", "Photosynthesis", "Cover Letters", "Neural Networks", "Probability",
		"The French Revolution", "Budgeting Basics", "SQL Joins", "Cell Biology", "Supply and Demand",
		"Persuasive Essays", "Derivatives", "Organic Reactions", "Newton's Laws", "Data Visualization",
		"Interview Preparation", "Responsive Layouts", "Hypothesis Testing", "Patient Safety", "Object-Oriented Design",
		"Stakeholder Communication", "Network Security", "Cash Flow Statements", "Cognitive Biases"}
	courseLevels    = []string{"Introduction to", "Foundations of", "Applied", "Advanced", "Practical", "Essentials of"}
	mentorRoles     = []string{"Tutor", "Coach", "Mentor", "Guide", "Assistant", "Advisor", "Study Buddy"}
	programSuffixes = []string{"Certificate", "Professional Certificate", "Program", "Bootcamp", "Specialization"}
	pathwaySuffix   = []string{"Pathway", "Learning Path", "Career Track"}
	projectSuffix   = []string{"Capstone", "Project", "Research Sprint", "Workshop", "Redesign"}
	skills          = []string{"Python", "SQL", "Data Visualization", "Public Speaking", "Project Management",
		"Machine Learning", "Statistics", "Technical Writing", "Negotiation", "Spreadsheets", "Cloud Computing",
		"UX Research", "Team Leadership", "Critical Thinking", "Time Management", "JavaScript", "Financial Modeling",
		"Customer Empathy", "Conflict Resolution", "Prompt Writing"}
	roles = []string{"Administrator", "Instructor", "Learner", "Content Editor", "Analyst", "Mentor Manager",
		"Support Agent", "Viewer", "Course Author", "Billing Manager"}
	groupPrefixes = []string{"Spring 2026", "Fall 2025", "Engineering", "Sales", "Pilot", "Graduate", "Evening", "Nursing", "New Hire"}
	groupSuffixes = []string{"Cohort", "Team", "Group", "Learners", "Staff"}
	templateNames = []string{"Welcome Email", "Course Completion", "Weekly Digest", "Credential Issued", "Password Reset",
		"Enrollment Confirmation", "Assignment Reminder", "Inactivity Nudge", "License Assigned", "Program Invitation"}
	categories = []string{"Tutoring", "Career Development", "Languages", "STEM", "Writing", "Wellbeing", "Test Prep",
		"Onboarding", "Research", "Study Skills"}
	audiences = []string{"High school students", "Undergraduates", "Graduate students", "Working professionals",
		"New employees", "Instructors", "Adult learners", "Teaching assistants"}
	tools = []string{"Web Search", "Code Interpreter", "Image Generation", "Course Search", "Knowledge Base",
		"Calendar", "Quiz Builder", "Document Reader"}
	voices      = []string{"Aria", "Nova", "Sage", "Ember", "Juniper", "Atlas", "Willow", "Orion"}
	models      = []string{"gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet", "gemini-1.5-pro", "llama-3.1-70b"}
	providers   = []string{"openai", "anthropic", "google", "azure_openai", "bedrock"}
	reports     = []string{"Learner Activity", "Course Completions", "Mentor Usage", "Credential Issuance", "Enrollment Summary", "Time Spent"}
	documents   = []string{"Course Syllabus", "Student Handbook", "Lecture Notes", "Lab Manual", "Reading List", "Assessment Rubric", "Study Guide"}
	workflows   = []string{"Weekly Progress Digest", "Enrollment Follow-up", "Inactivity Nudge", "New Learner Welcome", "Quiz Reminder", "Certificate Delivery"}
	apps        = []string{"Mentor", "Skills", "Analytics", "Credentials", "Course Builder"}
	prompts     = []string{"Explain a concept", "Quiz me", "Summarize this lesson", "Check my answer", "Plan my week", "Practice an interview"}
	sentiments  = []string{"positive", "neutral", "negative"}
	eventPhrase = []string{"completes a course", "earns a credential", "is invited to a program", "has not signed in for two weeks",
		"is assigned a license", "joins a group"}
)

// kindWords maps a word of a name, a schema or a path to the kind of thing
// it is about.
var kindWords = map[string]string{
	"mentor": "mentor", "mentors": "mentor", "course": "course", "courses": "course", "program": "program", "programs": "program",
	"pathway": "pathway", "pathways": "pathway", "skill": "skill", "skills": "skill", "topic": "topic", "topics": "topic",
	"subject": "topic", "subjects": "topic",
	"role": "role", "roles": "role", "group": "group", "groups": "group", "team": "group", "teams": "group", "cohort": "group",
	"template": "template", "templates": "template", "notification": "template", "notifications": "template",
	"category": "category", "categories": "category", "audience": "audience", "audiences": "audience",
	"tool": "tool", "tools": "tool", "voice": "voice", "voices": "voice", "llm": "llm", "llms": "llm", "model": "llm",
	"project": "project", "projects": "project", "report": "report", "reports": "report",
	"document": "document", "documents": "document", "dataset": "document", "datasets": "document",
	"workflow": "workflow", "workflows": "workflow", "trigger": "workflow", "agent": "workflow", "agents": "workflow",
	"prompt": "prompt", "prompts": "prompt", "platform": "platform", "tenant": "platform",
	"app": "app", "apps": "app", "application": "app",
	"user": "person", "users": "person", "learner": "person", "learners": "person", "student": "person", "students": "person",
	"instructor": "person", "member": "person", "members": "person", "author": "person", "owner": "person",
	"profile": "person", "contact": "person", "recipient": "person", "sender": "person", "person": "person", "people": "person",
	"creator": "person", "company": "company", "companies": "company", "employer": "company",
	"institution": "institution", "institutions": "institution", "school": "institution", "university": "institution",
}

// facetWords are last words of a schema's or path's name that say which
// side of a thing it is, not what it is ("MentorSettings" is a mentor's).
var facetWords = words("settings setting detail details list config configuration configurations summary info stats " +
	"statistics response request serializer create update public item items data view paginated patched read write " +
	"overview metadata status")

// pick is one of options, for the node the generator is seeded at.
func (g *gen) pick(options []string) string { return options[g.rng.IntN(len(options))] }

// subject is the subject of the thing the generator is inside (its
// object's seed picks it), so a mentor's name and description are about
// the same subject.
func (g *gen) subject() string { return subjects[g.topicSeed%uint64(len(subjects))] }
func (g *gen) topic() string   { return topics[(g.topicSeed>>8)%uint64(len(topics))] }

// nameOf is the name of the thing of kind the generator is inside (or
// one it names): picked by that thing's seed, so its name, display_name,
// title and slug agree.
func (g *gen) nameOf(kind string) string {
	f := g.faker
	g.seed(Mix(Mix(g.topicSeed, "name"), kind))
	switch kind {
	case "mentor":
		return g.subject() + " " + g.pick(mentorRoles)
	case "course":
		if g.rng.IntN(2) == 0 {
			return g.pick(courseLevels) + " " + g.topic()
		}
		return g.topic()
	case "program":
		return g.subject() + " " + g.pick(programSuffixes)
	case "pathway":
		return g.subject() + " " + g.pick(pathwaySuffix)
	case "project":
		return g.subject() + " " + g.pick(projectSuffix)
	case "skill":
		return g.pick(skills)
	case "topic":
		return g.topic()
	case "role":
		return g.pick(roles)
	case "group":
		return g.pick(groupPrefixes) + " " + g.pick(groupSuffixes)
	case "template":
		return g.pick(templateNames)
	case "category":
		return g.pick(categories)
	case "audience":
		return g.pick(audiences)
	case "tool":
		return g.pick(tools)
	case "voice":
		return g.pick(voices)
	case "llm":
		return g.pick(models)
	case "report":
		return g.pick(reports)
	case "document":
		return g.pick(documents)
	case "workflow":
		return g.pick(workflows)
	case "prompt":
		return g.pick(prompts)
	case "app":
		return g.pick(apps)
	case "platform":
		return g.tenantName()
	case "person":
		return f.FirstName() + " " + f.LastName()
	case "company":
		return f.Company()
	case "institution":
		if g.rng.IntN(2) == 0 {
			return "University of " + f.City()
		}
		return f.LastName() + " College"
	}
	return g.topic()
}

// tenantName is the tenant's display name as its key reads ("acme-labs"
// is "Acme Labs"), or a made-up academy.
func (g *gen) tenantName() string {
	t := g.opts.Tenant
	if t == "" {
		return g.faker.LastName() + " Academy"
	}
	ws := splitWords(t)
	for i, w := range ws {
		ws[i] = capitalize(w)
	}
	return strings.Join(ws, " ")
}

// describe is a description of a thing of kind: a sentence.
func (g *gen) describe(kind string) string {
	s, t := g.subject(), g.topic()
	var forms []string
	switch kind {
	case "mentor":
		forms = []string{"An AI mentor that helps learners with %[1]s: it answers questions, gives worked examples and suggests what to study next.",
			"Guides learners through %[1]s one step at a time, with short quizzes to check understanding.",
			"Answers questions about %[1]s and points to the course material that covers them."}
	case "course":
		forms = []string{"Covers the core ideas of %[2]s through short lessons, practice exercises and a final project.",
			"A hands-on course on %[2]s for learners with no prior experience.",
			"Builds on the basics of %[1]s with real-world case studies on %[2]s."}
	case "program", "pathway":
		forms = []string{"A sequence of courses that takes learners from the basics of %[1]s to job-ready skills.",
			"Three to five courses in %[1]s, each ending with a project reviewed by an instructor."}
	case "skill", "topic":
		forms = []string{"Applying %[2]s to solve real problems at work.", "Working knowledge of %[2]s, shown in a project."}
	case "group":
		forms = []string{"Learners and staff who study %[1]s together.", "A cohort that shares courses, mentors and deadlines."}
	case "category":
		forms = []string{"Mentors and courses that help with %[1]s.", "Everything about %[1]s, from first steps to exam practice."}
	case "audience":
		forms = []string{"For learners who are new to %[1]s.", "For learners who know the basics of %[1]s and want to go further."}
	case "tool", "prompt":
		forms = []string{"Lets the mentor look things up while it answers questions about %[1]s.",
			"Helps learners practise %[2]s with short, guided exchanges."}
	case "voice", "llm":
		forms = []string{"A calm, clear voice for explanations.", "A fast model for everyday questions.",
			"A model for long, careful answers."}
	case "role":
		forms = []string{"May view and edit mentors, courses and reports of the platform.", "May read reports but change nothing.",
			"May manage users, groups and licenses."}
	case "template":
		return "Sent when a learner " + g.pick(eventPhrase) + "."
	case "project", "workflow":
		forms = []string{"Collects the documents, prompts and results of the %[1]s work in one place.",
			"Runs every Monday and sends each learner a summary of their progress in %[1]s."}
	case "person":
		forms = []string{"Teaches %[1]s and enjoys helping learners prepare for their first job.",
			"Studies %[1]s part-time while working as an analyst."}
	case "document", "report":
		forms = []string{"Reference material for %[1]s: definitions, examples and exercises.",
			"A summary of learner activity in %[1]s over the last month."}
	default:
		forms = []string{"Practice exercises on %[2]s with feedback after each attempt.",
			"A short overview of %[2]s for new learners.", "Notes and examples about %[2]s."}
	}
	return fillForm(g.pick(forms), s, t)
}

// message is the text of a message-like field (its head word says which).
func (g *gen) message(head, kind string) string {
	s, t := g.subject(), g.topic()
	var forms []string
	switch head {
	case "prompt", "question", "query":
		forms = []string{"Can you explain %[2]s with an example?", "What should I learn after %[2]s?", "Quiz me on %[2]s.",
			"How is %[2]s used in practice?"}
	case "answer", "response", "reply", "output", "completion":
		forms = []string{"Sure! %[3]s is easiest to learn by example, so let's start with a simple one.",
			"Good question. In short, %[2]s comes down to a few rules; here they are one by one."}
	case "greeting", "welcome":
		forms = []string{"Hi! I'm your %[1]s mentor. What would you like to work on today?",
			"Welcome back! Ready to pick up where we left off with %[2]s?"}
	case "instruction", "instructions", "system":
		forms = []string{"You are a patient tutor for %[1]s. Explain step by step and check the learner's understanding.",
			"Answer questions about %[1]s using the course material first; say so when you are unsure."}
	case "disclaimer", "notice", "warning":
		return "Answers are generated by AI and may contain mistakes. Check important information."
	case "comment", "note", "notes", "feedback", "reason", "explanation":
		forms = []string{"Clear explanation of %[2]s; more practice problems would help.",
			"Reviewed with the learner; follow up on %[2]s next week."}
	default:
		forms = []string{"This week we cover %[2]s. Read the notes, then try the practice exercises.",
			"A quick recap of %[2]s before the quiz on Friday."}
	}
	if kind == "mentor" && (head == "message" || head == "text") {
		forms = []string{"Hi! I'm your %[1]s mentor. What would you like to work on today?"}
	}
	return fillForm(g.pick(forms), s, t)
}

// fillForm puts a subject (%[1]s), a topic as a sentence says it (%[2]s)
// and as a title does (%[3]s) into a form; a form may use any of them.
func fillForm(form, subject, topic string) string {
	var b strings.Builder
	for {
		i := strings.Index(form, "%[")
		if i < 0 || i+4 >= len(form) {
			b.WriteString(form)
			return b.String()
		}
		b.WriteString(form[:i])
		switch form[i : i+5] {
		case "%[1]s":
			b.WriteString(inText(subject))
		case "%[2]s":
			b.WriteString(inText(topic))
		case "%[3]s":
			b.WriteString(topic)
		default:
			b.WriteString(form[i : i+5])
		}
		form = form[i+5:]
	}
}

// properWords keep their capitals inside a sentence.
var properWords = words("Python Spanish French SQL JavaScript Newton's")

// inText is a name as a sentence says it: lower case but for proper
// nouns ("SQL Joins" is "SQL joins").
func inText(name string) string {
	ws := strings.Fields(name)
	for i, w := range ws {
		if !properWords[w] {
			ws[i] = strings.ToLower(w)
		}
	}
	return strings.Join(ws, " ")
}

// title is a title of a thing of kind.
func (g *gen) title(kind string) string {
	switch kind {
	case "mentor", "course", "program", "pathway", "skill", "topic", "template", "report", "document", "workflow", "project", "role", "group":
		return g.nameOf(kind)
	}
	forms := []string{"Getting started with %[3]s", "%[3]s in practice", "A closer look at %[3]s", "Review: %[3]s"}
	return fillForm(g.pick(forms), "", g.topic())
}

// subjectLine is an email's subject.
func (g *gen) subjectLine() string {
	forms := []string{"Welcome to " + g.tenantName(), "Your weekly learning summary", "You earned a new credential",
		"Reminder: finish " + g.topic(), "New course available: " + g.topic(), "You have been invited to a program"}
	return g.pick(forms)
}
