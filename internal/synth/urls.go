package synth

import (
	"strings"

	"github.com/iblfake/iblfake/internal/media"
)

// URLs in answers point at the fake (Options.Base): a field that holds an
// image's address gets a placeholder image the fake serves, one that holds
// a file's a download it serves, an audio field a tone, and every other
// link a page that says what it is (package media). The kind is read off
// the field's name and, for a bare "file", the operation's path (a logo's
// "file" is an image). Without a Base (a request body, a test of this
// package alone) a URL is a made-up address on a made-up domain.

// imageWords, audioWords and fileWords name what a URL field holds.
var (
	imageWords = words("image img logo avatar icon thumbnail thumb picture photo banner favicon screenshot cover poster preview")
	audioWords = words("audio voice sound recording speech mp3 wav")
	fileWords  = words("file download attachment document export report csv pdf transcript dataset backup caption source")
	tableWords = words("download export report csv dataset data backup")
)

// url makes the URL of the field name, at node seed.
func (g *gen) url(name string, seed uint64) string {
	f := g.faker
	if g.opts.Base == "" || g.opts.Request {
		return "https://" + strings.ToLower(f.DomainName()) + "/" + strings.ToLower(f.Word())
	}
	kind, ext := g.urlKind(name)
	return media.MadeURL(g.opts.Base, kind, seed, name, ext)
}

// urlKind is the made-up file a URL field named name points at, and a
// download's extension.
func (g *gen) urlKind(name string) (kind, ext string) {
	c := classOf(name)
	switch {
	case c.any(imageWords):
		return media.Image, ""
	case c.any(audioWords):
		return media.Audio, ""
	case c.any(fileWords):
		if c.head == "file" && g.pathImage() {
			return media.Image, "" // a logo's, a favicon's file
		}
		if c.any(tableWords) {
			return media.File, "csv"
		}
		return media.File, "txt"
	case g.kind == "report":
		return media.File, "csv" // a report's url is its download
	case g.kind == "document":
		return media.File, "txt"
	}
	return media.Page, ""
}

// pathImage reports whether the operation's path is about an image (a
// logo, a favicon, an image asset).
func (g *gen) pathImage() bool {
	for _, w := range pathWords(g.opts.Path) {
		if imageWords[w] {
			return true
		}
	}
	return false
}

// pathWords are the words of a path template's static segments.
func pathWords(path string) []string {
	var out []string
	for _, seg := range strings.Split(path, "/") {
		if seg == "" || seg[0] == '{' {
			continue
		}
		out = append(out, splitWords(seg)...)
	}
	return out
}
