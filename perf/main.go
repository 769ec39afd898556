// Command perf is iblfake's side-by-side performance harness (issue 7):
//
//	go run ./perf [-duration 5s] [-conns 16] [-starts 7] [-skip-prism]
//
// It builds the fake and a bare Echo reference, installs Prism (pinned in
// perf/prism/package-lock.json) and starts it on the very document the fake
// serves at /_fake/openapi.json, drives each with the same requests from
// the same closed-loop load generator on loopback, and prints one table:
// requests/s, p50, p99, idle and peak RSS and start-up time (the median of
// -starts launches, exec to the first healthy answer), with the ratios the
// targets are stated in. It is a benchmark, not a test: nothing gates on it.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

func main() {
	dur := flag.Duration("duration", 5*time.Second, "measured time per target and request")
	warm := flag.Duration("warmup", time.Second, "unmeasured warm-up per target and request")
	conns := flag.Int("conns", 16, "concurrent connections (closed loop)")
	skipPrism := flag.Bool("skip-prism", false, "leave Prism out (it needs npm)")
	flag.IntVar(&starts, "starts", 7, "launches per target; the start-up figure is their median")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if err := run(ctx, *dur, *warm, *conns, *skipPrism); err != nil {
		fmt.Fprintln(os.Stderr, "perf:", err)
		os.Exit(1)
	}
}

// starts is how many times each target is launched for its start-up
// figure (the median): one launch varies by tens of milliseconds.
var starts = 7

// settle is how long a target idles after its first healthy answer before
// its idle RSS is read, so that start-up work it finishes in the
// background (the fake hands its parse garbage back) is not counted.
const settle = 500 * time.Millisecond

// medianStartup launches argv(port) starts-1 more times, each to its first
// healthy answer, and returns the median of those and first.
func medianStartup(ctx context.Context, name, probe, dir string, first time.Duration, argv func(port int) []string) (time.Duration, error) {
	all := []time.Duration{first}
	for len(all) < starts {
		port, err := freePort()
		if err != nil {
			return 0, err
		}
		p, err := start(ctx, name, port, probe, dir, argv(port)...)
		if err != nil {
			return 0, err
		}
		p.stop()
		all = append(all, p.startup)
	}
	slices.Sort(all)
	return all[len(all)/2], nil
}

// row is one target's figures.
type row struct {
	name      string
	get, post result
	startup   time.Duration
	idleRSS   int64
	peakRSS   int64
}

