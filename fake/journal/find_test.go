package journal

import (
	"bytes"
	"fmt"
	"testing"
)

// TestKeepBodiesIsBounded: a journal that keeps bodies keeps every
// request's exchange with no watcher, within its byte total (the oldest go
// first), and an exchange leaves with its entry when the ring wraps.
func TestKeepBodiesIsBounded(t *testing.T) {
	t.Parallel()
	j := New(10)
	if j.Capturing() {
		t.Fatal("a new journal captures bodies")
	}
	j.KeepBodies(64, 1000)
	if !j.Capturing() || j.BodyLimit() != 64 {
		t.Fatalf("Capturing %v, BodyLimit %d after KeepBodies(64, 1000)", j.Capturing(), j.BodyLimit())
	}
	for i := range 30 {
		j.AddExchange(Entry{Path: fmt.Sprint(i)}, &Exchange{RequestBody: bytes.Repeat([]byte("x"), 60), RequestSize: i})
	}
	if j.exchangeBytes > 1000 || len(j.exchanges) > 10 {
		t.Fatalf("kept %d exchanges of %d bytes, want at most 10 and 1000", len(j.exchanges), j.exchangeBytes)
	}
	if w, _ := j.Lookup(30); w.Exchange == nil || w.Exchange.RequestSize != 29 {
		t.Fatalf("the newest exchange is not kept: %+v", w.Exchange)
	}
	j.KeepBodies(64, 100) // a total two bodies fill
	j.AddExchange(Entry{}, &Exchange{RequestBody: bytes.Repeat([]byte("y"), 60)})
	if len(j.exchanges) != 1 || j.exchangeBytes != 60 {
		t.Fatalf("kept %d exchanges of %d bytes over a total of 100", len(j.exchanges), j.exchangeBytes)
	}
	// Watching and stopping does not drop what KeepBodies keeps.
	_, _, stop := j.Watch(1)
	stop()
	if len(j.exchanges) != 1 {
		t.Fatal("the last watcher's stop dropped the kept exchanges")
	}
}

// TestFindPicksByMatch: Find and Count pick entries by method, path,
// operation, tenant, status and scenario rule, "*" spanning any run.
func TestFindPicksByMatch(t *testing.T) {
	t.Parallel()
	j := New(100)
	for _, e := range []Entry{
		{Method: "POST", Path: "/api/credentials/orgs/acme/users/admin/issuers/", OperationID: "credentials_orgs_users_issuers_create", Tenant: "acme", Status: 200},
		{Method: "POST", Path: "/api/credentials/orgs/beta/users/admin/issuers/", OperationID: "credentials_orgs_users_issuers_create", Tenant: "beta", Status: 400},
		{Method: "GET", Path: "/api/catalog/licenses/user/", OperationID: "catalog_licenses_user_list", Tenant: "acme", Status: 503, Scenario: "outage/all, slow/delay"},
		{Method: "GET", Path: "/nope", Status: 404},
	} {
		j.Add(e)
	}
	for _, tc := range []struct {
		m    Match
		want int
	}{
		{Match{}, 4},
		{Match{Operation: "credentials_orgs_users_issuers_create"}, 2},
		{Match{Operation: "credentials_orgs_users_issuers_create", Tenant: "acme", Status: 200}, 1},
		{Match{Operation: "credentials_*_create"}, 2},
		{Match{Operation: "*_list"}, 1},
		{Match{Method: "get"}, 2},
		{Match{Path: "/api/catalog/*"}, 1},
		{Match{Path: "/api/*/issuers/", Status: 400}, 1},
		{Match{Path: "/api/credentials/orgs/acme/users/admin/issuers"}, 0},
		{Match{Scenario: "slow"}, 1},
		{Match{Scenario: "outage/all"}, 1},
		{Match{Scenario: "outage/other"}, 0},
		{Match{Status: 404}, 1},
	} {
		if got := j.Count(tc.m); got != tc.want {
			t.Errorf("Count(%s) = %d, want %d", tc.m, got, tc.want)
		}
	}
	if got := j.Find(Match{Tenant: "acme"}); len(got) != 2 || got[0].Seq != 1 || got[1].Seq != 3 {
		t.Errorf("Find(tenant acme) = %+v, want seqs 1 and 3", got)
	}
}
