package synth

import (
	"path"
	"strings"

	"github.com/iblfake/iblfake/internal/media"
)

// Localize is a declared example as the fake answers it for a request:
// a copy in which every absolute URL points at a file the fake makes up
// on opts.Base (an image for a .png or an image field, a tone for an
// .mp3, a download for a .pdf, else a page), every string field naming a
// platform or org names opts.Tenant, and every page counts what it holds
// and links nowhere, as a synthesized value does. OAuth scopes (fields
// named for them) are names that look like URLs, not links, and stay.
// The caller checks the copy still validates.
func Localize(v any, opts Options) any {
	g := newGen(opts)
	return g.localize(v, opts.Seed, "")
}

func (g *gen) localize(v any, seed uint64, name string) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, w := range x {
			out[k] = g.localize(w, Mix(seed, k), k)
		}
		settleExample(out)
		return out
	case []any:
		out := make([]any, len(x))
		for i, w := range x {
			out[i] = g.localize(w, Mix(seed, itoa(i)), singular(name))
		}
		return out
	case string:
		if g.opts.Tenant != "" && tenantFields[name] {
			return g.opts.Tenant
		}
		if g.opts.Base == "" || !(strings.HasPrefix(x, "http://") || strings.HasPrefix(x, "https://")) ||
			strings.Contains(strings.ToLower(name), "scope") {
			return x
		}
		kind, ext := g.urlKind(name)
		switch strings.ToLower(path.Ext(strings.SplitN(x, "?", 2)[0])) {
		case ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg":
			kind, ext = media.Image, ""
		case ".mp3", ".wav", ".ogg", ".m4a":
			kind, ext = media.Audio, ""
		case ".pdf", ".txt", ".ass", ".srt", ".vtt", ".mp4", ".docx":
			kind, ext = media.File, "txt"
		case ".csv":
			kind, ext = media.File, "csv"
		}
		return media.MadeURL(g.opts.Base, kind, seed, name, ext)
	}
	return v
}

// tenantFields are the string fields that name the tenant an answer is
// for, at any depth.
var tenantFields = map[string]bool{"platform_key": true, "platform_org": true, "org": true, "platform": true, "tenant": true}

// settleExample makes a page of an example agree with itself, as
// settlePage does a synthesized one.
func settleExample(out map[string]any) {
	results, ok := out["results"].([]any)
	if !ok {
		return
	}
	if _, counted := out["count"]; !counted {
		return
	}
	out["count"] = float64(len(results))
	for _, l := range []string{"next", "previous"} {
		if _, ok := out[l].(string); ok {
			out[l] = nil
		}
	}
}
