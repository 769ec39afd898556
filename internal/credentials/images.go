package credentials

import (
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/media"
	"github.com/labstack/echo/v4"
)

// MaxImageBytes is the largest image upload accepted (media.MaxImageBytes:
// the long tail's uploads share it). The real limit is not documented; a
// larger file is a 400 on "image".
const MaxImageBytes = media.MaxImageBytes

// ImagePath is the route (Echo syntax) the fake serves uploaded images at,
// like Django's MEDIA_URL + upload_to ("uploaded_images/").
const ImagePath = "/media/uploaded_images/:id/:name"

// DRF's FileField and ImageField messages.
const (
	msgNoFile       = media.MsgNoFile
	msgNotAFile     = media.MsgNotAFile
	msgNoFilename   = media.MsgNoFilename
	msgEmptyFile    = media.MsgEmptyFile
	msgInvalidImage = media.MsgInvalidImage
)

const (
	bktImages         = "cred.images"           // id -> Image
	bktImageData      = "cred.image_data"       // id -> base64 of the bytes
	bktImagesByTenant = "cred.images_by_tenant" // tenant|id -> id
)

// Image is an uploaded credential image (icon, background, thumbnail).
type Image struct {
	ID          uint64    `json:"id"`
	Tenant      string    `json:"tenant"`
	Name        *string   `json:"name"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int       `json:"size"`
	CreatedAt   time.Time `json:"created_at"`
}

// ImageView is the UploadedImage the API answers.
type ImageView struct {
	ID    uint64  `json:"id"`
	Name  *string `json:"name"`
	Image string  `json:"image"`
}

func imageView(c echo.Context, im *Image) ImageView {
	u := url.URL{Scheme: c.Scheme(), Host: c.Request().Host,
		Path: "/media/uploaded_images/" + strconv.FormatUint(im.ID, 10) + "/" + im.Filename}
	return ImageView{ID: im.ID, Name: im.Name, Image: u.String()}
}

// uploadedFile reads the "image" part of the request. Only a multipart body
// can carry a file; a JSON or urlencoded "image" is DRF's "not a file".
func uploadedFile(c echo.Context) (data []byte, filename string, name *string, err error) {
	req := c.Request()
	mt, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	switch mt {
	case "multipart/form-data":
		if perr := req.ParseMultipartForm(1 << 20); perr != nil {
			return nil, "", nil, api.Detail(http.StatusBadRequest, "Multipart form parse error - "+perr.Error())
		}
		defer func() { _ = req.MultipartForm.RemoveAll() }()
		if vs := req.MultipartForm.Value["name"]; len(vs) > 0 {
			name = &vs[0]
		}
		files := req.MultipartForm.File["image"]
		if len(files) == 0 {
			if _, ok := req.MultipartForm.Value["image"]; ok {
				return nil, "", nil, api.Field("image", msgNotAFile)
			}
			return nil, "", nil, api.Field("image", msgNoFile)
		}
		data, err = readPart(files[0])
		return data, files[0].Filename, name, err
	case "application/x-www-form-urlencoded":
		if perr := req.ParseForm(); perr == nil && req.PostForm.Has("image") {
			return nil, "", nil, api.Field("image", msgNotAFile)
		}
	default:
		var body map[string]any
		if err := api.Bind(c, &body); err != nil {
			return nil, "", nil, err
		}
		if _, ok := body["image"]; ok {
			return nil, "", nil, api.Field("image", msgNotAFile)
		}
	}
	return nil, "", nil, api.Field("image", msgNoFile)
}

func readPart(fh *multipart.FileHeader) ([]byte, error) {
	if fh.Size > MaxImageBytes {
		return nil, api.Field("image", media.TooLarge(fh.Size))
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxImageBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxImageBytes {
		return nil, api.Field("image", media.TooLarge(int64(len(data))))
	}
	return data, nil
}

// uploadImage stores a multipart "image" file with an optional "name" and
// answers {id, name, image}, image being the URL the fake serves it at.
func (h *Handlers) uploadImage(c echo.Context) error {
	data, filename, name, err := uploadedFile(c)
	if err != nil {
		return err
	}
	switch {
	case filename == "":
		return api.Field("image", msgNoFilename)
	case len(data) == 0:
		return api.Field("image", msgEmptyFile)
	}
	ct, ok := media.SniffImage(data)
	if !ok {
		return api.Field("image", msgInvalidImage)
	}
	if name != nil && len([]rune(*name)) > 254 {
		return api.Field("name", "Ensure this field has no more than 254 characters.")
	}
	im := &Image{Tenant: api.Tenant(c), Name: name, Filename: media.CleanFilename(filename, ct),
		ContentType: ct, Size: len(data), CreatedAt: h.d.Clock.Now()}
	err = h.d.Store.Update(func(tx store.Tx) error {
		id, err := tx.NextSequence(bktImages)
		if err != nil {
			return err
		}
		im.ID = id
		k := api.SeqKey(id)
		// Base64, so the state export (UTF-8 values only) carries images.
		if err := tx.Put(bktImageData, k, []byte(base64.StdEncoding.EncodeToString(data))); err != nil {
			return err
		}
		if err := tx.Put(bktImagesByTenant, key(im.Tenant, k), []byte(k)); err != nil {
			return err
		}
		return store.PutJSON(tx, bktImages, k, im)
	})
	if err != nil {
		return err
	}
	return api.JSON(c, http.StatusOK, imageView(c, im))
}

// searchImages answers the tenant's images whose name contains query
// (case-insensitive), newest first, as a JSON array. query is required.
func (h *Handlers) searchImages(c echo.Context) error {
	q := strings.ToLower(c.QueryParam("query"))
	if q == "" {
		return api.Field("query", "This field may not be blank.")
	}
	tenant := api.Tenant(c)
	out := []ImageView{}
	err := h.d.Store.View(func(tx store.Tx) error {
		for _, k := range ids(tx, bktImagesByTenant, tenant, true) {
			var im Image
			if ok, err := store.GetJSON(tx, bktImages, k, &im); err != nil || !ok {
				return err
			}
			if im.Name != nil && strings.Contains(strings.ToLower(*im.Name), q) {
				out = append(out, imageView(c, &im))
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return api.JSON(c, http.StatusOK, out)
}

// ServeImage serves an uploaded image's bytes with its Content-Type, as
// Django serves MEDIA files: public, no auth. An unknown image is Django's
// HTML 404.
func (h *Handlers) ServeImage(c echo.Context) error {
	id, err := strconv.ParseUint(c.Param("id"), 10, 64)
	if err != nil {
		return echo.ErrNotFound
	}
	var im Image
	var data []byte
	err = h.d.Store.View(func(tx store.Tx) error {
		k := api.SeqKey(id)
		ok, err := store.GetJSON(tx, bktImages, k, &im)
		if err != nil || !ok {
			return err
		}
		if enc := tx.Get(bktImageData, k); enc != nil {
			data, err = base64.StdEncoding.DecodeString(string(enc))
		}
		return err
	})
	if err != nil {
		return err
	}
	if data == nil || im.Filename != c.Param("name") {
		return echo.ErrNotFound
	}
	// An upload is checked to be an image, but a polyglot (a GIF that is
	// also HTML) passes; media.Serve sends nosniff, which stops a browser
	// from running it as a page.
	media.Serve(c.Response(), im.ContentType, im.Filename, data, "")
	return nil
}
