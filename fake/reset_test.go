package fake_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/fake/store"
	"github.com/iblfake/iblfake/internal/faketest"
)

// TestResetReturnsToTheSeed: POST /_fake/reset goes back to the start-up
// seed (before: to an empty store), ?to=empty empties it, and the next
// plain reset brings the seed back; on both stores.
func TestResetReturnsToTheSeed(t *testing.T) {
	t.Parallel()
	for name, open := range faketest.Backends {
		t.Run(name, func(t *testing.T) {
			c := faketest.NewClient(t, fake.WithStore(open(t)), fake.WithFixture(seedYAML), fake.WithSeed(7), fake.WithClockAt(seedAt))
			seeded := exportOf(t, c, "")
			c.CreateIssuer(t, "acme", "Made by a test")
			c.CreateIssuer(t, "initech", "Another org")
			c.Must(t, 200, "POST", "/_fake/clock", map[string]any{"advance": "48h"})
			faketest.JSONEq(t, c.Must(t, 200, "POST", "/_fake/reset", nil).Body, `{"reset": true, "to": "seed"}`)
			faketest.Equal(t, "state after reset", exportOf(t, c, "").Buckets, seeded.Buckets)
			faketest.Equal(t, "journal after reset", len(c.Srv.Journal().Entries()), 0)
			faketest.Equal(t, "clock after reset", c.Srv.Clock().Now(), seedAt)

			c.Must(t, 200, "POST", "/_fake/reset?to=empty", nil)
			faketest.Equal(t, "buckets after ?to=empty", len(exportOf(t, c, "").Buckets), 0)
			c.Must(t, 200, "POST", "/_fake/reset", nil)
			faketest.Equal(t, "state after the next reset", exportOf(t, c, "").Buckets, seeded.Buckets)

			faketest.JSONEq(t, c.Must(t, 400, "POST", "/_fake/reset?to=fixture", nil).Body,
				`{"to": ["\"fixture\" is neither \"seed\" (the start-up fixtures, seed files or demo) nor \"empty\"."]}`)
			faketest.Equal(t, "state after a refused reset", exportOf(t, c, "").Buckets, seeded.Buckets)
		})
	}
}

// TestResetOneTenant: POST /_fake/reset?tenant=ORG returns that org alone
// to its seeded state (before: the query was ignored and every tenant
// wiped), an org the seed lacks to nothing, and leaves every other
// tenant, the journal and the clock as they are; Server.ResetTenant is
// the same from Go.
func TestResetOneTenant(t *testing.T) {
	t.Parallel()
	for name, open := range faketest.Backends {
		t.Run(name, func(t *testing.T) {
			c := faketest.NewClient(t, fake.WithStore(open(t)), fake.WithFixture(seedYAML), fake.WithSeed(7), fake.WithClockAt(seedAt))
			acme := exportOf(t, c, "?tenant=acme")
			c.CreateIssuer(t, "acme", "Made by test A")
			ada := faketest.Page(t, c.Must(t, 200, "GET", "/api/credentials/orgs/acme/users/ada/assertions/", nil).Obj(t))
			c.Revoke(t, "acme", faketest.Str(t, ada[0], "entityId"), "changed by test A")
			c.CreateIssuer(t, "globex", "Made by test B")
			c.CreateIssuer(t, "initech", "Made by test C")
			globex := exportOf(t, c, "?tenant=globex")
			journal := len(c.Srv.Journal().Entries())

			faketest.JSONEq(t, c.Must(t, 200, "POST", "/_fake/reset?tenant=acme", nil).Body, `{"reset": true, "to": "seed", "tenant": "acme"}`)
			faketest.Equal(t, "acme after its reset", exportOf(t, c, "?tenant=acme").Buckets, acme.Buckets)
			faketest.Equal(t, "globex untouched", exportOf(t, c, "?tenant=globex").Buckets, globex.Buckets)
			faketest.Equal(t, "journal untouched", len(c.Srv.Journal().Entries()), journal)

			if err := c.Srv.ResetTenant("initech"); err != nil {
				t.Fatal(err)
			}
			faketest.Equal(t, "initech (not seeded) after its reset", len(exportOf(t, c, "?tenant=initech").Buckets), 0)
			c.Must(t, 200, "POST", "/_fake/reset?tenant=acme&to=empty", nil)
			faketest.Equal(t, "acme after ?to=empty", len(exportOf(t, c, "?tenant=acme").Buckets), 0)
			faketest.Equal(t, "globex still untouched", exportOf(t, c, "?tenant=globex").Buckets, globex.Buckets)
			c.Must(t, 400, "POST", "/_fake/reset?tenant=", nil)
		})
	}
}

// TestResetBuildsTheSeedOfAFilledStore: over a --db file that already held
// state at start-up the seed is not loaded, so the first reset builds it.
func TestResetBuildsTheSeedOfAFilledStore(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "iblfake.db")
	opts := []fake.Option{fake.WithFixture(seedYAML), fake.WithSeed(7), fake.WithClockAt(seedAt)}
	b, err := store.OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	first, err := fake.New(append(opts, fake.WithStore(b))...)
	if err != nil {
		t.Fatal(err)
	}
	seeded := exportJSON(t, first)
	first.Close()
	b, err = store.OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	c := faketest.NewClient(t, append(opts, fake.WithStore(b))...)
	c.CreateIssuer(t, "acme", "Kept across the restart")
	if string(exportJSON(t, c.Srv.Server)) == string(seeded) {
		t.Fatal("the issuer made after the restart is not in the state")
	}
	c.Must(t, 200, "POST", "/_fake/reset", nil)
	faketest.Equal(t, "state after reset", string(exportJSON(t, c.Srv.Server)), string(seeded))
}

// TestResetRebuildsTheDemo: the dashboard's "reset everything" (POST
// /_fake/reset) on a --demo fake gives the demo back, byte for byte
// (before: an empty fake until a restart).
func TestResetRebuildsTheDemo(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	c := faketest.NewClient(t, fake.WithDemo(), fake.WithSeed(42), fake.WithClockAt(at))
	before := exportJSON(t, c.Srv.Server)
	c.Must(t, 200, "POST", "/_fake/reset?tenant=demo&to=empty", nil)
	c.Must(t, 200, "POST", "/_fake/reset", nil)
	faketest.Equal(t, "the demo after reset", string(exportJSON(t, c.Srv.Server)), string(before))
}
