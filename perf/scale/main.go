// Command scale measures iblfake on a large bbolt data set (issue 7):
//
//	go run ./perf/scale [-db FILE] [-users 10000] [-credentials 1000] [-assertions 1000000] [-cpuprofile FILE]
//
// It builds the data set through the fake's own bulk-issue endpoint (so
// every index is the real one), printing progress, then measures over
// loopback, one request at a time, the p50/p99 of: one user's assertion
// page, the public assertion read, a credential's assertion count (its list
// with page_size=1), and a bulk issue to 1,000 new users in one request.
// Reusing -db skips building when the file already holds the data set.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"time"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/fake/store"
)

const org = "scale"

// profile is the -cpuprofile file, empty for none.
var profile string

func main() {
	db := flag.String("db", "", "bbolt file (default: a temporary one, removed afterwards)")
	users := flag.Int("users", 10000, "distinct recipients")
	creds := flag.Int("credentials", 1000, "credentials the assertions spread over")
	total := flag.Int("assertions", 1_000_000, "assertions to build")
	samples := flag.Int("samples", 2000, "requests measured per figure")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the measured requests to this file")
	flag.Parse()
	profile = *cpuprofile
	if err := run(*db, *users, *creds, *total, *samples); err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(1)
	}
}

type client struct {
	base string
	hc   *http.Client
}

func (c *client) do(method, path string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	req.Header.Set("Authorization", "Api-Token scale")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, raw, err
}

func (c *client) json(method, path string, body any, out any) error {
	st, raw, err := c.do(method, path, body)
	if err != nil {
		return err
	}
	if st != 200 {
		return fmt.Errorf("%s %s: %d %s", method, path, st, raw)
	}
	return json.Unmarshal(raw, out)
}

