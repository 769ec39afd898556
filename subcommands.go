package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/iblfake/iblfake/fake"
	"github.com/iblfake/iblfake/internal/config"
	"github.com/iblfake/iblfake/internal/serve"
	"github.com/iblfake/iblfake/parity"
	"github.com/iblfake/iblfake/proxy"
)

// proxyMain is `iblfake proxy`: it returns the exit code.
func proxyMain(args []string) int {
	cfg, err := config.LoadProxy(args, os.Getenv)
	switch {
	case errors.Is(err, flag.ErrHelp):
		config.ProxyUsage(os.Stdout)
		return 0
	case err != nil:
		fmt.Fprintf(os.Stderr, "iblfake proxy: %v\nrun iblfake proxy -h for the flags\n", err)
		return 1
	}
	if err := runProxy(cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "iblfake proxy:", err)
		return 1
	}
	return 0
}

// runProxy serves the proxy until SIGINT or SIGTERM, then prints its
// summary to out.
func runProxy(cfg *config.ProxyConfig, out io.Writer) error {
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	opts := cfg.Options(logger)
	opts.Version = fake.Version
	p, err := proxy.New(opts)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		_ = p.Close()
		return err
	}
	hs := serve.New(ln, p.Handler(), cfg.Limits, logger)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve() }()
	logger.Info("iblfake proxy listening", "addr", hs.Addr().String(), "version", fake.Version,
		"upstream", proxy.Redacted(cfg.Upstream), "record", cfg.Record, "redact", cfg.Redact)
	if cfg.AdminToken == "" {
		logger.Warn("the journal at /_fake/requests is open: anyone who can reach " + hs.Addr().String() +
			" can read the paths and queries sent upstream; set --admin-token (IBLFAKE_ADMIN_TOKEN) to protect it")
	}
	select {
	case err = <-errc:
	case <-ctx.Done():
		stop() // a second signal kills at once
		logger.Info("shutting down", "drain", cfg.Limits.ShutdownTimeout)
		hs.Shutdown()
	}
	// The summary is printed even when serving failed: whatever was seen
	// is the evidence.
	closeErr := p.Close()
	_ = p.Summary().WriteText(out)
	return errors.Join(err, closeErr)
}

// verifyMain is `iblfake verify`: 0 when every exchange matched, 1 when
// any differed, 2 when the replay could not run.
func verifyMain(args []string) int {
	cfg, err := config.LoadVerify(args, os.Getenv)
	switch {
	case errors.Is(err, flag.ErrHelp):
		config.VerifyUsage(os.Stdout)
		return 0
	case err != nil:
		fmt.Fprintf(os.Stderr, "iblfake verify: %v\nrun iblfake verify -h for the flags\n", err)
		return 2
	}
	ok, err := runVerify(cfg, os.Stdout)
	switch {
	case err != nil:
		fmt.Fprintln(os.Stderr, "iblfake verify:", err)
		return 2
	case !ok:
		return 1
	}
	return 0
}

// runVerify replays the cassette and writes the table to out (to
// standard error when the JSON goes to standard output).
func runVerify(cfg *config.VerifyConfig, out io.Writer) (bool, error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := parity.VerifyFile(ctx, cfg.File, cfg.Options())
	if err != nil {
		return false, err
	}
	tableOut := out
	if cfg.JSON == "-" {
		tableOut = os.Stderr
	}
	if err := rep.WriteTable(tableOut); err != nil {
		return false, err
	}
	switch cfg.JSON {
	case "":
	case "-":
		err = rep.WriteJSON(out)
	default:
		var f *os.File
		if f, err = os.Create(cfg.JSON); err == nil {
			err = errors.Join(rep.WriteJSON(f), f.Close())
		}
	}
	return rep.OK(), err
}
