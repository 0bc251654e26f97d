// Package configurator activates secret management in a platform: it opens
// the encrypted store, the directory of users and groups, the access
// rules, the JSON API and the mail system, and wires them together.
//
//	cfg := configurator.New(configurator.Options{
//		DataDir:      "secretd-data",        // SQLite file and key file
//		Registry:     generated.Registry(),  // the platform's own types
//		Handlers:     generated.Handlers(),  // and their HTTP handlers
//		Authenticate: mySession,             // request -> access.Subject
//	})
//	defer cfg.Close()
//	sm := std.Must(cfg.SecretManagement())
//	mux.Handle("/api/", sm.API.Handler())
//	err := sm.Mailer.Send(ctx, mail.Message{To: to, Subject: s, Body: b})
//
// SecretManagement enables user and group management first when the
// platform has not done so: secrets are shared with users and groups, so
// they cannot work without them. The SMTP type is always registered,
// because the mail system finds its server through it.
package configurator

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"

	"github.com/secretgen/secretgen/runtime/access"
	"github.com/secretgen/secretgen/runtime/directory"
	"github.com/secretgen/secretgen/runtime/httpapi"
	"github.com/secretgen/secretgen/runtime/keyring"
	"github.com/secretgen/secretgen/runtime/kind"
	"github.com/secretgen/secretgen/runtime/store"
)

// Default file names inside Options.DataDir.
const (
	DatabaseFile = "secretd.db"
	KeyFile      = "master.key"
)

// Options say where secrets live and how the system is assembled. The
// zero value keeps everything in the directory "secretd-data".
type Options struct {
	// DataDir holds the SQLite database and the key file when DSN and
	// Key do not say otherwise. It is created with mode 0700.
	DataDir string
	// DSN selects the database: empty is the SQLite file DataDir/secretd.db;
	// postgres:// or postgresql:// is PostgreSQL.
	DSN string
	// Key says where the master keys come from.
	Key KeySource
	// Registry holds the platform's secret types. SMTP is always there;
	// a type of the same name here replaces the built-in one.
	Registry kind.Registry
	// Handlers are the generated HTTP handlers of the platform's types,
	// e.g. generated.Handlers() of the package Registry comes from; each
	// must fit a registered type. The built-in generated handlers serve
	// every registered type they were generated for; other types get the
	// API's generic handlers.
	Handlers []httpapi.TypeHandlers
	// KeepVersions is how many old versions of a secret the store keeps;
	// 0 means the store's default.
	KeepVersions int
	// Authenticate tells the JSON API who sends a request. When nil, the
	// API answers every request 401 until the platform sets one with
	// SecretManagement.SetAuthenticate.
	Authenticate func(*http.Request) (access.Subject, error)
	// Membership reads the groups of the platform's users at each
	// request. When nil, the built-in directory's memberships are used.
	Membership access.Membership
	// Logger receives operator-level events; nil discards them.
	Logger *slog.Logger
}

// KeySource names where the master keys come from. At most one of Env
// and Passphrase is set; with neither, the key file is used and created
// (mode 0600) on first start.
type KeySource struct {
	// Env is the name of an environment variable holding the keys.
	Env string
	// File is the key file, or the passphrase-sealed keyring file when
	// Passphrase is set; empty means DataDir/master.key.
	File string
	// Passphrase unlocks a keyring file stretched with Argon2id.
	Passphrase []byte
}

// Configurator activates the parts of secret management one by one. Each
// activation is idempotent and safe for concurrent use.
type Configurator struct {
	opts Options
	log  *slog.Logger

	mu      sync.Mutex
	store   *store.Store
	keys    *keyring.Keyring
	dir     *directory.Directory
	users   bool
	groups  bool
	secrets *SecretManagement
}

// New returns a configurator for opts. It opens nothing yet.
func New(opts Options) *Configurator {
	if opts.DataDir == "" {
		opts.DataDir = "secretd-data"
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Configurator{opts: opts, log: log}
}

// UserManagement enables the directory of users, when not active yet,
// and returns it.
func (c *Configurator) UserManagement() (*directory.Directory, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.userManagement()
}

// GroupManagement enables groups and memberships (and so users), when not
// active yet, and returns the directory. The group system always exists.
func (c *Configurator) GroupManagement() (*directory.Directory, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.groupManagement()
}

// UserManagementActive reports whether user management is enabled.
func (c *Configurator) UserManagementActive() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.users
}

