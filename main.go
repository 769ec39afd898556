// Command iblfake serves a fake of ibl.ai's data-manager API. See README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"
	_ "time/tzdata" // the image has no zoneinfo; TZ still works

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/buildinfo"
	"github.com/iblfake/iblfake/internal/config"
	"github.com/iblfake/iblfake/internal/serve"
	"github.com/iblfake/iblfake/spec"
)

// A release build sets these with -ldflags -X (scripts/release.sh, the
// Dockerfile): the tag, the full commit hash and the commit's time. A
// Docker build context has no .git, so Go cannot record them itself;
// otherwise buildinfo reads what Go recorded.
var (
	version  string
	revision string
	created  string
)

// build is this binary's version, commit and toolchain.
func build() buildinfo.Info {
	return buildinfo.Read(buildinfo.Stamp{Version: version, Revision: revision, Time: created}, fake.Version)
}

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "proxy":
			os.Exit(proxyMain(os.Args[2:]))
		case "verify":
			os.Exit(verifyMain(os.Args[2:]))
		}
	}
	cfg, err := config.Load(os.Args[1:], os.Getenv)
	switch {
	case errors.Is(err, flag.ErrHelp):
		config.Usage(os.Stdout)
		return
	case err != nil:
		fmt.Fprintf(os.Stderr, "iblfake: %v\nrun iblfake -h for the flags\n", err)
		os.Exit(1)
	}
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "iblfake:", err)
		os.Exit(1)
	}
}

// run does what cfg asks: print the version, check a running fake's
// health, or serve until SIGINT or SIGTERM.
func run(cfg *config.Config) error {
	if cfg.Version {
		fmt.Printf("%s; vendor spec %s@%s\n", build(), spec.VendorPackage, spec.VendorPackageVersion)
		return nil
	}
	if cfg.HealthCheck {
		// The container's HEALTHCHECK: the image has no shell or curl.
		base, err := serve.HealthURL(cfg.Addr)
		if err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return serve.CheckHealth(ctx, base)
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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve() }()
	// Parsing the OpenAPI document leaves a heap of short-lived garbage
	// behind; hand it back to the OS now rather than idling on it (idle
	// RSS drops from about 30 to about 20 MiB). Off the serving path.
	go debug.FreeOSMemory()
	serve.TuneGC()
	state := "memory"
	if cfg.DB != "" {
		state = cfg.DB
	}
	bi := build()
	logger.Info("iblfake listening", "addr", hs.Addr().String(), "version", bi.Version, "commit", bi.Commit(), "state", state,
		"auth", map[bool]string{true: "any key, any org", false: "keys bound to orgs"}[len(cfg.APIKeys) == 0],
		"max_connections", hs.Listener().Max(), "dashboard", dashboardURL(hs.Addr().String()))
	if srv.AdminOpen() {
		logger.Warn("the admin surface /_fake/ is open: anyone who can reach " + hs.Addr().String() +
			" can read, replace or reset all state; set --admin-token (IBLFAKE_ADMIN_TOKEN) to protect it")
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// From here a second signal kills the process at once, as if it had
	// no handler: the way out of a drain nobody wants to wait for.
	stop()
	logger.Info("shutting down", "drain", cfg.Limits.ShutdownTimeout)
	// Scenario delays end now, so the requests they hold are answered
	// within the drain. Requests the drain cuts off are logged, not an
	// error: the process was asked to stop and did, so it exits 0.
	srv.EndDelays()
	hs.Shutdown()
	return nil
}

// dashboardURL is the dashboard's address for a person to open: on a
// wildcard listen address ([::]:8080, 0.0.0.0:8080, the image's :8080)
// the host is localhost, which such a listener serves on both loopback
// addresses, rather than "[::]", which no browser opens.
func dashboardURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr + fake.AdminPrefix + "/ui/"
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	u := url.URL{Scheme: "http", Host: net.JoinHostPort(host, port), Path: fake.AdminPrefix + "/ui/"}
	return u.String()
}
