// Command perf is iblfake's side-by-side performance harness (issues 7, 15):
//
//	go run ./perf [-rounds 3] [-duration 5s] [-conns 16] [-threads 1] [-loadgen wrk|go] [-skip-prism] [-cells "POST issue,..."]
//
// Each round starts a fresh fake, seeds it (an issuer and 50 credentials),
// asks it each cell once and hands those very answers (status, headers,
// body) to the same-bytes reference (perf/bareecho), starts Prism (pinned in
// perf/prism/package-lock.json) on the document the fake serves at
// /_fake/openapi.json, then drives every cell on the three, one after the
// other, with wrk (installed from Debian's packages when missing; the
// harness's own Go generator is the fallback). It prints, per round, the
// requests/s and latency percentiles of each cell on each target and the
// ratios the targets are stated in (fake / same-bytes reference, fake /
// Prism), then every ratio across the rounds with its spread, then idle and
// peak RSS and start-up (the median of -starts launches, exec to the first
// healthy answer). It is a benchmark, not a test: nothing gates on it.
package main

import (
	"context"
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

	"github.com/iblfake/iblfake/perf/internal/load"
)

// config is the harness's flags.
type config struct {
	rounds, conns, threads int
	dur, warm              time.Duration
	skipPrism, installWrk  bool
	loadgen                string
	cells                  []string // the cells to drive, by name; all when empty
}

func main() {
	var cfg config
	flag.IntVar(&cfg.rounds, "rounds", 3, "back-to-back rounds, each with fresh servers")
	flag.DurationVar(&cfg.dur, "duration", 5*time.Second, "measured time per cell and target")
	flag.DurationVar(&cfg.warm, "warmup", time.Second, "unmeasured warm-up per cell and target")
	flag.IntVar(&cfg.conns, "conns", 16, "concurrent connections (closed loop)")
	flag.IntVar(&cfg.threads, "threads", 1, "wrk threads")
	flag.StringVar(&cfg.loadgen, "loadgen", "wrk", "load generator: wrk, or go (the harness's own, which shares the cores with the server)")
	flag.BoolVar(&cfg.installWrk, "install-wrk", true, "apt-get install wrk when it is missing")
	flag.BoolVar(&cfg.skipPrism, "skip-prism", false, "leave Prism out (it needs npm)")
	flag.IntVar(&starts, "starts", 7, "launches per target; the start-up figure is their median")
	flag.Func("cells", `the cells to drive, comma-separated names ("POST issue,GET list"; default: every cell)`, func(v string) error {
		for _, name := range strings.Split(v, ",") {
			if !slices.ContainsFunc(load.Cells(""), func(c load.Cell) bool { return c.Name == strings.TrimSpace(name) }) {
				return fmt.Errorf("no cell %q", name)
			}
			cfg.cells = append(cfg.cells, strings.TrimSpace(name))
		}
		return nil
	})
	flag.Parse()
	// Bounded: a round takes about a minute; a stuck one ends here.
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(cfg.rounds+2)*5*time.Minute)
	defer cancel()
	if err := run(ctx, cfg); err != nil {
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

// The targets, as the tables name them.
const (
	tFake  = "iblfake"
	tRef   = "same-bytes echo"
	tPrism = "prism"
)

// driver runs one cell against one target.
type driver func(ctx context.Context, base string, c load.Cell, conns int, warm, d time.Duration, offset int64) (load.Result, error)

// launcher starts one target on port, for the rounds and the start-up figure.
type launcher struct {
	name, probe, dir string
	argv             func(port int) []string
}

func (l launcher) start(ctx context.Context) (*process, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	return start(ctx, l.name, port, l.probe, l.dir, l.argv(port)...)
}

// round is what one round measured.
type round struct {
	results map[string]map[string]load.Result // cell -> target -> figures
	sizes   map[string]int                    // cell -> the fake's answer's bytes
	idle    map[string]int64                  // target -> idle RSS
	peak    map[string]int64                  // target -> peak RSS after the round
	startup map[string]time.Duration          // target -> this round's launch
}

func run(ctx context.Context, cfg config) error {
	root, err := repoRoot()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "iblfake-perf-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	fmt.Println("== building the fake and the same-bytes reference")
	fakeBin, refBin := filepath.Join(tmp, "iblfake"), filepath.Join(tmp, "bareecho")
	for _, b := range [][2]string{{fakeBin, "."}, {refBin, "./perf/bareecho"}} {
		cmd := exec.CommandContext(ctx, "go", "build", "-o", b[0], b[1])
		cmd.Dir, cmd.Stdout, cmd.Stderr = root, os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go build %s: %w", b[1], err)
		}
	}
	drive := driver(load.GoDrive)
	loadgen := "the harness's Go client (in-process: it shares the cores with the server)"
	if cfg.loadgen == "wrk" {
		if bin := load.EnsureWrk(ctx, cfg.installWrk); bin != "" {
			drive = load.Wrk{Bin: bin, Dir: tmp, Threads: cfg.threads}.Drive
			loadgen = fmt.Sprintf("wrk, %d thread(s)", cfg.threads)
		} else {
			fmt.Println("   note: wrk is not to be had; falling back to the Go load generator")
		}
	}
	cellsFile := filepath.Join(tmp, "cells.json")
	docPath := filepath.Join(tmp, "openapi.json")
	fakeL := launcher{tFake, "/_fake/health", root, func(port int) []string {
		// --log-level error: at info the fake logs every request (README).
		return []string{fakeBin, "--addr", fmt.Sprintf("127.0.0.1:%d", port), "--log-level", "error"}
	}}
	refL := launcher{tRef, "/health", root, func(port int) []string {
		return []string{refBin, "--addr", fmt.Sprintf("127.0.0.1:%d", port), "--cells", cellsFile}
	}}
	launchers := []launcher{fakeL, refL}
	if !cfg.skipPrism {
		prismDir := filepath.Join(root, "perf", "prism")
		fmt.Println("== installing Prism (npm ci, pinned)")
		cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
		cmd.Dir, cmd.Stdout, cmd.Stderr = prismDir, os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("npm ci in perf/prism: %w", err)
		}
		launchers = append(launchers, launcher{tPrism, "/api/credentials/orgs/" + load.Org + "/users/admin/", prismDir, func(port int) []string {
			return []string{filepath.Join(prismDir, "node_modules", ".bin", "prism"), "mock", "-h", "127.0.0.1", "-p", fmt.Sprint(port), docPath}
		}})
	}

	var rounds []round
	for i := range cfg.rounds {
		fmt.Printf("== round %d of %d (%s, %d connections, %s warm-up, %s per cell)\n", i+1, cfg.rounds, loadgen, cfg.conns, cfg.warm, cfg.dur)
		r, err := oneRound(ctx, cfg, drive, launchers, cellsFile, docPath)
		if err != nil {
			return err
		}
		rounds = append(rounds, r)
	}
	startups := map[string]time.Duration{}
	for _, l := range launchers {
		var firsts []time.Duration
		for _, r := range rounds {
			firsts = append(firsts, r.startup[l.name])
		}
		if startups[l.name], err = medianStartup(ctx, l, firsts); err != nil {
			return err
		}
	}
	report(rounds, launchers, startups, cfg, loadgen)
	return nil
}

