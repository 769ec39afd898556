package synth

import (
	"fmt"
	"strings"
)

// byName makes a string that fits what the property is called, read as
// words (fieldnames.go): its head word first, so no value contradicts its
// key (created_by is a user, email_subject a subject, sentiment no
// time), then the others; display text from the vocabularies of the kind
// of thing it is about (vocabulary.go, context.go).
func (g *gen) byName(name string, seed uint64) string {
	f := g.faker
	c := classOf(name)
	n := strings.ToLower(name)
	head := c.head
	if len(c.words) == 0 {
		return strings.ToLower(f.Word())
	}
	switch {
	case g.opts.Tenant != "" && (tenantFields[n] || n == "key" || head == "platform" || head == "org" || head == "tenant"):
		return g.opts.Tenant
	case head == "email" || head == "mail":
		return strings.ToLower(f.Email())
	case n == "username" || n == "user_name" || head == "by" || userHeads[head] && len(c.words) <= 2 && !c.has("id"):
		return g.username()
	case head == "name" && nameParts[c.before()] != "":
		switch nameParts[c.before()] {
		case "first":
			return f.FirstName()
		case "last":
			return f.LastName()
		}
		return f.FirstName() + " " + f.LastName()
	case c.has("course") && (head == "id" || head == "key"):
		return fmt.Sprintf("course-v1:%s+%s+%d", orgWord(g), strings.ToUpper(f.LetterN(3))+fmt.Sprint(100+g.rng.IntN(900)), 2024+g.rng.IntN(3))
	case c.has("program") && (head == "id" || head == "key"):
		return orgWord(g) + "+" + strings.ToLower(f.Word())
	case head == "uuid" || head == "guid":
		return f.UUID()
	case head == "filename" || head == "name" && c.before() == "file":
		return strings.ToLower(strings.ReplaceAll(g.pick(documents), " ", "_")) + g.pick([]string{".pdf", ".docx", ".csv", ".txt"})
	case urlHeads[head] || imageWords[head] || audioWords[head] || head == "file" || head == "download" || head == "attachment":
		return g.url(name, seed)
	case head == "phone" || head == "mobile":
		return f.Phone()
	case head == "city":
		return f.City()
	case head == "country":
		return f.Country()
	case head == "state" && c.has("address") || head == "region" || head == "province":
		return f.State()
	case head == "address" || head == "street":
		return f.Street()
	case head == "zip" || head == "postal" || head == "postcode":
		return f.Zip()
	case head == "company" || head == "organization" || head == "organisation" || head == "employer":
		return f.Company()
	case head == "institution" || head == "school" || head == "university" || head == "college":
		return g.nameOf("institution")
	case head == "color" || head == "colour":
		return f.HexColor()
	case head == "language" || head == "locale" || head == "lang":
		return g.pick([]string{"en", "es", "fr", "de", "pt", "ar"})
	case head == "timezone" || head == "tz" || c.has("time") && head == "zone":
		return g.pick([]string{"UTC", "America/New_York", "Europe/Paris", "Asia/Tokyo"})
	case head == "currency":
		return f.CurrencyShort()
	case head == "slug":
		return slugOf(g.nameOf(g.kindFor(c)))
	case secretHeads[head]:
		return f.LetterN(32)
	case dateHeads[head] || c.has("created") || c.has("updated") || c.has("modified"):
		return g.instant(name).Format("2006-01-02T15:04:05.000000Z")
	case describeHeads[head]:
		return g.describe(g.kindFor(c))
	case messageHeads[head]:
		return g.message(head, g.kind)
	case head == "subject" && (c.has("email") || c.has("mail") || len(c.words) == 1):
		return g.subjectLine()
	case head == "subject":
		return g.subject()
	case titleHeads[head]:
		return g.title(g.kindFor(c))
	case head == "sentiment":
		return g.pick(sentiments)
	case head == "status" || head == "state":
		return g.pick([]string{"active", "pending", "completed"})
	case c.words[0] == "is" || c.words[0] == "has" || c.words[0] == "can" || c.words[0] == "enable" || c.words[0] == "allow":
		return g.pick([]string{"true", "false"})
	case head == "provider" || head == "vendor":
		return g.pick(providers)
	case head == "model" || head == "llm" || head == "name" && (c.before() == "llm" || c.before() == "model"):
		return g.pick(models)
	case head == "level" || head == "difficulty":
		return g.pick([]string{"beginner", "intermediate", "advanced"})
	case head == "visibility":
		return g.pick([]string{"public", "private", "tenant"})
	case head == "css" || head == "javascript" || head == "js" || head == "script" || head == "html":
		return "" // custom code a UI would inject: none
	case head == "config" || head == "configuration" || head == "metadata" || head == "settings" || head == "options" || head == "json":
		return "{}"
	case head == "tag" || head == "tags" || head == "keyword" || head == "keywords":
		return strings.ToLower(g.pick(skills))
	case headChoices[head] != nil:
		return g.pick(headChoices[head])
	case head == "category":
		return g.nameOf("category")
	case nameKinds[kindWords[head]] || strings.HasSuffix(head, "s") && kindWords[head] != "":
		// A bare skill, topic or tool field holds its name; a plural one
		// (mentor_tools, starter_prompts) one of them.
		return g.nameOf(kindWords[head])
	case head == "name" || c.has("name"):
		return g.nameOf(g.kindFor(c))
	case head == "id" || head == "pk":
		return f.LetterN(22)
	}
	return strings.ToLower(f.Word())
}

