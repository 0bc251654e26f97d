package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/secretgen/secretgen/configurator"
	"github.com/secretgen/secretgen/generated"
)

const usage = `usage: secretd [flags] [command]

Without a command, secretd serves the web UI and the JSON API.

commands:
  user add [-password P] [-admin] NAME   add a user; prints its id (and password, once, unless given)
  user list                              print every user's name and id
  group add NAME                         add a group and print its id
  group list                             print every group's name, id and members
  group member add GROUP USER            add a user to a group
  key rotate                             add a master key version and re-wrap every data key

flags (each also read from the environment variable in brackets):
`

// config is what the flags and environment variables say.
type config struct {
	addr          string
	dataDir       string
	dsn           string
	keyFile       string
	keyEnv        string
	passphraseEnv string
	adminPassword string
	sessionTTL    time.Duration
	logLevel      slog.Level
}

// run is secretd: it parses args, runs the command and returns the exit
// code. Lines for people go to stdout; logs and errors to stderr.
func run(args []string, stdout, stderr io.Writer) int {
	c, rest, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "secretd: error: %v\n", err)
		return 2
	}

	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: c.logLevel}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if len(rest) == 0 {
		return serve(ctx, c, stdout, log)
	}
	if err := command(ctx, c, rest, stdout, log); err != nil {
		fmt.Fprintf(stderr, "secretd: error: %v\n", err)
		if errors.Is(err, errUsage) {
			return 2
		}
		return 1
	}
	return 0
}

func parseFlags(args []string, stderr io.Writer) (config, []string, error) {
	var c config
	fs := flag.NewFlagSet("secretd", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}

	// Flags show their built-in defaults; the environment fills in after
	// parsing, so usage never prints a value from it, a password or a DSN
	// with one included.
	fromEnv := map[string]string{}
	str := func(p *string, name, env, fallback, help string) {
		fs.StringVar(p, name, fallback, help+" ["+env+"]")
		fromEnv[name] = env
	}
	str(&c.addr, "addr", "SECRETD_ADDR", "127.0.0.1:8080", "listen `address`")
	str(&c.dataDir, "data", "SECRETD_DATA", "secretd-data",
		"data `directory` for the SQLite file and the key file")
	str(&c.dsn, "dsn", "SECRETD_DSN", "",
		"PostgreSQL `URL` (postgres://…); empty means SQLite in the data directory")
	str(&c.keyFile, "key-file", "SECRETD_KEY_FILE", "",
		"master key `file`, created with mode 0600 when missing; default DATA/master.key")
	str(&c.keyEnv, "key-env", "SECRETD_KEY_ENV", "",
		"read the master key from the environment variable `NAME` instead of a file")
	str(&c.passphraseEnv, "passphrase-env", "SECRETD_PASSPHRASE_ENV", "",
		"unlock the key file with the passphrase in the environment variable `NAME`")
	str(&c.adminPassword, "admin-password", "SECRETD_ADMIN_PASSWORD", "",
		"`password` of the admin made on first start; random and printed when empty")
	fs.DurationVar(&c.sessionTTL, "session-ttl", envDuration("SECRETD_SESSION_TTL", 12*time.Hour),
		"how long a login lasts [SECRETD_SESSION_TTL]")
	var level string
	str(&level, "log-level", "SECRETD_LOG_LEVEL", "info", "debug, info, warn or error")

	if err := fs.Parse(args); err != nil {
		return c, nil, err
	}
	if err := setFromEnv(fs, fromEnv); err != nil {
		return c, nil, err
	}
	if err := c.logLevel.UnmarshalText([]byte(level)); err != nil {
		return c, nil, fmt.Errorf("-log-level %q: want debug, info, warn or error", level)
	}
	if c.keyEnv != "" && c.passphraseEnv != "" {
		return c, nil, errors.New("-key-env and -passphrase-env exclude each other: the key comes from one place")
	}
	return c, fs.Args(), nil
}

// setFromEnv sets each flag of envs that the command line left out to
// its environment variable, when that is set.
func setFromEnv(fs *flag.FlagSet, envs map[string]string) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })

	for name, env := range envs {
		v, ok := os.LookupEnv(env)
		if !ok || given[name] {
			continue
		}
		if err := fs.Set(name, v); err != nil {
			return fmt.Errorf("environment variable %s: %w", env, err)
		}
	}
	return nil
}

func envDuration(name string, fallback time.Duration) time.Duration {
	d, err := time.ParseDuration(os.Getenv(name))
	if err != nil {
		return fallback
	}
	return d
}

// options turns the flags into the configurator's options.
func (c config) options(log *slog.Logger) (configurator.Options, error) {
	key := configurator.KeySource{File: c.keyFile, Env: c.keyEnv}
	if c.passphraseEnv != "" {
		p := os.Getenv(c.passphraseEnv)
		if p == "" {
			return configurator.Options{}, fmt.Errorf("passphrase: environment variable %q is empty or unset", c.passphraseEnv)
		}
		key.Passphrase = []byte(p)
	}
	return configurator.Options{
		DataDir:  c.dataDir,
		DSN:      c.dsn,
		Key:      key,
		Registry: generated.Registry(),
		Logger:   log,
	}, nil
}

// errUsage marks a command line that names no command.
var errUsage = errors.New("usage")

func usageError(format string, args ...any) error {
	return fmt.Errorf("%w: "+format+" (run secretd -h)", append([]any{errUsage}, args...)...)
}

func command(ctx context.Context, c config, args []string, stdout io.Writer, log *slog.Logger) error {
	opts, err := c.options(log)
	if err != nil {
		return err
	}
	cfg := configurator.New(opts)
	defer cfg.Close()

	switch strings.Join(args[:min(len(args), 3)], " ") {
	case "group member add":
		return groupMemberAdd(ctx, cfg, args[3:], stdout)
	}
	switch strings.Join(args[:min(len(args), 2)], " ") {
	case "user add":
		return userAdd(ctx, cfg, args[2:], stdout)
	case "user list":
		return userList(ctx, cfg, args[2:], stdout)
	case "group add":
		return groupAdd(ctx, cfg, args[2:], stdout)
	case "group list":
		return groupList(ctx, cfg, args[2:], stdout)
	case "key rotate":
		return keyRotate(ctx, cfg, args[2:], stdout)
	}
	return usageError("unknown command %q", strings.Join(args, " "))
}
