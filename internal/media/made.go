package media

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// The files the fake makes up: a synthesized answer's URL fields point at
// them (package synth), on the fake's own host, so a UI that shows an
// image, follows a link or downloads a file stays on the fake. Each is
// made from the seed its URL carries, the same bytes every time, and
// holds nothing of any tenant, so it is served to anyone.
//
//	/media/iblfake/image/<seed>/<name>.png   a placeholder image
//	/media/iblfake/file/<seed>/<name>.csv    a download (also .txt)
//	/media/iblfake/audio/<seed>/<name>.wav   a short tone
//	/media/iblfake/page/<seed>/<name>        a page that says what it is
//
// seed is 16 hexadecimal digits; name is the field the URL was made for,
// in lower-case letters, digits, "_" and "-".

// Kinds of made-up file.
const (
	Image = "image"
	File  = "file"
	Audio = "audio"
	Page  = "page"
)

// MadePrefix is the path every made-up file is under.
const MadePrefix = "/media/iblfake/"

// MadeRoute is the route (Echo syntax) the fake serves made-up files at.
const MadeRoute = MadePrefix + ":kind/:seed/:name"

// MadeURL is the address of the made-up file of kind for seed, named for
// the field name, on the fake at base (scheme and host). ext is a File's
// extension ("csv" or "txt"); the other kinds have their own.
func MadeURL(base, kind string, seed uint64, name, ext string) string {
	var b strings.Builder
	b.Grow(len(base) + len(MadePrefix) + len(kind) + 18 + len(name) + 5)
	b.WriteString(base)
	b.WriteString(MadePrefix)
	b.WriteString(kind)
	b.WriteByte('/')
	var hex [16]byte
	for i := range hex {
		hex[i] = "0123456789abcdef"[(seed>>(60-4*i))&0xf]
	}
	b.Write(hex[:])
	b.WriteByte('/')
	b.WriteString(slug(name))
	switch kind {
	case Image:
		b.WriteString(".png")
	case Audio:
		b.WriteString(".wav")
	case File:
		b.WriteString("." + ext)
	}
	return b.String()
}

// slug is a field name as a URL's last segment: lower-case letters,
// digits, "_" and "-" ("file" when nothing is left).
func slug(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-' {
			b.WriteRune(r)
		}
		if b.Len() >= 48 {
			break
		}
	}
	if b.Len() == 0 {
		return "file"
	}
	return b.String()
}

// Made is the made-up file a request for kind, seed and name (the route's
// parameters) asks for: its media type, the name to save it as, and its
// bytes; ok is false for no such file (an unknown kind, a seed that is not
// 16 hexadecimal digits, a name that is not one MadeURL writes).
func Made(kind, seedText, name string) (contentType, filename string, data []byte, ok bool) {
	if len(seedText) != 16 {
		return "", "", nil, false
	}
	seed, err := strconv.ParseUint(seedText, 16, 64)
	if err != nil {
		return "", "", nil, false
	}
	base, ext, _ := strings.Cut(name, ".")
	if base == "" || slug(base) != base {
		return "", "", nil, false
	}
	switch {
	case kind == Image && ext == "png":
		return "image/png", name, Placeholder(seed), true
	case kind == Audio && ext == "wav":
		return "audio/wav", name, Tone(seed), true
	case kind == File && ext == "csv":
		return "text/csv; charset=utf-8", name, Table(seed), true
	case kind == File && ext == "txt":
		return "text/plain; charset=utf-8", name, []byte("A file iblfake made up for the field " + base + ".\n"), true
	case kind == Page && !strings.Contains(name, "."):
		return "text/html; charset=utf-8", name, linkPage(base), true
	}
	return "", "", nil, false
}

