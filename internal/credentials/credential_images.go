package credentials

import (
	"strconv"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/labstack/echo/v4"
)

// imageSlot is one of a credential's three images as a write names it: by
// URL (iconImage / icon_image) or by the id of an upload (icon_image_id).
type imageSlot struct {
	field string // the id field, for its errors
	id    api.Opt[int64]
	urls  []*string // the URL fields of the same image, camelCase first
	url   **string
	dst   **uint64
}

func (w *credentialWrite) imageSlots(cr *Credential) []imageSlot {
	return []imageSlot{
		{"icon_image_id", w.IconImageID, []*string{w.IconImage, w.IconImageSnake}, &cr.IconImage, &cr.IconImageID},
		{"background_image_id", w.BackgroundImageID, []*string{w.BackgroundImage, w.BackgroundSnake}, &cr.BackgroundImage, &cr.BackgroundImageID},
		{"thumbnail_image_id", w.ThumbnailImageID, []*string{w.ThumbnailImage, w.ThumbnailSnake}, &cr.ThumbnailImage, &cr.ThumbnailImageID},
	}
}

// applyImages attaches the uploaded images a write names by id: the
// credential then answers that image's URL (as the upload answered it) and
// id, which is how the vendor UI sets a credential's icon (FIDELITY.md,
// C5). null detaches the image. An id that is no upload of the tenant is
// DRF's PrimaryKeyRelatedField error on that field. A URL written without
// an id names no upload, so the stored id is dropped.
func (w *credentialWrite) applyImages(c echo.Context, tx store.Tx, cr *Credential) error {
	errs := map[string]any{}
	for _, s := range w.imageSlots(cr) {
		if !s.id.Set {
			if first(s.urls...) != nil {
				*s.dst = nil
			}
			continue
		}
		if s.id.Null {
			*s.url, *s.dst = nil, nil
			continue
		}
		im, err := tenantImage(tx, api.Tenant(c), s.id.V)
		if err != nil {
			return err
		}
		if im == nil {
			errs[s.field] = []string{`Invalid pk "` + strconv.FormatInt(s.id.V, 10) + `" - object does not exist.`}
			continue
		}
		u, id := imageView(c, im).Image, im.ID
		*s.url, *s.dst = &u, &id
	}
	if len(errs) > 0 {
		return api.Fields(errs)
	}
	return nil
}

// tenantImage returns the tenant's uploaded image id, or nil when it has
// none of that id.
func tenantImage(tx store.Tx, tenant string, id int64) (*Image, error) {
	if id <= 0 {
		return nil, nil
	}
	im, err := store.Get[Image](tx, bktImages, api.SeqKey(uint64(id)))
	if err != nil || im == nil || im.Tenant != tenant {
		return nil, err
	}
	return im, nil
}