// GroupManagementActive reports whether group management is enabled.
func (c *Configurator) GroupManagementActive() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.groups
}

// Store opens the encrypted store, when not open yet, and returns it.
func (c *Configurator) Store() (*store.Store, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.openStore()
}

// Keyring returns the master keys, opening the store first when needed.
func (c *Configurator) Keyring() (*keyring.Keyring, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := c.openStore(); err != nil {
		return nil, err
	}
	return c.keys, nil
}

// Close closes the store. The configurator cannot be used afterwards.
func (c *Configurator) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.store == nil {
		return nil
	}
	err := c.store.Close()
	c.store = nil
	return err
}

func (c *Configurator) userManagement() (*directory.Directory, error) {
	if c.users {
		return c.dir, nil
	}
	s, err := c.openStore()
	if err != nil {
		return nil, err
	}

	dir, err := directory.Open(context.Background(), s.DB())
	if err != nil {
		return nil, fmt.Errorf("configurator: enable user management: %w", err)
	}
	c.dir, c.users = dir, true
	c.log.Debug("user management enabled")
	return dir, nil
}

func (c *Configurator) groupManagement() (*directory.Directory, error) {
	dir, err := c.userManagement()
	if err != nil {
		return nil, err
	}
	if !c.groups {
		c.groups = true
		c.log.Debug("group management enabled")
	}
	return dir, nil
}

func (c *Configurator) openStore() (*store.Store, error) {
	if c.store != nil {
		return c.store, nil
	}

	dsn, err := c.dsn()
	if err != nil {
		return nil, err
	}
	keys, err := c.keyring()
	if err != nil {
		return nil, err
	}
	s, err := store.Open(context.Background(), store.Config{
		DSN:          dsn,
		Keyring:      keys,
		KeepVersions: c.opts.KeepVersions,
		Logger:       c.log,
	})
	if err != nil {
		return nil, fmt.Errorf("configurator: %w", err)
	}
	c.store, c.keys = s, keys
	return s, nil
}

// dsn returns the database to open, creating the data directory for the
// default SQLite file.
func (c *Configurator) dsn() (string, error) {
	if c.opts.DSN != "" {
		return c.opts.DSN, nil
	}
	if err := c.ensureDataDir(); err != nil {
		return "", err
	}
	return filepath.Join(c.opts.DataDir, DatabaseFile), nil
}

func (c *Configurator) ensureDataDir() error {
	if err := os.MkdirAll(c.opts.DataDir, 0o700); err != nil {
		return fmt.Errorf("configurator: create data directory: %w", err)
	}
	return nil
}

func (c *Configurator) keyring() (*keyring.Keyring, error) {
	k := c.opts.Key
	if k.Env != "" && len(k.Passphrase) > 0 {
		return nil, errors.New("configurator: key source: set either an environment variable or a passphrase, not both")
	}
	if k.Env != "" {
		kr, err := keyring.FromEnv(k.Env)
		if err != nil {
			return nil, fmt.Errorf("configurator: %w", err)
		}
		return kr, nil
	}

	path := k.File
	if path == "" {
		if err := c.ensureDataDir(); err != nil {
			return nil, err
		}
		path = filepath.Join(c.opts.DataDir, KeyFile)
	}
	if len(k.Passphrase) > 0 {
		kr, err := keyring.FromPassphrase(k.Passphrase, path,
			keyring.PassphraseOptions{Create: true, Logger: c.log})
		if err != nil {
			return nil, fmt.Errorf("configurator: %w", err)
		}
		return kr, nil
	}
	kr, err := keyring.FromFile(path, keyring.FileOptions{Create: true, Logger: c.log})
	if err != nil {
		return nil, fmt.Errorf("configurator: %w", err)
	}
	return kr, nil
}
