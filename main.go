// Command iblfake serves a fake of ibl.ai's data-manager API. See README.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"
	_ "time/tzdata" // the image has no zoneinfo; TZ still works

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/spec"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		if fake.IsHelp(err) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "iblfake:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	cfg, err := fake.ParseConfig(args, os.Getenv, os.Stderr)
	if err != nil {
		return err
	}
	if cfg.Version {
		fmt.Printf("iblfake %s (vendor spec %s@%s)\n", fake.Version, spec.VendorPackage, spec.VendorPackageVersion)
		return nil
	}
	if cfg.HealthCheck {
		// The container's HEALTHCHECK: the image has no shell or curl.
		base, err := fake.HealthURL(cfg.Addr)
		if err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return fake.CheckHealth(ctx, base)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	srv, err := fake.New(cfg.Options(logger)...)
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	hs := cfg.Limits.HTTPServer(srv.Handler())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	// Parsing the OpenAPI document leaves a heap of short-lived garbage
	// behind; hand it back to the OS now rather than idling on it (idle
	// RSS drops from about 30 to about 20 MiB). Off the serving path.
	go debug.FreeOSMemory()
	// The fake's live heap is small (the parsed document and the state), so
	// at Go's default GOGC=100 a busy fake collects every few hundred
	// requests. 200 halves that: in the perf harness, GET 9,100 -> 10,500
	// req/s and peak RSS under load 130 -> 190 MiB; idle RSS is unchanged.
	// A GOGC in the environment wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	state := "memory"
	if cfg.DB != "" {
		state = cfg.DB
	}
	logger.Info("iblfake listening", "addr", ln.Addr().String(), "version", fake.Version, "state", state,
		"auth", map[bool]string{true: "any key, any org", false: "keys bound to orgs"}[len(cfg.APIKeys) == 0])
	if srv.AdminOpen() {
		logger.Warn("the admin surface /_fake/ is open: anyone who can reach " + ln.Addr().String() +
			" can read, replace or reset all state; set --admin-token (IBLFAKE_ADMIN_TOKEN) to protect it")
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
