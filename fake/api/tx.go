package api

import (
	"encoding/json"

	"github.com/iblfake/iblfake/fake/store"
)

// Read runs fn in a read transaction of b and returns what it returns: the
// one shape of "open a transaction, capture a view".
func Read[T any](b store.Backend, fn func(tx store.Tx) (T, error)) (T, error) {
	var out T
	err := b.View(func(tx store.Tx) (err error) {
		out, err = fn(tx)
		return err
	})
	return out, err
}

// Write runs fn in a write transaction of b (committed when fn returns nil,
// rolled back otherwise) and returns what it returns.
func Write[T any](b store.Backend, fn func(tx store.Tx) (T, error)) (T, error) {
	var out T
	err := b.Update(func(tx store.Tx) (err error) {
		out, err = fn(tx)
		return err
	})
	return out, err
}

// AsObject renders a view (what a handler answers) as the JSON object a
// client sees, for scenario rules' when clauses and templates; ok is false
// for nil or a view that is not an object.
func AsObject(view any) (map[string]any, bool) {
	if view == nil {
		return nil, false
	}
	raw, err := json.Marshal(view)
	if err != nil {
		return nil, false
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil || m == nil {
		return nil, false
	}
	return m, true
}