func run(ctx context.Context, dur, warm time.Duration, conns int, skipPrism bool) error {
	root, err := repoRoot()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "iblfake-perf-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	fmt.Println("== building the fake and the bare Echo reference")
	fakeBin, bareBin := filepath.Join(tmp, "iblfake"), filepath.Join(tmp, "bareecho")
	for _, b := range [][2]string{{fakeBin, "."}, {bareBin, "./perf/bareecho"}} {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", b[0], b[1])
		cmd.Dir, cmd.Stdout, cmd.Stderr = root, os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go build %s: %w", b[1], err)
		}
	}

	var rows []row
	fmt.Println("== iblfake (in memory; validation, journal and the scenario engine on)")
	port, _ := freePort()
	fakeArgv := func(port int) []string {
		return []string{fakeBin, "--addr", fmt.Sprintf("127.0.0.1:%d", port), "--log-level", "error"}
	}
	fk, err := start(ctx, "iblfake", port, "/_fake/health", root, fakeArgv(port)...)
	if err != nil {
		return err
	}
	defer fk.stop()
	fakeRow := row{name: "iblfake", startup: fk.startup}
	time.Sleep(settle)
	fakeRow.idleRSS, _ = fk.rss()
	cred, err := seedFake(fk.base)
	if err != nil {
		return err
	}
	doc, err := fetch(fk.base + "/_fake/openapi.json")
	if err != nil {
		return err
	}
	docPath := filepath.Join(tmp, "openapi.json")
	if err := os.WriteFile(docPath, doc, 0o644); err != nil {
		return err
	}
	if err := measure(ctx, &fakeRow, fk, cred, conns, warm, dur); err != nil {
		return err
	}
	fk.stop()
	if fakeRow.startup, err = medianStartup(ctx, "iblfake", "/_fake/health", root, fakeRow.startup, fakeArgv); err != nil {
		return err
	}
	rows = append(rows, fakeRow)

	fmt.Println("== bare Echo reference (constant JSON, no validation)")
	port, _ = freePort()
	bareArgv := func(port int) []string { return []string{bareBin, "--addr", fmt.Sprintf("127.0.0.1:%d", port)} }
	be, err := start(ctx, "bareecho", port, "/health", root, bareArgv(port)...)
	if err != nil {
		return err
	}
	bareRow := row{name: "bare echo", startup: be.startup}
	time.Sleep(settle)
	bareRow.idleRSS, _ = be.rss()
	if err := measure(ctx, &bareRow, be, "bare", conns, warm, dur); err != nil {
		be.stop()
		return err
	}
	be.stop()
	if bareRow.startup, err = medianStartup(ctx, "bareecho", "/health", root, bareRow.startup, bareArgv); err != nil {
		return err
	}
	rows = append(rows, bareRow)

	if !skipPrism {
		prismDir := filepath.Join(root, "perf", "prism")
		fmt.Println("== installing Prism (npm ci, pinned)")
		cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
		cmd.Dir, cmd.Stdout, cmd.Stderr = prismDir, os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("npm ci in perf/prism: %w", err)
		}
		fmt.Println("== Prism mocking the fake's own corrected document")
		port, _ = freePort()
		prismArgv := func(port int) []string {
			return []string{filepath.Join(prismDir, "node_modules", ".bin", "prism"), "mock", "-h", "127.0.0.1", "-p", fmt.Sprint(port), docPath}
		}
		const prismProbe = "/api/credentials/orgs/perf/users/admin/"
		pr, err := start(ctx, "prism", port, prismProbe, prismDir, prismArgv(port)...)
		if err != nil {
			return err
		}
		prismRow := row{name: "prism", startup: pr.startup}
		time.Sleep(settle)
		prismRow.idleRSS, _ = pr.rss()
		err = measure(ctx, &prismRow, pr, "prism", conns, warm, dur)
		pr.stop()
		if err != nil {
			return err
		}
		if prismRow.startup, err = medianStartup(ctx, "prism", prismProbe, prismDir, prismRow.startup, prismArgv); err != nil {
			return err
		}
		rows = append(rows, prismRow)
	}
	report(rows, conns, dur)
	return nil
}

// measure drives the two requests of the targets against p.
func measure(ctx context.Context, r *row, p *process, cred string, conns int, warm, dur time.Duration) error {
	list := func(base string, _ int64) (*http.Request, error) {
		return jsonRequest(http.MethodGet, base+"/api/credentials/orgs/perf/users/admin/?page=2&page_size=10", "")
	}
	issue := func(base string, n int64) (*http.Request, error) {
		body := fmt.Sprintf(`{"recipient":{"identity":"user%d"},"course":"course-v1:perf+C1+2024"}`, n)
		return jsonRequest(http.MethodPost, base+"/api/credentials/orgs/perf/users/admin/"+cred+"/assertions/", body)
	}
	var err error
	fmt.Printf("   GET credential list (page 2 of 10, 50 credentials), %d conns, %s\n", conns, dur)
	if r.get, err = drive(ctx, p.base, conns, warm, dur, list); err != nil {
		return fmt.Errorf("%s GET: %w", p.name, err)
	}
	fmt.Printf("   POST assertion issue, %d conns, %s\n", conns, dur)
	if r.post, err = drive(ctx, p.base, conns, warm, dur, issue); err != nil {
		return fmt.Errorf("%s POST: %w", p.name, err)
	}
	_, r.peakRSS = p.rss()
	return nil
}

