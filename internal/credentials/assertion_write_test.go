package credentials

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

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
// random assertion (seeded; new, then changed) is what the code before
// the one-buffer keys and entries stored: the assertion as encoding/json
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
