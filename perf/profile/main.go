// Command profile profiles the fake as it serves one of the harness's
// cells under wrk, to find where a request's time goes:
//
//	go run ./perf/profile [-cell "GET list"] [-duration 10s] [-conns 16] [-cpuprofile cpu.prof] [-memprofile mem.prof]
//
// It runs the fake in its own process, built as the binary builds it (the
// same flags, --log-level error, GOGC 200), on loopback, seeds it as the
// harness does (perf/internal/load), drives the cell with wrk for the
// duration while the CPU profile runs, and prints wrk's figures. Read the
// profile with go tool pprof.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"runtime/pprof"
	"time"

	"github.com/iblfake/iblfake/internal/config"
	"github.com/iblfake/iblfake/internal/serve"
	"github.com/iblfake/iblfake/perf/internal/load"
)

func main() {
	cellName := flag.String("cell", "GET list", `the cell to drive: "GET list", "POST issue", "GET synthesized", "POST long-tail" or "GET long-tail page" (perf/internal/load)`)
	dur := flag.Duration("duration", 10*time.Second, "profiled time")
	conns := flag.Int("conns", 16, "wrk connections")
	cpu := flag.String("cpuprofile", "cpu.prof", "CPU profile file")
	mem := flag.String("memprofile", "", "allocation profile file (none when empty)")
	flag.Parse()
	if err := run(*cellName, *dur, *conns, *cpu, *mem); err != nil {
		fmt.Fprintln(os.Stderr, "profile:", err)
		os.Exit(1)
	}
}

func run(cellName string, dur time.Duration, conns int, cpu, mem string) error {
	ctx, cancel := context.WithTimeout(context.Background(), dur+2*time.Minute)
	defer cancel()
	bin := load.EnsureWrk(ctx, true)
	if bin == "" {
		return errors.New("wrk is not to be had")
	}
	cfg, err := config.Load([]string{"--addr", "127.0.0.1:0", "--log-level", "error"}, func(string) string { return "" })
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	srv, err := cfg.NewServer(logger)
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	hs := serve.New(ln, srv.Handler(), cfg.Limits, logger)
	go func() { _ = hs.Serve() }()
	defer hs.Shutdown()
	serve.TuneGC() // as the binary does
	base := "http://" + hs.Addr().String()
	cred, err := load.Seed(base)
	if err != nil {
		return err
	}
	var c *load.Cell
	for _, x := range load.Cells(cred) {
		if x.Name == cellName {
			c = &x
		}
	}
	if c == nil {
		return fmt.Errorf("no cell %q", cellName)
	}
	dir, err := os.MkdirTemp("", "iblfake-profile-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	w := load.Wrk{Bin: bin, Dir: dir, Threads: 1}
	// Warm up unprofiled, then profile the measured run only.
	if _, err := w.Drive(ctx, base, *c, conns, 0, time.Second, 1_000_000_000); err != nil {
		return err
	}
	f, err := os.Create(cpu)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	res, err := w.Drive(ctx, base, *c, conns, 0, dur, 0)
	pprof.StopCPUProfile()
	if err != nil {
		return err
	}
	fmt.Printf("%s: %.0f req/s, p50 %v, p90 %v, p99 %v (profiled: %s)\n", c.Name, res.RPS(), res.P50, res.P90, res.P99, cpu)
	if mem != "" {
		mf, err := os.Create(mem)
		if err != nil {
			return err
		}
		defer mf.Close()
		return pprof.Lookup("allocs").WriteTo(mf, 0)
	}
	return nil
}
