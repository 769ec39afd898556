package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/iblfake/iblfake/perf/internal/load"
)

// ratio is one figure the targets are stated in, computed within each
// round (never across rounds: the machine's speed moves between them).
type ratio struct {
	cell string // the cell it is about
	name string
	of   func(r round) (float64, bool)
	// format prints a value; goal says whether it meets the target and
	// target says what the target is.
	format func(v float64) string
	goal   func(v float64) bool
	target string
}

func rps(cellName, target string) func(r round) (float64, bool) {
	return func(r round) (float64, bool) {
		res, ok := r.results[cellName][target]
		return res.RPS(), ok
	}
}

func over(a, b func(r round) (float64, bool)) func(r round) (float64, bool) {
	return func(r round) (float64, bool) {
		x, ok1 := a(r)
		y, ok2 := b(r)
		return x / y, ok1 && ok2 && y > 0
	}
}

func p99(cellName, target string) func(r round) (float64, bool) {
	return func(r round) (float64, bool) {
		res, ok := r.results[cellName][target]
		return float64(res.P99), ok
	}
}

func times(v float64) string { return fmt.Sprintf("%.2fx", v) }
func frac(v float64) string  { return fmt.Sprintf("%.3f", v) }
func atLeast(t float64) func(float64) bool {
	return func(v float64) bool { return v >= t }
}
func atMost(t float64) func(float64) bool {
	return func(v float64) bool { return v <= t }
}

// targets are the ratios with a goal (issues 7, 15 and 26).
var targets = []ratio{
	{"GET list", "GET list: fake / same-bytes req/s", over(rps("GET list", tFake), rps("GET list", tRef)), times, atLeast(0.5), ">= 0.5x (stretch 0.6x)"},
	{"GET list", "GET list: fake / Prism req/s", over(rps("GET list", tFake), rps("GET list", tPrism)), times, atLeast(25), ">= 25x"},
	{"GET list", "GET list: fake / Prism p99", over(p99("GET list", tFake), p99("GET list", tPrism)), frac, atMost(0.1), "<= 0.1"},
	{"POST issue", "POST issue: fake / same-bytes req/s", over(rps("POST issue", tFake), rps("POST issue", tRef)), times, atLeast(0.4), ">= 0.4x (stretch 0.6x)"},
	{"POST issue", "POST issue: fake / Prism req/s", over(rps("POST issue", tFake), rps("POST issue", tPrism)), times, atLeast(20), ">= 20x"},
	{"POST issue", "POST issue: fake / Prism p99", over(p99("POST issue", tFake), p99("POST issue", tPrism)), frac, atMost(0.1), "<= 0.1"},
}

// ratios are the targets, then, for every other cell, its fake /
// same-bytes and fake / Prism req/s as figures, then every cell's server
// CPU per request, same-bytes / fake: the share of the fake's cost that is
// the wire's, which the machine's other work moves far less than req/s
// (the two agree when the server has the cores to itself).
func ratios() []ratio {
	out := slices.Clone(targets)
	cells := load.Cells("")
	for _, c := range cells {
		if slices.ContainsFunc(targets, func(q ratio) bool { return q.cell == c.Name }) {
			continue
		}
		out = append(out,
			ratio{c.Name, c.Name + ": fake / same-bytes req/s", over(rps(c.Name, tFake), rps(c.Name, tRef)), times, nil, "(figure)"},
			ratio{c.Name, c.Name + ": fake / Prism req/s", over(rps(c.Name, tFake), rps(c.Name, tPrism)), times, nil, "(figure)"})
	}
	for _, c := range cells {
		out = append(out, ratio{c.Name, c.Name + ": CPU per request, same-bytes / fake", over(cpuPer(c.Name, tRef), cpuPer(c.Name, tFake)), times, nil, "(figure)"})
	}
	return out
}

func cpuPer(cellName, target string) func(r round) (float64, bool) {
	return func(r round) (float64, bool) {
		res, ok := r.results[cellName][target]
		return float64(res.CPUPerRequest()), ok && res.CPU > 0
	}
}

func report(rounds []round, launchers []launcher, startups map[string]time.Duration, cfg config, loadgen string) {
	fmt.Printf("\n# Results: %s, %d connections, closed loop, %s warm-up and %s per cell, loopback\n", loadgen, cfg.conns, cfg.warm, cfg.dur)
	for i, r := range rounds {
		fmt.Printf("\n## Round %d\n\n", i+1)
		fmt.Println("| cell | target | answer bytes | req/s | p50 | p90 | p99 | server CPU / request |")
		fmt.Println("|---|---|---|---|---|---|---|---|")
		for _, c := range load.Cells("") {
			for _, l := range launchers {
				res, ok := r.results[c.Name][l.name]
				if !ok {
					continue
				}
				size := "(its own)"
				if l.name != tPrism {
					size = fmt.Sprint(r.sizes[c.Name])
				}
				fmt.Printf("| %s | %s | %s | %.0f | %s | %s | %s | %s |\n", c.Name, l.name, size, res.RPS(), ms(res.P50), ms(res.P90), ms(res.P99), us(res.CPUPerRequest()))
			}
		}
	}
	fmt.Printf("\n## Ratios, each within its round\n\n| ratio |")
	for i := range rounds {
		fmt.Printf(" round %d |", i+1)
	}
	fmt.Printf(" spread | target |\n|---|")
	for range rounds {
		fmt.Print("---|")
	}
	fmt.Println("---|---|")
	for _, q := range ratios() {
		var vals []float64
		var cols []string
		for _, r := range rounds {
			if v, ok := q.of(r); ok {
				vals = append(vals, v)
				cols = append(cols, q.format(v))
			} else {
				cols = append(cols, "-")
			}
		}
		if len(vals) == 0 {
			continue
		}
		lo, hi := slices.Min(vals), slices.Max(vals)
		verdict := q.target
		if q.goal != nil {
			met := 0
			for _, v := range vals {
				if q.goal(v) {
					met++
				}
			}
			verdict = fmt.Sprintf("%s: met in %d of %d", q.target, met, len(vals))
		}
		fmt.Printf("| %s | %s | %s–%s | %s |\n", q.name, strings.Join(cols, " | "), q.format(lo), q.format(hi), verdict)
	}
	fmt.Printf("\n## Processes\n\n| target | idle RSS (median of rounds) | peak RSS (largest) | start-up (median of %d launches) |\n|---|---|---|---|\n", starts)
	for _, l := range launchers {
		var idle []int64
		var peak int64
		for _, r := range rounds {
			idle = append(idle, r.idle[l.name])
			peak = max(peak, r.peak[l.name])
		}
		slices.Sort(idle)
		fmt.Printf("| %s | %s | %s | %s |\n", l.name, mib(idle[len(idle)/2]), mib(peak), ms(startups[l.name]))
	}
	check := func(ok bool) string {
		if ok {
			return "met"
		}
		return "MISSED"
	}
	var idle []int64
	for _, r := range rounds {
		idle = append(idle, r.idle[tFake])
	}
	slices.Sort(idle)
	fmt.Printf("\nfake start-up %s (<= 100 ms: %s); fake idle RSS %s (<= 30 MiB: %s)\n", ms(startups[tFake]),
		check(startups[tFake] <= 100*time.Millisecond), mib(idle[len(idle)/2]), check(idle[len(idle)/2] <= 30<<20))
	fmt.Printf("machine: %s\n", machine())
}