// oneRound starts the targets afresh, captures the fake's answers for the
// reference, and drives every cell on every target, back to back.
func oneRound(ctx context.Context, cfg config, drive driver, launchers []launcher, cellsFile, docPath string) (round, error) {
	r := round{results: map[string]map[string]load.Result{}, sizes: map[string]int{}, idle: map[string]int64{},
		peak: map[string]int64{}, startup: map[string]time.Duration{}}
	procs := map[string]*process{}
	defer func() {
		for _, p := range procs {
			p.stop()
		}
	}()
	var cs []load.Cell
	for _, l := range launchers {
		p, err := l.start(ctx)
		if err != nil {
			return r, err
		}
		procs[l.name] = p
		r.startup[l.name] = p.startup
		time.Sleep(settle)
		r.idle[l.name], _ = p.rss()
		if l.name != tFake {
			continue
		}
		// The reference and Prism start from what the fake answers.
		cred, err := load.Seed(p.base)
		if err != nil {
			return r, err
		}
		cs = load.Cells(cred)
		if len(cfg.cells) > 0 {
			cs = slices.DeleteFunc(cs, func(c load.Cell) bool { return !slices.Contains(cfg.cells, c.Name) })
		}
		if r.sizes, err = load.Capture(p.base, cs, cellsFile); err != nil {
			return r, err
		}
		served, err := fetch(p.base + "/_fake/openapi.json")
		if err != nil {
			return r, err
		}
		doc, err := load.PrismDocument(served, filepath.Join(l.dir, "spec", "longtail.json"), cs)
		if err != nil {
			return r, err
		}
		if err := os.WriteFile(docPath, doc, 0o644); err != nil {
			return r, err
		}
	}
	for _, c := range cs {
		r.results[c.Name] = map[string]load.Result{}
		for _, l := range launchers {
			fmt.Printf("   %-16s %-16s", c.Name, l.name)
			p := procs[l.name]
			if cfg.warm > 0 { // its own run, so that the CPU time read around the measured one is that run's
				if _, err := drive(ctx, p.base, c, cfg.conns, 0, cfg.warm, 1_000_000_000); err != nil {
					return r, fmt.Errorf("%s on %s (warm-up): %w", c.Name, l.name, err)
				}
			}
			cpu0 := p.cpu()
			res, err := drive(ctx, p.base, c, cfg.conns, 0, cfg.dur, 0)
			if err != nil {
				return r, fmt.Errorf("%s on %s: %w", c.Name, l.name, err)
			}
			res.CPU = p.cpu() - cpu0
			fmt.Printf(" %8.0f req/s  p50 %s  p99 %s  cpu %s/req\n", res.RPS(), ms(res.P50), ms(res.P99), us(res.CPUPerRequest()))
			r.results[c.Name][l.name] = res
		}
	}
	for name, p := range procs {
		_, r.peak[name] = p.rss()
	}
	return r, nil
}

// medianStartup launches l until it has starts figures (firsts are the
// rounds' launches) and returns their median.
func medianStartup(ctx context.Context, l launcher, firsts []time.Duration) (time.Duration, error) {
	all := slices.Clone(firsts)
	for len(all) < starts {
		p, err := l.start(ctx)
		if err != nil {
			return 0, err
		}
		p.stop()
		all = append(all, p.startup)
	}
	slices.Sort(all)
	return all[len(all)/2], nil
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

func us(d time.Duration) string { return fmt.Sprintf("%.1f µs", float64(d.Nanoseconds())/1000) }

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

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
