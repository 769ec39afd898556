package faketest

import (
	"path/filepath"
	"testing"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/fake/store"
)

// WithKeys binds the keys the multi-org tests use: key-acme (acme),
// key-other (other), key-both (acme and other), key-main (acme and
// main) and key-dm (a DM admin).
func WithKeys() []fake.Option {
	return []fake.Option{
		fake.WithAPIKey("key-dm", fake.DMAdmin),
		fake.WithAPIKey("key-acme", "acme"),
		fake.WithAPIKey("key-other", "other"),
		fake.WithAPIKey("key-both", "acme", "other"),
		fake.WithAPIKey("key-main", "acme", "main"),
	}
}

// Backends are the store backends every state test runs on.
var Backends = map[string]func(t testing.TB) store.Backend{
	"memory": func(testing.TB) store.Backend { return store.NewMemory() },
	"bolt": func(t testing.TB) store.Backend {
		b, err := store.OpenBolt(filepath.Join(t.TempDir(), "state.db"))
		if err != nil {
			t.Fatal(err)
		}
		return b
	},
}