// kindFor is the kind of thing a name-like field names or describes: the
// word before its head (course_name is a course's), else the context's.
func (g *gen) kindFor(c *class) string {
	if k := kindWords[c.before()]; k != "" {
		return k
	}
	return g.kind
}

// The head words byName reads.
var (
	userHeads     = words("username user login handle owner author creator sender recipient student learner instructor")
	urlHeads      = words("url uri link href website homepage src endpoint redirect")
	secretHeads   = words("token secret hash key password signature apikey")
	dateHeads     = words("date at on time timestamp datetime deadline expires expiry since until")
	describeHeads = words("description bio summary about overview details abstract excerpt")
	messageHeads  = words("message text content body comment note notes prompt question answer response reply " +
		"instruction instructions greeting welcome disclaimer notice warning feedback reason explanation query output completion")
	titleHeads = words("title heading headline caption label")
	// nameParts are the words before "name" that say which part of a
	// person's name it is ("" for a display or full name).
	nameParts = map[string]string{"first": "first", "given": "first", "last": "last", "family": "last", "sur": "last",
		"full": "full", "display": "", "author": "full", "user": "full", "contact": "full", "student": "full",
		"learner": "full", "instructor": "full", "owner": "full", "person": "full", "recipient": "full", "sender": "full"}
)

// nameKinds are the kinds whose bare field holds a name, not an id.
var nameKinds = words("skill topic category audience tool voice llm prompt")

// headChoices are the values of fields that name one of a few choices
// the document does not enumerate.
var headChoices = map[string][]string{
	"type": {"default", "custom", "standard"}, "kind": {"default", "custom", "standard"},
	"mode": {"default", "guided", "socratic"}, "method": {"default", "manual", "automatic"},
	"format": {"json", "csv", "pdf"}, "source": {"web", "upload", "lms", "api"},
	"channel": {"email", "push", "in_app"}, "channels": {"email", "push", "in_app", "email,push"},
	"frequency": {"daily", "weekly", "monthly"}, "interval": {"daily", "weekly", "monthly"},
	"gender": {"female", "male", "other"}, "priority": {"low", "normal", "high"},
}

// username is a username as the service's users have them:
// "ada.lovelace" (gofakeit's Username can hold a space).
func (g *gen) username() string {
	name := strings.ToLower(g.faker.FirstName() + "." + g.faker.LastName())
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' {
			return r
		}
		return -1
	}, name)
}

// slugOf is a name as a slug: "Statistics Tutor" is statistics-tutor.
func slugOf(name string) string {
	var b strings.Builder
	for _, w := range strings.Fields(strings.ToLower(name)) {
		if b.Len() > 0 {
			b.WriteByte('-')
		}
		for _, r := range w {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				b.WriteRune(r)
			}
		}
	}
	return b.String()
}