func run(db string, nUsers, nCreds, total, samples int) error {
	if db == "" {
		dir, err := os.MkdirTemp("", "iblfake-scale-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		db = filepath.Join(dir, "scale.db")
	}
	opened := time.Now()
	st, err := store.OpenBolt(db)
	if err != nil {
		return err
	}
	if fi, err := os.Stat(db); err == nil {
		fmt.Printf("== opened %s (%s) in %s\n", filepath.Base(db), mb(fi.Size()), time.Since(opened).Round(time.Millisecond))
	}
	srv, err := fake.New(fake.WithStore(st), fake.WithSeed(1))
	if err != nil {
		return err
	}
	defer srv.Close()
	hs := httptest.NewServer(srv.Handler())
	defer hs.Close()
	c := &client{base: hs.URL + "/api/credentials/orgs/" + org + "/users/admin", hc: hs.Client()}

	var list struct {
		Result struct {
			Count int `json:"count"`
			Data  []struct {
				EntityID string `json:"entityId"`
			} `json:"data"`
		} `json:"result"`
	}
	credIDs := []string{}
	for page := 1; ; page++ {
		if err := c.json("GET", fmt.Sprintf("/?page_size=100&page=%d", page), nil, &list); err != nil {
			break
		}
		for _, d := range list.Result.Data {
			credIDs = append(credIDs, d.EntityID)
		}
		if len(credIDs) >= list.Result.Count {
			break
		}
	}
	if len(credIDs) < nCreds {
		if err := build(c, nUsers, nCreds, total); err != nil {
			return err
		}
		credIDs = credIDs[:0]
		for page := 1; len(credIDs) < nCreds; page++ {
			if err := c.json("GET", fmt.Sprintf("/?page_size=100&page=%d", page), nil, &list); err != nil {
				return err
			}
			for _, d := range list.Result.Data {
				credIDs = append(credIDs, d.EntityID)
			}
		}
	} else {
		fmt.Printf("== reusing %s (%d credentials)\n", db, len(credIDs))
	}
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	return measure(c, hs.URL, credIDs, nUsers, samples, db)
}

// build makes the data set: nCreds credentials, each bulk-issued to a
// window of users, until total assertions exist.
func build(c *client, nUsers, nCreds, total int) error {
	start := time.Now()
	fmt.Printf("== building %d assertions across %d users and %d credentials\n", total, nUsers, nCreds)
	var is struct {
		Result struct {
			EntityID string `json:"entityId"`
		} `json:"result"`
	}
	if err := c.json("POST", "/issuers/", map[string]any{"name": "Scale University"}, &is); err != nil {
		return err
	}
	perCred := total / nCreds
	issued := 0
	lastPrint := time.Now()
	for i := 0; i < nCreds; i++ {
		var cr struct {
			Result struct {
				EntityID string `json:"entityId"`
			} `json:"result"`
		}
		body := map[string]any{"name": fmt.Sprintf("Credential %04d", i), "issuer": is.Result.EntityID,
			"courses": []string{fmt.Sprintf("course-v1:scale+C%04d+2026", i)}}
		if err := c.json("POST", "/", body, &cr); err != nil {
			return err
		}
		// Credential i goes to perCred consecutive users starting at a
		// rotating offset, so every user ends up with about total/nUsers.
		for done := 0; done < perCred; done += 1000 {
			n := min(1000, perCred-done)
			users := make([]string, n)
			for k := range users {
				users[k] = fmt.Sprintf("user%05d", (i*perCred+done+k)%nUsers)
			}
			var out struct {
				Issued []string `json:"issued"`
			}
			if err := c.json("POST", "/"+cr.Result.EntityID+"/assertions/bulk/", map[string]any{"users": users}, &out); err != nil {
				return err
			}
			issued += len(out.Issued)
		}
		if time.Since(lastPrint) > 5*time.Second || i == nCreds-1 {
			rate := float64(issued) / time.Since(start).Seconds()
			fmt.Printf("   %d/%d credentials, %d assertions, %.0f assertions/s, %s\n", i+1, nCreds, issued, rate,
				time.Since(start).Round(time.Second))
			lastPrint = time.Now()
		}
	}
	fmt.Printf("== built %d assertions in %s\n", issued, time.Since(start).Round(time.Millisecond))
	return nil
}

func measure(c *client, root string, credIDs []string, nUsers, samples int, db string) error {
	rng := rand.New(rand.NewPCG(7, 7))
	timeIt := func(name string, n int, fn func(i int) error) error {
		lat := make([]time.Duration, 0, n)
		for i := 0; i < n; i++ {
			t0 := time.Now()
			if err := fn(i); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			lat = append(lat, time.Since(t0))
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		p50, p99 := lat[len(lat)/2], lat[min(len(lat)*99/100, len(lat)-1)]
		fmt.Printf("| %s | %d | %.2f ms | %.2f ms |\n", name, n,
			float64(p50.Microseconds())/1000, float64(p99.Microseconds())/1000)
		return nil
	}
	var ids []string
	orgRoot := root + "/api/credentials/orgs/" + org + "/users/"
	get := func(url string) error {
		req, _ := http.NewRequest("GET", url, nil)
		req.Header.Set("Authorization", "Api-Token scale")
		resp, err := c.hc.Do(req)
		if err != nil {
			return err
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return fmt.Errorf("GET %s: %d %s", url, resp.StatusCode, raw)
		}
		if len(ids) < 500 && bytes.Contains(raw, []byte(`"entityId"`)) {
			var pg struct {
				Data []struct {
					EntityID string `json:"entityId"`
				} `json:"data"`
			}
			if json.Unmarshal(raw, &pg) == nil {
				for _, d := range pg.Data {
					ids = append(ids, d.EntityID)
				}
			}
		}
		return nil
	}
	fi, _ := os.Stat(db)
	fmt.Printf("\n## Scale on bbolt (%s file)\n\n| request | samples | p50 | p99 |\n|---|---|---|---|\n", mb(fi.Size()))
	if err := timeIt("one user's assertion page", samples, func(int) error {
		return get(fmt.Sprintf("%suser%05d/assertions/?page_size=10", orgRoot, rng.IntN(nUsers)))
	}); err != nil {
		return err
	}
	if len(ids) == 0 {
		return fmt.Errorf("no assertion ids collected")
	}
	if err := timeIt("public assertion read", samples, func(int) error {
		return get(root + "/api/credentials/public/assertions/" + ids[rng.IntN(len(ids))] + "/")
	}); err != nil {
		return err
	}
	if err := timeIt("a credential's assertion count", samples, func(int) error {
		return get(fmt.Sprintf("%sadmin/%s/assertions/?page_size=1", orgRoot, credIDs[rng.IntN(len(credIDs))]))
	}); err != nil {
		return err
	}
	// New users every run, so that a reused -db still issues 1,000.
	run, batch := time.Now().Format("150405.000"), 0
	return timeIt("bulk issue to 1,000 new users (one transaction)", 20, func(int) error {
		users := make([]string, 1000)
		for k := range users {
			users[k] = fmt.Sprintf("new-%s-%03d-%04d", run, batch, k)
		}
		batch++
		var out struct {
			Issued []string `json:"issued"`
		}
		if err := c.json("POST", "/"+credIDs[rng.IntN(len(credIDs))]+"/assertions/bulk/", map[string]any{"users": users}, &out); err != nil {
			return err
		}
		if len(out.Issued) != 1000 {
			return fmt.Errorf("issued %d of 1000", len(out.Issued))
		}
		return nil
	})
}

func mb(n int64) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }
