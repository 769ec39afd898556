// Package state is the fake's state as a document: the whole store, or one
// tenant's part of it, exported and imported in one transaction (GET and
// PUT /_fake/state), and fixtures, the same document in YAML or JSON
// (--fixture), made by an export (MarshalYAML renders one readably).
// Which entries are whose is each domain module's store.Scope list; every
// document is checked (Check) against what the modules declare (Schema):
// buckets that exist and indexes that agree with their entities, so a
// document written by hand without its index entries is refused rather
// than loaded unseen. Entities written by hand belong in a seed file
// (package fake/seed), which the handlers turn into state.
package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"unicode/utf8"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
)

// Format names the layout of a State document. A document that names
// another format is refused.
const Format = "iblfake-state/1"

// SeedFormat names the other document a fixture may be: a seed file
// (package fake/seed), entities written by hand that the handlers turn
// into state. ParseFixture answers ErrSeedDocument for one.
const SeedFormat = "iblfake-seed/1"

// ErrSeedDocument is ParseFixture's answer for a document whose format is
// SeedFormat: a seed, for package fake/seed to parse.
var ErrSeedDocument = errors.New("state: a seed document (format " + SeedFormat + ")")

// MaxBytes bounds a state document (a PUT /_fake/state body, a fixture
// file), well above the vendor routes' body limit since a prepared tenant
// can be large.
const MaxBytes = 256 << 20

// State is every bucket of the store, as GET /_fake/state answers it and
// PUT /_fake/state takes it:
//
//	{"format": "iblfake-state/1",
//	 "buckets": {"cred.issuers": {"<entityId>": {...entity...}}, ...},
//	 "sequences": {"cred.issuers": 3, ...}}
//
// A value that is a JSON object or array in the store appears as that JSON;
// any other value (an index entry's entityId, say) appears as a JSON string
// of its bytes. Sequences are the buckets' NextSequence counters, so ids
// and index keys made after an import never collide with imported ones.
// Empty buckets with no sequence are left out: they cannot be told apart
// from missing ones.
//
// With Tenant set, the document holds that tenant's entries only
// (ExportTenantState) and importing it replaces that tenant alone.
type State struct {
	Format    string                                `json:"format"`
	Tenant    string                                `json:"tenant,omitempty"`
	Buckets   map[string]map[string]json.RawMessage `json:"buckets"`
	Sequences map[string]uint64                     `json:"sequences"`
}

// Export exports the entries of tx that keep holds (nil: all of them) and
// every sequence, but those of the buckets sch keeps private.
func Export(tx store.Tx, sch *Schema, keep map[string]map[string]bool) (*State, error) {
	st := &State{Format: Format, Buckets: map[string]map[string]json.RawMessage{}, Sequences: map[string]uint64{}}
	for _, name := range tx.Buckets() {
		if sch.private(name) {
			continue
		}
		items := map[string]json.RawMessage{}
		var bad error
		tx.Scan(name, "", false, func(k string, v []byte) bool {
			if keep != nil && !keep[name][k] {
				return true
			}
			if !utf8.ValidString(k) {
				bad = fmt.Errorf("export: bucket %q: key %q is not UTF-8", name, k)
				return false
			}
			raw, err := encodeStateValue(v)
			if err != nil {
				bad = fmt.Errorf("export: %s/%q: %w", name, k, err)
				return false
			}
			items[k] = raw
			return true
		})
		if bad != nil {
			return nil, bad
		}
		if len(items) > 0 {
			st.Buckets[name] = items
		}
		if n := tx.Sequence(name); n > 0 {
			st.Sequences[name] = n
		}
	}
	return st, nil
}

// Import replaces the whole of b with st in one transaction (but the
// buckets sch keeps private), or, when st.Tenant is set, that tenant's
// entries alone (which sch's scopes decide). A document Check refuses, or
// an otherwise invalid one, changes nothing and comes back as a 400
// *api.Error.
func Import(b store.Backend, st *State, sch *Schema) error {
	if st.Format != "" && st.Format != Format {
		return api.Field("format", fmt.Sprintf("%q is not %q.", st.Format, Format))
	}
	var scopes []store.Scope
	if sch != nil {
		scopes = sch.Scopes
	}
	type kv struct {
		key string
		val []byte
	}
	decoded := map[string][]kv{}
	names := make([]string, 0, len(st.Buckets))
	for _, name := range slices.Sorted(maps.Keys(st.Buckets)) {
		items := st.Buckets[name]
		if name == "" {
			return api.Field("buckets", "A bucket name may not be empty.")
		}
		if err := store.CheckBucket(name); err != nil {
			return api.Field("buckets", fmt.Sprintf("Bucket %.80q cannot be written: %v.", name, err))
		}
		names = append(names, name)
		for _, k := range slices.Sorted(maps.Keys(items)) {
			raw := items[k]
			if k == "" {
				return api.Field("buckets", fmt.Sprintf("Bucket %q has an empty key.", name))
			}
			if err := store.CheckKey(k); err != nil {
				return api.Field("buckets", fmt.Sprintf("Bucket %q has a key of %d bytes: %v.", name, len(k), err))
			}
			v, err := decodeStateValue(raw)
			if err != nil {
				return api.Field("buckets", fmt.Sprintf("%s/%q: %v", name, k, err))
			}
			decoded[name] = append(decoded[name], kv{k, v})
		}
	}
	for _, name := range slices.Sorted(maps.Keys(st.Sequences)) {
		if name == "" {
			return api.Field("sequences", "A bucket name may not be empty.")
		}
		if err := store.CheckBucket(name); err != nil {
			return api.Field("sequences", fmt.Sprintf("Bucket %.80q cannot be written: %v.", name, err))
		}
	}
	sort.Strings(names) // bbolt writes sorted keys fastest; memory does not care
	if st.Tenant != "" {
		entries := map[string]map[string][]byte{}
		for name, items := range decoded {
			entries[name] = map[string][]byte{}
			for _, it := range items {
				entries[name][it.key] = it.val
			}
		}
		if err := checkTenant(scopes, st.Tenant, entries); err != nil {
			return err
		}
	}
	if p := Check(st, sch); p != nil {
		field := "buckets"
		if p.Sequence {
			field = "sequences"
		}
		return api.Field(field, p.Error())
	}
	err := b.Update(func(tx store.Tx) error {
		if st.Tenant == "" {
			for _, bk := range tx.Buckets() {
				if sch.private(bk) {
					continue
				}
				if err := tx.DeleteBucket(bk); err != nil {
					return err
				}
			}
		} else {
			mine := TenantKeys(tx, scopes, st.Tenant)
			// A key another tenant holds is refused, not overwritten (a
			// document from another fake whose catalog ids ran elsewhere).
			for _, name := range names {
				for _, it := range decoded[name] {
					if tx.Get(name, it.key) != nil && !mine[name][it.key] {
						return api.Field("buckets", fmt.Sprintf("%s/%q is another tenant's entry; importing would overwrite it.", name, it.key))
					}
				}
			}
			for bk, keys := range mine {
				for k := range keys {
					if err := tx.Delete(bk, k); err != nil {
						return err
					}
				}
			}
		}
		for _, name := range names {
			items := decoded[name]
			sort.Slice(items, func(i, j int) bool { return items[i].key < items[j].key })
			for _, it := range items {
				if err := tx.Put(name, it.key, it.val); err != nil {
					return err
				}
			}
		}
		for name, n := range st.Sequences {
			if st.Tenant != "" {
				// Other tenants' ids stay unique: a sequence never goes back.
				n = max(n, tx.Sequence(name))
			}
			if err := tx.SetSequence(name, n); err != nil {
				return err
			}
		}
		return nil
	})
	var ae *api.Error
	if errors.As(err, &ae) {
		return ae // a refusal found inside the transaction, which rolled back
	}
	if err != nil {
		return fmt.Errorf("import state: %w", err)
	}
	return nil
}

// encodeStateValue is a stored value as State shows it: compact JSON
// objects and arrays as themselves, anything else as a JSON string.
func encodeStateValue(v []byte) (json.RawMessage, error) {
	if len(v) > 0 && (v[0] == '{' || v[0] == '[') && json.Valid(v) {
		var buf bytes.Buffer
		if err := json.Compact(&buf, v); err == nil && bytes.Equal(buf.Bytes(), v) {
			return json.RawMessage(bytes.Clone(v)), nil
		}
	}
	if !utf8.Valid(v) {
		return nil, errors.New("value is not UTF-8")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(string(v)); err != nil {
		return nil, err
	}
	return json.RawMessage(bytes.TrimRight(buf.Bytes(), "\n")), nil
}

// decodeStateValue is the inverse of encodeStateValue.
func decodeStateValue(raw json.RawMessage) ([]byte, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, errors.New("missing value")
	}
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		return []byte(s), nil
	case '{', '[':
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	default:
		return nil, errors.New("a value must be a JSON object, array or string")
	}
}
