package longtail

import (
	"encoding/base64"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/media"
	"github.com/iblfake/iblfake/internal/synth"
	"github.com/labstack/echo/v4"
)

// Uploads (FIDELITY.md, "long-tail uploads"): a file sent as a multipart
// part where the document types the field as a URI string (a logo's file,
// an image asset's image; the validator takes and checks it, api.Upload)
// is stored per tenant and served back at the URL the answer gives in
// that field, public as Django's MEDIA files are:
//
//	/media/uploads/<tenant>/<id>/<filename>
//
// An item or a setting written with it keeps that URL as any other value
// it was sent; a field the answer does not show (an image asset's image is
// write-only) shows in the answer's URL field instead (its url). The
// operations that read an upload back as an image (an org's logo, an
// asset's file/) redirect to it (fileViews).

// The uploads' buckets; every key starts with its tenant, so state export
// and import move a tenant's files with it.
const (
	// Files holds the uploaded files: key tenant and id, value a
	// storedFile (its bytes in base64: the state export carries UTF-8).
	Files = "longtail.files"
	// LatestFiles maps tenant, the path a file was sent to and its field
	// to the file's id: what a logo's read answers.
	LatestFiles = "longtail.latest_files"
)

// UploadRoute is the route (Echo syntax) uploads are served at.
const UploadRoute = "/media/uploads/:tenant/:id/:name"

