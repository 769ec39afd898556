package fake_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// soakLedger is every write the fake acknowledged (answered 2xx), to check
// after each kill and restart.
type soakLedger struct {
	mu          sync.Mutex
	issuers     map[string]bool
	credentials map[string]bool
	assertions  map[string]bool
	revoked     map[string]bool
	licenses    map[string]bool // user license ids
	seats       map[string]bool // "license/assignment" acknowledged assigned
	unseated    map[string]bool // "license/assignment" acknowledged deleted
	// unanswered holds seats whose DELETE was sent but never answered (the
	// process was killed): it may or may not have committed, so the seat
	// may be present or absent after the restart.
	unanswered map[string]bool
	requests   atomic.Int64
	acked      atomic.Int64
}

func (l *soakLedger) add(m map[string]bool, id string) {
	l.mu.Lock()
	m[id] = true
	l.mu.Unlock()
	l.acked.Add(1)
}

// note records id in m without counting it as an acknowledged write.
func (l *soakLedger) note(m map[string]bool, id string) {
	l.mu.Lock()
	m[id] = true
	l.mu.Unlock()
}

// size is len(m), read under the ledger's lock (workers write m).
func (l *soakLedger) size(m map[string]bool) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(m)
}

// pick returns a random acknowledged id of m, or "".
func (l *soakLedger) pick(rng *rand.Rand, m map[string]bool) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(m) == 0 {
		return ""
	}
	n := rng.IntN(len(m))
	for id := range m {
		if n == 0 {
			return id
		}
		n--
	}
	return ""
}

// TestSoakKillRestart drives mixed writes from many clients against the real
// binary on a bbolt file, kills it with SIGKILL at random moments, restarts
// it, and checks the invariants after every restart: every acknowledged
// write is present (and every acknowledged revocation), no assertion
// without its credential, no index entry without its entity, and no entity
// numbered above its bucket's sequence (sequences are never reused).
//
// The default run is short (CI); IBLFAKE_SOAK=2m runs longer.
func TestSoakKillRestart(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("soak: not in -short")
	}
	total := 4 * time.Second
	if v := os.Getenv("IBLFAKE_SOAK"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("IBLFAKE_SOAK=%q: %v", v, err)
		}
		total = d
	}
	bin := buildBinary(t)
	db := filepath.Join(t.TempDir(), "soak.db")
	l := &soakLedger{issuers: map[string]bool{}, credentials: map[string]bool{},
		assertions: map[string]bool{}, revoked: map[string]bool{}, licenses: map[string]bool{},
		seats: map[string]bool{}, unseated: map[string]bool{}, unanswered: map[string]bool{}}
	rng := rand.New(rand.NewPCG(1, 2))
	deadline := time.Now().Add(total)
	kills := 0
	for cycle := 0; time.Now().Before(deadline); cycle++ {
		p := startProc(t, bin, true, "--db", db, "--addr", "127.0.0.1:0", "--log-level", "info")
		soakVerify(t, p.url, l)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func(seed uint64) {
				defer wg.Done()
				soakWorker(p.url, l, rand.New(rand.NewPCG(seed, uint64(cycle))), stop)
			}(uint64(w))
		}
		time.Sleep(time.Duration(150+rng.IntN(500)) * time.Millisecond)
		_ = p.cmd.Process.Kill() // SIGKILL, mid-load
		<-p.done
		close(stop)
		wg.Wait()
		kills++
	}
	p := startProc(t, bin, true, "--db", db, "--addr", "127.0.0.1:0", "--log-level", "info")
	n := soakVerify(t, p.url, l)
	t.Logf("soak %s: %d requests, %d acknowledged writes, %d kills survived, %d entities verified after the last restart (%d seat assignments, %d seat deletions, %d deletions cut off by a kill)",
		total, l.requests.Load(), l.acked.Load(), kills, n, len(l.seats), len(l.unseated), len(l.unanswered))
	if kills < 2 || l.acked.Load() < 50 {
		t.Fatalf("the soak held too little load to prove anything: %d kills, %d writes", kills, l.acked.Load())
	}
}

const soakBase = "/api/credentials/orgs/soak/users/admin"