// seedFake creates an issuer and 50 credentials in org "perf" and returns a
// credential to issue against.
func seedFake(base string) (string, error) {
	post := func(path, body string) (map[string]any, error) {
		req, _ := jsonRequest(http.MethodPost, base+"/api/credentials/orgs/perf/users/admin"+path, body)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
			return nil, fmt.Errorf("seeding POST %s: %d %v", path, resp.StatusCode, err)
		}
		return out, nil
	}
	is, err := post("/issuers/", `{"name":"Perf University"}`)
	if err != nil {
		return "", err
	}
	issuer := is["result"].(map[string]any)["entityId"].(string)
	var first string
	for i := 0; i < 50; i++ {
		cr, err := post("/", fmt.Sprintf(`{"name":"Credential %d","issuer":%q,"courses":["course-v1:perf+C1+2024"]}`, i, issuer))
		if err != nil {
			return "", err
		}
		if i == 0 {
			first = cr["result"].(map[string]any)["entityId"].(string)
		}
	}
	return first, nil
}

func fetch(url string) ([]byte, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("run from inside the repository")
		}
		dir = parent
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func report(rows []row, conns int, dur time.Duration) {
	fmt.Printf("\n## Results (%d connections, closed loop, %s per cell, loopback)\n\n", conns, dur)
	fmt.Printf("| target | GET req/s | GET p50 | GET p99 | POST req/s | POST p50 | POST p99 | idle RSS | peak RSS | start-up (median of %d) |\n", starts)
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range rows {
		fmt.Printf("| %s | %.0f | %s | %s | %.0f | %s | %s | %s | %s | %s |\n", r.name,
			r.get.RPS(), ms(r.get.P50), ms(r.get.P99), r.post.RPS(), ms(r.post.P50), ms(r.post.P99),
			mib(r.idleRSS), mib(r.peakRSS), ms(r.startup))
	}
	by := map[string]row{}
	for _, r := range rows {
		by[r.name] = r
	}
	f := by["iblfake"]
	fmt.Println("\n| ratio | value | target |")
	fmt.Println("|---|---|---|")
	check := func(ok bool) string {
		if ok {
			return "met"
		}
		return "MISSED"
	}
	if p, ok := by["prism"]; ok {
		g, po := f.get.RPS()/p.get.RPS(), f.post.RPS()/p.post.RPS()
		g99, p99 := float64(f.get.P99)/float64(p.get.P99), float64(f.post.P99)/float64(p.post.P99)
		fmt.Printf("| fake/prism GET req/s | %.1fx | >= 20x, %s |\n", g, check(g >= 20))
		fmt.Printf("| fake/prism POST req/s | %.1fx | >= 20x, %s |\n", po, check(po >= 20))
		fmt.Printf("| fake/prism GET p99 | %.3f | <= 0.1, %s |\n", g99, check(g99 <= 0.1))
		fmt.Printf("| fake/prism POST p99 | %.3f | <= 0.1, %s |\n", p99, check(p99 <= 0.1))
	}
	if b, ok := by["bare echo"]; ok {
		g := f.get.RPS() / b.get.RPS()
		fmt.Printf("| fake/bare echo GET req/s | %.2fx | >= 0.5x, %s |\n", g, check(g >= 0.5))
	}
	fmt.Printf("| fake start-up | %s | <= 100 ms, %s |\n", ms(f.startup), check(f.startup <= 100*time.Millisecond))
	fmt.Printf("| fake idle RSS | %s | <= 30 MiB, %s |\n", mib(f.idleRSS), check(f.idleRSS <= 30<<20))
	fmt.Printf("\nmachine: %s\n", machine())
}

func machine() string {
	cpu := "unknown cpu"
	if raw, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(raw), "\n") {
			if strings.HasPrefix(line, "model name") {
				cpu = strings.TrimSpace(strings.SplitN(line, ":", 2)[1])
				break
			}
		}
	}
	n := 0
	if raw, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		n = strings.Count(string(raw), "processor\t:")
	}
	return fmt.Sprintf("%d x %s, %s", n, cpu, strings.TrimSpace(goVersion()))
}

func goVersion() string {
	out, err := exec.Command("go", "version").Output()
	if err != nil {
		return ""
	}
	return string(out)
}
