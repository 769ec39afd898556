package credentials

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/iblfake/iblfake/fake/api"
	"github.com/iblfake/iblfake/fake/store"
)

// legacyAssertionIndex is encodeAssertionIndex as it was before entries
// were appended into one buffer: the fields joined with strings.Join.
func legacyAssertionIndex(a *Assertion) []byte {
	rev, exp, course := "0", "0", ""
	if a.Revoked {
		rev = "1"
	}
	if a.ExpiresAt != nil {
		exp = strconv.FormatInt(a.ExpiresAt.UnixMicro(), 10)
	}
	if a.Course != nil {
		course = a.Course.ID
	}
	return []byte(strings.Join([]string{a.EntityID, a.CredentialID, rev, exp,
		strconv.FormatInt(a.IssuedOn.UnixMicro(), 10), course}, sep))
}

// TestPutAssertionWritesLegacyEntries: what putAssertion stores for a
// random assertion (seeded; new, then changed; every field drawn, in
// random time zones) is what the code before the one-buffer keys and
// entries and marshalAssertion stored: the assertion as json.Marshal
// encodes it, and under key(tenant, username, SeqKey(seq)) and
// key(credential, SeqKey(seq)) the strings.Join entry; on both backends,
// and the two index entries stay independent of each other's buffer.
func TestPutAssertionWritesLegacyEntries(t *testing.T) {
	for _, backend := range []string{"memory", "bolt"} {
		t.Run(backend, func(t *testing.T) {
			var st store.Backend = store.NewMemory()
			if backend == "bolt" {
				b, err := store.OpenBolt(filepath.Join(t.TempDir(), "put.db"))
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { b.Close() })
				st = b
			}
			w := &world{rng: rand.New(rand.NewPCG(26, 3)), st: st, ids: api.NewIDs(26), issuers: map[string][]*Issuer{}}
			var all []*Assertion
			for round := range 400 {
				a := w.randomAssertion()
				spice(w.rng, a)
				isNew := len(all) == 0 || w.rng.IntN(3) > 0
				if !isNew { // an earlier assertion changed in place
					old := all[w.rng.IntN(len(all))]
					a.EntityID, a.Seq, a.Tenant, a.Recipient.Username, a.CredentialID = old.EntityID, old.Seq, old.Tenant, old.Recipient.Username, old.CredentialID
					*old = *a
					a = old
				}
				if err := st.Update(func(tx store.Tx) error { return putAssertion(tx, a, isNew) }); err != nil {
					t.Fatal(err)
				}
				if isNew {
					all = append(all, a)
				}
				x := all[w.rng.IntN(len(all))]
				_ = st.View(func(tx store.Tx) error {
					s := api.SeqKey(x.Seq)
					want := legacyAssertionIndex(x)
					for _, kv := range [][2]string{
						{bktAssertionsByUser, key(x.Tenant, x.Recipient.Username, s)},
						{bktAssertionsByCred, key(x.CredentialID, s)},
					} {
						if got := tx.Get(kv[0], kv[1]); !bytes.Equal(got, want) {
							t.Fatalf("round %d, %s %q: %q, want %q", round, kv[0], kv[1], got, want)
						}
					}
					wantJSON, _ := json.Marshal(x)
					if got := tx.Get(bktAssertions, x.EntityID); !bytes.Equal(got, wantJSON) {
						t.Fatalf("round %d, stored:\n%s\nencoding/json:\n%s", round, got, wantJSON)
					}
					return nil
				})
			}
		})
	}
}

// spice draws what randomAssertion leaves plain: a pathway, a catalog
// item, odd reference ids, times in other zones and at other precisions.
func spice(rng *rand.Rand, a *Assertion) {
	zones := []*time.Location{time.UTC, time.FixedZone("", 0), time.FixedZone("x", 5*3600+1800), time.FixedZone("y", -8*3600), time.FixedZone("z", 23*3600+59*60)}
	zone := zones[rng.IntN(len(zones))]
	a.IssuedOn = a.IssuedOn.In(zone).Add(time.Duration(rng.IntN(3)) * time.Duration(rng.Int64N(1e9)))
	if a.ExpiresAt != nil {
		t := a.ExpiresAt.In(zones[rng.IntN(len(zones))])
		a.ExpiresAt = &t
	}
	if rng.IntN(2) == 0 {
		a.Pathway = &Ref{ID: odd(rng), Name: optString(rng)}
	}
	if a.Course != nil && rng.IntN(3) == 0 {
		a.Course.ID = odd(rng)
	}
	a.CatalogItem = optString(rng)
	a.Seq = rng.Uint64() >> rng.IntN(64)
}

// TestMarshalAssertionRefusesWhatEncodingJSONRefuses: a time json.Marshal
// refuses (a year past 9999) fails marshalAssertion too, and a time at
// the range's ends is written as json.Marshal writes it.
func TestMarshalAssertionRefusesWhatEncodingJSONRefuses(t *testing.T) {
	for _, at := range []time.Time{
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(0, 1, 1, 0, 0, 0, 0, time.FixedZone("", -3600)),
	} {
		for _, expiry := range []bool{false, true} {
			a := &Assertion{EntityID: "e", IssuedOn: time.Unix(0, 0).UTC()}
			if expiry {
				a.ExpiresAt = &at
			} else {
				a.IssuedOn = at
			}
			want, wantErr := json.Marshal(a)
			got, err := marshalAssertion(a)
			if (err != nil) != (wantErr != nil) || !bytes.Equal(got, want) {
				t.Fatalf("%v (expiry %v): %s, %v; json.Marshal: %s, %v", at, expiry, got, err, want, wantErr)
			}
		}
	}
}

// TestRefNameIsSplit: refName (strings.Cut) names every id as the
// strings.Split version before it did, over random ids of ':' and '+'.
func TestRefNameIsSplit(t *testing.T) {
	legacy := func(id string) *string {
		s := id
		if i := strings.Index(s, ":"); i >= 0 {
			s = s[i+1:]
		}
		parts := strings.Split(s, "+")
		name := parts[0]
		if len(parts) > 1 {
			name = parts[1]
		}
		if name == "" {
			return nil
		}
		return &name
	}
	rng := rand.New(rand.NewPCG(26, 8))
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(8) {
			b.WriteString([]string{"+", ":", "a", "course-v1", "B"}[rng.IntN(5)])
		}
		id := b.String()
		got, want := refName(id), legacy(id)
		if (got == nil) != (want == nil) || (got != nil && *got != *want) {
			t.Fatalf("refName(%q) = %v, legacy %v", id, got, want)
		}
	}
}
