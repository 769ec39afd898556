package synth

import (
	"strings"
	"sync"
)

// A property's name read as words: "createdBy" and "created_by" are
// created, by; "email_subject" is a subject (its head, the last word, as
// English compounds read), not an email. Values are chosen by the head
// first, so no value contradicts its key (a date in created_by, an email
// in a subject), then by the other words.

// class is what a property name says.
type class struct {
	words []string
	head  string // the last word that is not a weak one ("data", "value")
	set   map[string]bool
}

// any reports whether one of the name's words is in ws.
func (c *class) any(ws map[string]bool) bool {
	for _, w := range c.words {
		if ws[w] {
			return true
		}
	}
	return false
}

// has reports whether the name has the word w.
func (c *class) has(w string) bool { return c.set[w] }

// before is the word before the head ("" when the head is the first).
func (c *class) before() string {
	for i := len(c.words) - 1; i > 0; i-- {
		if c.words[i] == c.head {
			return c.words[i-1]
		}
	}
	return ""
}

// weakHeads are last words that say little of the value ("icon_data" is
// about an icon): the head is the word before them.
var weakHeads = words("data value info str string text_value raw field")

// classes caches classOf: property names come from the document, a
// bounded set. A map under a lock, not a sync.Map: a string key made an
// interface allocates, on every property of every answer.
var classes = struct {
	sync.RWMutex
	m map[string]*class
}{m: map[string]*class{}}

// classOf reads name.
func classOf(name string) *class {
	classes.RLock()
	c, ok := classes.m[name]
	classes.RUnlock()
	if ok {
		return c
	}
	c = &class{words: splitWords(name), set: map[string]bool{}}
	for _, w := range c.words {
		c.set[w] = true
	}
	for i := len(c.words) - 1; i >= 0; i-- {
		if c.head = c.words[i]; !weakHeads[c.head] || i == 0 {
			break
		}
	}
	classes.Lock()
	classes.m[name] = c
	classes.Unlock()
	return c
}

// splitWords splits a name at "_", "-", ".", spaces and lower-to-upper
// case changes, in lower case: "mentorUniqueID" is mentor, unique, id.
func splitWords(name string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	rs := []rune(name)
	for i, r := range rs {
		switch {
		case r == '_' || r == '-' || r == '.' || r == ' ' || r == '/':
			flush()
			continue
		case r >= 'A' && r <= 'Z':
			// A word starts at an upper-case letter after a lower-case one,
			// or at the last of a run of capitals before a lower-case one
			// ("HTTPServer": http, server).
			if i > 0 && (rs[i-1] >= 'a' && rs[i-1] <= 'z' || rs[i-1] >= '0' && rs[i-1] <= '9' ||
				i+1 < len(rs) && rs[i+1] >= 'a' && rs[i+1] <= 'z' && rs[i-1] >= 'A' && rs[i-1] <= 'Z') {
				flush()
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	flush()
	return out
}

// words is a set of space-separated words, for the tables.
func words(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.Fields(s) {
		out[w] = true
	}
	return out
}