// storedFile is an uploaded file as the store keeps it.
type storedFile struct {
	ID          string    `json:"id"`
	Tenant      string    `json:"tenant"`
	Field       string    `json:"field"`
	Path        string    `json:"path"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int       `json:"size"`
	CreatedAt   time.Time `json:"created_at"`
	Data        string    `json:"data"` // base64
}

// uploadURL is where the fake serves f, on the origin the request reached.
func uploadURL(c echo.Context, f *storedFile) string {
	return origin(c) + "/media/uploads/" + url.PathEscape(f.Tenant) + "/" + f.ID + "/" + f.Filename
}

// putUploads stores the request's uploads in tx and puts each one's URL in
// its field of the request body, so the write that follows keeps the URL
// as the field's value; it returns the URLs by field.
func (m *Module) putUploads(tx store.Tx, c echo.Context) (map[string]string, error) {
	b := api.RequestBody(c)
	if len(b.Uploads) == 0 {
		return nil, nil
	}
	tenant := api.Tenant(c)
	body := b.Object()
	out := map[string]string{}
	for _, field := range slices.Sorted(maps.Keys(b.Uploads)) {
		up := b.Uploads[field]
		f := &storedFile{ID: m.stringID(), Tenant: tenant, Field: field, Path: c.Request().URL.Path, Filename: up.Filename,
			ContentType: up.ContentType, Size: len(up.Data), CreatedAt: m.d.Clock.Now(), Data: base64.StdEncoding.EncodeToString(up.Data)}
		raw, err := json.Marshal(f)
		if err != nil {
			return nil, err
		}
		if err := tx.Put(Files, tenant+store.KeySep+f.ID, raw); err != nil {
			return nil, err
		}
		if err := tx.Put(LatestFiles, tenant+store.KeySep+f.Path+store.KeySep+field, []byte(f.ID)); err != nil {
			return nil, err
		}
		u := uploadURL(c, f)
		body[field] = u
		out[field] = u
	}
	return out, nil
}

// showUploads makes obj, an answer or an item of schema s, show the
// uploads' URLs: in the upload's own field where s shows it, else in the
// URL field beside it (<field>_url, url) that the request did not set.
func showUploads(obj map[string]any, s *openapi3.SchemaRef, urls map[string]string, sent map[string]any) {
	ps := props(s)
	for field, u := range urls {
		if p := ps[field]; p != nil && p.Value != nil && !p.Value.WriteOnly && fits(p, u) {
			obj[field] = u
			continue
		}
		for _, alt := range []string{field + "_url", "url", "file_url"} {
			if _, set := sent[alt]; set {
				continue
			}
			if p := ps[alt]; p != nil && p.Value != nil && !p.Value.WriteOnly && fits(p, u) {
				obj[alt] = u
				break
			}
		}
	}
}

// serveUpload serves an uploaded file, or Django's 404 for a path that
// names none (another tenant's id under this tenant is none).
func (m *Module) serveUpload(c echo.Context) error {
	tenant, id := c.Param("tenant"), c.Param("id")
	f, err := api.Read(m.d.Store, func(tx store.Tx) (*storedFile, error) {
		raw := tx.Get(Files, tenant+store.KeySep+id)
		if raw == nil {
			return nil, nil
		}
		var f storedFile
		return &f, json.Unmarshal(raw, &f)
	})
	if err != nil {
		return err
	}
	if f == nil || f.Tenant != tenant || f.Filename != c.Param("name") {
		return echo.ErrNotFound
	}
	data, err := base64.StdEncoding.DecodeString(f.Data)
	if err != nil {
		return err
	}
	media.Serve(c.Response(), f.ContentType, f.Filename, data, "")
	return nil
}

// The reads that answer an upload as an image. The document declares a
// JSON object for them, but the vendor's UI puts their URLs in an <img
// src> (the data layer's getPublicPlatformImageAssetFileUrl and
// LOGO_ENDPOINTS): an org's logo (GET .../logo/, whose upload is POST
// .../logo/create/; the dark-mode logo, favicon and thumbnail the same),
// and an item's file (GET <item>/file/, an image asset's). They answer
// 302 Found to the image: the tenant's last upload, the item's URL, or a
// placeholder the fake makes up (FIDELITY.md).
type fileView struct {
	create string // a logo's: the upload's path, relative ("create/")
	field  string // the upload's field
	fam    *family
}

// fileViewOf is the file view a GET of template is, or nil (decided once
// per template: m.fileViews).
func (m *Module) fileViewOf(template string) *fileView {
	if v, ok := m.fileViews.Load(template); ok {
		return v.(*fileView)
	}
	var fv *fileView
	if item, ok := strings.CutSuffix(template, "file/"); ok {
		if _, param, isItem := itemParent(item); isItem {
			for _, f := range m.model.families {
				if f.item == item && f.param == param && f.infer().ok {
					fv = &fileView{fam: f}
				}
			}
		}
	} else if v := m.urls.View(template + "create/"); v != nil && v.Ops[http.MethodPost] != nil {
		if body := requestSchema(compile(v.Ops[http.MethodPost])); body != nil {
			for _, name := range slices.Sorted(maps.Keys(props(body))) {
				p := props(body)[name]
				if ok, image := media.UploadField(name, p.Value.Format, template+"create/"); ok && image {
					fv = &fileView{create: "create/", field: name}
					break
				}
			}
		}
	}
	m.fileViews.Store(template, fv)
	return fv
}

// serveFileView answers a file view's GET: a redirect to the image.
func (m *Module) serveFileView(c echo.Context, fv *fileView) error {
	tenant := api.Tenant(c)
	path := c.Request().URL.Path
	var target string
	err := m.d.Store.View(func(tx store.Tx) error {
		if fv.fam != nil {
			key := collectionKey(tenant, collectionPath(fv.fam.collection, c.Param))
			obj, _, err := findItem(tx, key, c.Param(fv.fam.param))
			if err != nil {
				return err
			}
			if obj == nil {
				return api.NotFound()
			}
			for _, f := range []string{"url", "image", "file", "file_url", "image_url"} {
				if s, ok := obj[f].(string); ok && (strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")) {
					target = s
					break
				}
			}
			return nil
		}
		id := tx.Get(LatestFiles, tenant+store.KeySep+path+fv.create+store.KeySep+fv.field)
		if id == nil {
			return nil
		}
		var f storedFile
		if raw := tx.Get(Files, tenant+store.KeySep+string(id)); raw != nil && json.Unmarshal(raw, &f) == nil {
			target = uploadURL(c, &f)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if target == "" {
		name := strings.Trim(path[strings.LastIndexByte(strings.TrimSuffix(path, "/"), '/')+1:], "/")
		target = media.MadeURL(origin(c), media.Image, synth.Key(m.baseSeed(prefer{}), tenant, path), name, "")
	}
	return c.Redirect(http.StatusFound, target)
}