// palette are the placeholder images' colours: a background and a lighter
// shape, picked by the seed.
var palette = [][2]color.RGBA{
	{{0x3b, 0x5b, 0xdb, 0xff}, {0xa5, 0xb4, 0xfc, 0xff}},
	{{0x0f, 0x76, 0x6e, 0xff}, {0x99, 0xf6, 0xe4, 0xff}},
	{{0xb4, 0x53, 0x09, 0xff}, {0xfd, 0xe6, 0x8a, 0xff}},
	{{0x9d, 0x17, 0x4d, 0xff}, {0xfb, 0xcf, 0xe8, 0xff}},
	{{0x37, 0x41, 0x51, 0xff}, {0xd1, 0xd5, 0xdb, 0xff}},
	{{0x6d, 0x28, 0xd9, 0xff}, {0xdd, 0xd6, 0xfe, 0xff}},
	{{0x15, 0x80, 0x3d, 0xff}, {0xbb, 0xf7, 0xd0, 0xff}},
	{{0x1e, 0x40, 0xaf, 0xff}, {0xfe, 0xf0, 0x8a, 0xff}},
}

// placeholderSize is a placeholder image's width and height in pixels.
const placeholderSize = 128

// Placeholder is a square PNG made from seed: a background colour and a
// circle, square or diamond in a lighter one, placed by the seed. The same
// seed gives the same bytes (a paletted image, encoded by image/png).
func Placeholder(seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x5bd1e995))
	colours := palette[r.IntN(len(palette))]
	img := image.NewPaletted(image.Rect(0, 0, placeholderSize, placeholderSize), color.Palette{colours[0], colours[1]})
	cx, cy := 40+r.IntN(48), 40+r.IntN(48)
	rad := 20 + r.IntN(20)
	shape := r.IntN(3)
	for y := range placeholderSize {
		for x := range placeholderSize {
			dx, dy := x-cx, y-cy
			var in bool
			switch shape {
			case 0:
				in = dx*dx+dy*dy <= rad*rad
			case 1:
				in = abs(dx) <= rad && abs(dy) <= rad
			default:
				in = abs(dx)+abs(dy) <= rad
			}
			if in {
				img.SetColorIndex(x, y, 1)
			}
		}
	}
	var buf bytes.Buffer
	_ = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img)
	return buf.Bytes()
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// Table is a small CSV made from seed, what a report or an export
// download holds: a header and a dozen rows of dates and counts.
func Table(seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x27d4eb2f))
	var b bytes.Buffer
	b.WriteString("date,learners,sessions,messages\n")
	for i := range 12 {
		fmt.Fprintf(&b, "2026-01-%02d,%d,%d,%d\n", i+1, 5+r.IntN(60), 10+r.IntN(200), 50+r.IntN(2000))
	}
	return b.Bytes()
}

// Tone is a half-second WAV (8 kHz, 8-bit mono) of a quiet sine whose
// pitch the seed picks: something an audio player can play for a voice
// sample or a recording.
func Tone(seed uint64) []byte {
	const rate, n = 8000, 4000
	freq := 220 + float64(seed%8)*55
	var b bytes.Buffer
	le := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	le(uint32(36 + n))
	b.WriteString("WAVEfmt ")
	le(uint32(16))
	le(uint16(1)) // PCM
	le(uint16(1)) // mono
	le(uint32(rate))
	le(uint32(rate)) // bytes a second
	le(uint16(1))    // block align
	le(uint16(8))    // bits a sample
	b.WriteString("data")
	le(uint32(n))
	for i := range n {
		b.WriteByte(byte(128 + 24*math.Sin(2*math.Pi*freq*float64(i)/rate)))
	}
	return b.Bytes()
}

// linkPage is the page a made-up link opens: it says what it is. name is
// a slug (letters, digits, "_" and "-"), so nothing in it is markup.
func linkPage(name string) []byte {
	return []byte(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>iblfake</title></head>
<body style="font-family: sans-serif; margin: 3rem">
<h1>iblfake</h1>
<p>This page stands in for the link in the <code>` + name + `</code> field of an answer iblfake made up.
The real service would send you somewhere else here.</p>
</body></html>
`)
}
