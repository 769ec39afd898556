package longtail

import (
	"encoding/json"
	"net/http"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/synth"
	"github.com/labstack/echo/v4"
)

// A singleton (a path read with GET and written with PUT, PATCH or POST,
// without an item: a mentor's settings, a platform's configuration) is
// one record per tenant and path. Until it is written its GET is
// synthesized, as any read no resource answers; once written, reads
// answer what was written, PUT and POST replace and PATCH merges over it,
// and DELETE forgets it.

// singletonKey is a singleton's record key for the request.
func singletonKey(c echo.Context, one *singleton) string {
	return api.Tenant(c) + store.KeySep + collectionPath(one.template, c.Param)
}

// readSingleton answers the singleton's record, or synthesizes its GET.
func (m *Module) readSingleton(c echo.Context, one *singleton) error {
	key := singletonKey(c, one)
	obj, err := api.Read(m.d.Store, func(tx store.Tx) (map[string]any, error) {
		raw := tx.Get(Singletons, key)
		if raw == nil {
			return nil, nil
		}
		var obj map[string]any
		return obj, json.Unmarshal(raw, &obj)
	})
	if err != nil {
		return err
	}
	if obj == nil {
		return m.synthesize(c)
	}
	return m.answerSingleton(c, key, obj)
}

// writeSingleton sets the singleton from the request over what it holds
// (or what its GET would synthesize): PATCH merges, PUT and POST also set
// the fields with a default that were not sent back to it.
func (m *Module) writeSingleton(c echo.Context, one *singleton) error {
	key := singletonKey(c, one)
	req := api.RequestOf(c)
	body := api.RequestBody(c).Object()
	reqSchema := requestSchema(req.Route.Operation)
	getSchema := one.readSchema()
	var obj map[string]any
	err := m.d.Store.Update(func(tx store.Tx) error {
		urls, err := m.putUploads(tx, c)
		if err != nil {
			return err
		}
		if raw := tx.Get(Singletons, key); raw != nil {
			if err := json.Unmarshal(raw, &obj); err != nil {
				return err
			}
		} else {
			obj = synthBase(getSchema, m.singletonOpts(c, key))()
		}
		if c.Request().Method != http.MethodPatch {
			for name, p := range props(reqSchema) {
				if _, sent := body[name]; !sent && p.Value != nil && p.Value.Default != nil && !p.Value.ReadOnly {
					obj[name] = p.Value.Default
				}
			}
		}
		overlay(obj, body, reqSchema)
		showUploads(obj, getSchema, urls, body)
		for _, n := range tenantNames {
			if p := props(getSchema)[n]; p != nil && p.Value != nil && p.Value.Type.Is("string") {
				obj[n] = api.Tenant(c)
			}
		}
		stamp(obj, presentNames(obj, updatedNames), getSchema, m.d.Clock.Now())
		raw, err := json.Marshal(obj)
		if err != nil {
			return err
		}
		return tx.Put(Singletons, key, raw)
	})
	if err != nil {
		return err
	}
	return m.answerSingleton(c, key, obj)
}

// clearSingleton forgets what was written to the singleton.
func (m *Module) clearSingleton(c echo.Context, one *singleton) error {
	key := singletonKey(c, one)
	if err := m.d.Store.Update(func(tx store.Tx) error { return tx.Delete(Singletons, key) }); err != nil {
		return err
	}
	code, resp := pickResponse(api.RequestOf(c).Route.Operation, "")
	if media := jsonMedia(resp); media != nil && media.Schema != nil && code != http.StatusNoContent {
		return api.JSON(c, code, synth.Value(media.Schema, m.singletonOpts(c, key)))
	}
	return c.NoContent(code)
}

// answerSingleton writes the singleton's record as the operation answers.
func (m *Module) answerSingleton(c echo.Context, key string, obj map[string]any) error {
	code, resp := pickResponse(api.RequestOf(c).Route.Operation, "")
	media := jsonMedia(resp)
	if media == nil || media.Schema == nil || code == http.StatusNoContent {
		return c.NoContent(code)
	}
	return api.JSON(c, code, render(obj, media.Schema, synthBase(media.Schema, m.singletonOpts(c, key))))
}

func (m *Module) singletonOpts(c echo.Context, key string) synth.Options {
	return m.synthOpts(c, synth.Key(m.baseSeed(prefer{}), key, "singleton"))
}

// presentNames are the names obj has.
func presentNames(obj map[string]any, names []string) []string {
	var out []string
	for _, n := range names {
		if _, ok := obj[n]; ok {
			out = append(out, n)
		}
	}
	return out
}