// soakWorker sends mixed writes until stop or the process dies.
func soakWorker(url string, l *soakLedger, rng *rand.Rand, stop chan struct{}) {
	hc := &http.Client{Timeout: 5 * time.Second}
	for {
		select {
		case <-stop:
			return
		default:
		}
		l.requests.Add(1)
		var err error
		switch r := rng.IntN(10); {
		case r == 1 && rng.IntN(3) == 0 || l.size(l.licenses) == 0:
			var st int
			var out map[string]any
			st, out, err = post(hc, url+"/api/catalog/licenses/user/create/",
				map[string]any{"platform_key": "soak", "name": "Seats", "count": 10})
			if err == nil && st == 200 {
				l.add(l.licenses, fmt.Sprint(out["id"]))
			}
		case r == 1 && rng.IntN(2) == 0:
			lic := l.pick(rng, l.licenses)
			var st int
			var out map[string]any
			st, out, err = post(hc, url+"/api/catalog/licenses/user/assignment/", map[string]any{
				"license_id": json.Number(lic), "platform_key": "soak", "email": fmt.Sprintf("s%d@soak.test", rng.IntN(1000))})
			if err == nil && st == 200 {
				l.add(l.seats, lic+"/"+fmt.Sprint(out["id"]))
			}
		case r == 1:
			seat := l.pick(rng, l.seats)
			if seat == "" {
				continue
			}
			lic, id, _ := strings.Cut(seat, "/")
			req, _ := http.NewRequest(http.MethodDelete, url+"/api/catalog/licenses/user/assignment/?platform_key=soak&license_id="+lic+"&assignment_id="+id, nil)
			req.Header.Set("Authorization", "Api-Token k")
			var resp *http.Response
			resp, err = hc.Do(req)
			if err != nil {
				l.note(l.unanswered, seat)
				break
			}
			_, rerr := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			switch {
			case rerr != nil:
				l.note(l.unanswered, seat)
			case resp.StatusCode == 200:
				l.add(l.unseated, seat)
			}
		case r == 0 || l.size(l.issuers) == 0:
			var st int
			var out map[string]any
			st, out, err = post(hc, url+soakBase+"/issuers/", map[string]any{"name": "Soak U"})
			if err == nil && st == 200 {
				l.add(l.issuers, out["result"].(map[string]any)["entityId"].(string))
			}
		case r <= 2:
			is := l.pick(rng, l.issuers)
			var st int
			var out map[string]any
			st, out, err = post(hc, url+soakBase+"/", map[string]any{"name": "C", "issuer": is,
				"expires": map[string]any{"amount": 30, "duration": "days"}})
			if err == nil && st == 200 {
				l.add(l.credentials, out["result"].(map[string]any)["entityId"].(string))
			}
		case r <= 6:
			cr := l.pick(rng, l.credentials)
			if cr == "" {
				continue
			}
			var st int
			var out map[string]any
			st, out, err = post(hc, url+soakBase+"/"+cr+"/assertions/",
				map[string]any{"recipient": map[string]any{"identity": fmt.Sprintf("u%d", rng.IntN(50))}})
			if err == nil && st == 200 {
				l.add(l.assertions, out["entityId"].(string))
			}
		case r <= 7:
			cr := l.pick(rng, l.credentials)
			if cr == "" {
				continue
			}
			users := []string{}
			for i := 0; i < 20; i++ {
				users = append(users, fmt.Sprintf("bulk%d", rng.IntN(200)))
			}
			var st int
			st, _, err = post(hc, url+soakBase+"/"+cr+"/assertions/bulk/", map[string]any{"users": users})
			if err == nil && st == 200 {
				l.acked.Add(1) // its assertions are checked through the index invariants
			}
		default:
			a := l.pick(rng, l.assertions)
			if a == "" {
				continue
			}
			raw, _ := json.Marshal(map[string]any{"revoked": true, "revocationReason": "soak"})
			req, _ := http.NewRequest(http.MethodPut, url+soakBase+"/assertions/"+a, bytesReader(raw))
			req.Header.Set("Authorization", "Api-Token k")
			req.Header.Set("Content-Type", "application/json")
			var resp *http.Response
			resp, err = hc.Do(req)
			if err == nil {
				var body map[string]any
				derr := json.NewDecoder(resp.Body).Decode(&body)
				resp.Body.Close()
				if resp.StatusCode == 200 && derr == nil {
					l.add(l.revoked, a)
				}
			}
		}
		if err != nil {
			return // the process is gone
		}
	}
}

