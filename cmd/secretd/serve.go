package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/secretgen/secretgen/configurator"
)

// daemon is a running secretd: the system, the HTTP server and its
// listener.
type daemon struct {
	cfg    *configurator.Configurator
	server *server
	http   *http.Server
	ln     net.Listener
	done   chan error
	log    *slog.Logger
}

// start opens the system, creates the admin on first start and starts
// serving on c.addr. It returns once the listener is bound.
func start(ctx context.Context, c config, opt serverOptions, stdout io.Writer, log *slog.Logger) (*daemon, error) {
	opts, err := c.options(log)
	if err != nil {
		return nil, err
	}
	cfg := configurator.New(opts)
	d, err := startWith(ctx, cfg, c, opt, stdout, log)
	if err != nil {
		cfg.Close()
		return nil, err
	}
	return d, nil
}

func startWith(ctx context.Context, cfg *configurator.Configurator, c config, opt serverOptions,
	stdout io.Writer, log *slog.Logger) (*daemon, error) {
	sm, err := cfg.SecretManagement()
	if err != nil {
		return nil, err
	}
	if err := ensureAdmin(ctx, sm.Directory, c.adminPassword, stdout); err != nil {
		return nil, err
	}
	if opt.SessionTTL == 0 {
		opt.SessionTTL = c.sessionTTL
	}
	srv, err := newServer(ctx, sm, log, opt)
	if err != nil {
		return nil, err
	}

	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %q: %w", c.addr, err)
	}
	d := &daemon{cfg: cfg, server: srv, ln: ln, done: make(chan error, 1), log: log}
	d.http = &http.Server{
		Handler:           srv.handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	go func() { d.done <- d.http.Serve(ln) }()
	log.Info("secretd listening", "url", "http://"+ln.Addr().String(), "types", sm.Registry.Names())
	return d, nil
}

// url returns the base URL the daemon serves.
func (d *daemon) url() string {
	return "http://" + d.ln.Addr().String()
}

// stop finishes the requests in flight, within timeout, and closes the
// database.
func (d *daemon) stop(timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()

	err := d.http.Shutdown(ctx)
	if cerr := d.cfg.Close(); err == nil {
		err = cerr
	}
	return err
}

// serve runs secretd until ctx ends (SIGINT or SIGTERM) and shuts down
// gracefully.
func serve(ctx context.Context, c config, stdout io.Writer, log *slog.Logger) int {
	d, err := start(ctx, c, serverOptions{}, stdout, log)
	if err != nil {
		log.Error("secretd could not start", "err", err)
		return 1
	}

	select {
	case <-ctx.Done():
		log.Info("secretd shutting down")
	case err := <-d.done:
		if !errors.Is(err, http.ErrServerClosed) {
			log.Error("secretd stopped serving", "err", err)
			d.stop(time.Second)
			return 1
		}
	}
	if err := d.stop(10 * time.Second); err != nil {
		log.Error("secretd shut down uncleanly", "err", err)
		return 1
	}
	log.Info("secretd stopped")
	return 0
}