// soakVerify checks the invariants on the exported state; it returns how
// many entities it checked.
func soakVerify(t *testing.T, url string, l *soakLedger) int {
	t.Helper()
	resp, err := http.Get(url + "/_fake/state")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st struct {
		Buckets   map[string]map[string]json.RawMessage `json:"buckets"`
		Sequences map[string]uint64                     `json:"sequences"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	type entity struct {
		Seq          uint64 `json:"seq"`
		CredentialID string `json:"credential_id"`
		Revoked      bool   `json:"revoked"`
	}
	load := func(bucket string) map[string]entity {
		out := map[string]entity{}
		for k, raw := range st.Buckets[bucket] {
			var e entity
			if err := json.Unmarshal(raw, &e); err != nil {
				t.Fatalf("%s/%s: %v", bucket, k, err)
			}
			if e.Seq > st.Sequences[bucket] {
				t.Errorf("%s/%s has seq %d above the bucket's sequence %d: a sequence was reused", bucket, k, e.Seq, st.Sequences[bucket])
			}
			out[k] = e
		}
		return out
	}
	issuers, creds, asserts := load("cred.issuers"), load("cred.credentials"), load("cred.assertions")
	l.mu.Lock()
	defer l.mu.Unlock()
	for id := range l.issuers {
		if _, ok := issuers[id]; !ok {
			t.Errorf("acknowledged issuer %s lost", id)
		}
	}
	for id := range l.credentials {
		if _, ok := creds[id]; !ok {
			t.Errorf("acknowledged credential %s lost", id)
		}
	}
	for id := range l.assertions {
		if _, ok := asserts[id]; !ok {
			t.Errorf("acknowledged assertion %s lost", id)
		}
	}
	for id := range l.revoked {
		if !asserts[id].Revoked {
			t.Errorf("acknowledged revocation of %s lost", id)
		}
	}
	type assignment struct {
		ID        int64 `json:"id"`
		LicenseID int64 `json:"license_id"`
		Active    bool  `json:"active"`
	}
	type license struct {
		ID    int64 `json:"id"`
		Count int   `json:"count"`
	}
	activeSeats := map[int64]int{}
	present := map[string]bool{}
	for _, raw := range st.Buckets["catalog.assignments.user"] {
		var a assignment
		_ = json.Unmarshal(raw, &a)
		present[fmt.Sprintf("%d/%d", a.LicenseID, a.ID)] = true
		if a.Active {
			activeSeats[a.LicenseID]++
		}
		if uint64(a.ID) > st.Sequences["catalog.assignments.user"] {
			t.Errorf("assignment %d above its sequence %d: a sequence was reused", a.ID, st.Sequences["catalog.assignments.user"])
		}
	}
	licenses := map[string]license{}
	for _, raw := range st.Buckets["catalog.licenses.user"] {
		var lc license
		_ = json.Unmarshal(raw, &lc)
		licenses[fmt.Sprint(lc.ID)] = lc
		if activeSeats[lc.ID] > lc.Count {
			t.Errorf("license %d has %d active seats, more than its count %d", lc.ID, activeSeats[lc.ID], lc.Count)
		}
	}
	for id := range l.licenses {
		if _, ok := licenses[id]; !ok {
			t.Errorf("acknowledged license %s lost", id)
		}
	}
	for seat := range l.seats {
		if !l.unseated[seat] && !l.unanswered[seat] && !present[seat] {
			t.Errorf("acknowledged seat assignment %s lost", seat)
		}
	}
	for seat := range l.unseated {
		if present[seat] {
			t.Errorf("acknowledged seat deletion %s undone", seat)
		}
	}
	// The API's usage_count is the stored active seat count.
	if len(licenses) > 0 {
		req, _ := http.NewRequest(http.MethodGet, url+"/api/catalog/licenses/user/?platform_key=soak&page_size=1000", nil)
		req.Header.Set("Authorization", "Api-Token k")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var page struct {
			Results []struct {
				ID         int64 `json:"id"`
				UsageCount int   `json:"usage_count"`
			} `json:"results"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		for _, r := range page.Results {
			if r.UsageCount != activeSeats[r.ID] {
				t.Errorf("license %d: usage_count %d, but %d active assignments stored", r.ID, r.UsageCount, activeSeats[r.ID])
			}
		}
	}
	for id, a := range asserts {
		if _, ok := creds[a.CredentialID]; !ok {
			t.Errorf("assertion %s without its credential %s", id, a.CredentialID)
		}
	}
	for _, idx := range []struct{ bucket, primary string }{
		{"cred.assertions_by_user", "cred.assertions"}, {"cred.assertions_by_credential", "cred.assertions"},
		{"cred.credentials_by_tenant", "cred.credentials"}, {"cred.issuers_by_tenant", "cred.issuers"},
	} {
		for k, raw := range st.Buckets[idx.bucket] {
			var v string
			_ = json.Unmarshal(raw, &v)
			id := v
			for i := 0; i < len(v); i++ {
				if v[i] == 0 {
					id = v[:i]
					break
				}
			}
			if _, ok := st.Buckets[idx.primary][id]; !ok {
				t.Errorf("index %s/%q points at missing %s", idx.bucket, k, id)
			}
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	return len(issuers) + len(creds) + len(asserts) + len(licenses) + len(present)
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
