// Package store keeps secrets encrypted in SQLite or PostgreSQL through bun.
//
// Every payload is sealed under a fresh data key that the keyring's current
// master key wraps; only what lookups need (id, type, version, timestamps,
// master key version) is stored in clear.
//
//	kr, _ := keyring.FromFile("secrets.db.key", keyring.FileOptions{Create: true})
//	s, err := store.Open(ctx, store.Config{DSN: "secrets.db", Keyring: kr})
//	meta, err := s.Create(ctx, "SMTP", payload)
//	item, err := s.Get(ctx, "SMTP", meta.ID)
//	meta, err = s.Update(ctx, "SMTP", meta.ID, meta.Version, changed) // kind.ErrConflict when stale
//
// A DSN that starts with postgres:// or postgresql:// selects PostgreSQL;
// anything else is a SQLite file (a path, a file: URI or "sqlite:" and a
// path), created on first use. Open creates and migrates the schema.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	_ "modernc.org/sqlite" // database/sql driver "sqlite", pure Go

	"github.com/secretgen/secretgen/runtime/keyring"
	"github.com/secretgen/secretgen/runtime/kind"
)

// Dialect names returned by Store.Dialect.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// DefaultKeepVersions is how many old versions a secret keeps when
// Config.KeepVersions is zero.
const DefaultKeepVersions = 10

// idleConns is how many idle connections the pool keeps. database/sql
// keeps two by default, so under more concurrent requests than that it
// closes and reopens connections all the time, and every new connection
// prepares the store's statements again.
const idleConns = 32

// Config says where the store lives and how it seals payloads.
type Config struct {
	// DSN is a SQLite path or URI, or a postgres:// URL.
	DSN string
	// Keyring holds the master keys. When nil and the DSN is SQLite, Open
	// uses the key file beside the database (DSN path + ".key"), creating
	// it with mode 0600 on first use.
	Keyring *keyring.Keyring
	// KeepVersions is how many old versions of each secret are kept for
	// History and Restore: 0 means DefaultKeepVersions, negative none.
	KeepVersions int
	// Logger receives operator-level events; nil discards them.
	Logger *slog.Logger
}

// Store is the encrypted secret store. It is safe for concurrent use, and
// several processes may share one database.
type Store struct {
	db      *bun.DB
	dialect string
	keys    *keyring.Keyring
	keep    int
	log     *slog.Logger
	stmts   statements

	// rewrapHook, when set by tests, runs inside each rewrap batch after
	// its rows are written and before it commits.
	rewrapHook func(ctx context.Context, rows int) error
}

var _ kind.Store = (*Store)(nil)

// Open connects to the database named by cfg.DSN, creates or migrates its
// schema, and returns the store.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	s := &Store{keys: cfg.Keyring, keep: keepVersions(cfg.KeepVersions), log: cfg.Logger}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}

	sqldb, err := s.connect(cfg.DSN)
	if err != nil {
		return nil, err
	}
	sqldb.SetMaxIdleConns(idleConns)
	if err := s.migrate(ctx); err != nil {
		sqldb.Close()
		return nil, err
	}
	if err := s.prepare(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func keepVersions(n int) int {
	switch {
	case n == 0:
		return DefaultKeepVersions
	case n < 0:
		return 0
	}
	return n
}

// connect opens the database and, for SQLite without a keyring, the
// default key file.
func (s *Store) connect(dsn string) (*sql.DB, error) {
	if strings.TrimSpace(dsn) == "" {
		return nil, errors.New("store: empty DSN: want a SQLite path or a postgres:// URL")
	}
	if isPostgres(dsn) {
		return s.connectPostgres(dsn)
	}
	return s.connectSQLite(dsn)
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

func (s *Store) connectPostgres(dsn string) (*sql.DB, error) {
	if s.keys == nil {
		return nil, errors.New("store: PostgreSQL needs a keyring (Config.Keyring)")
	}
	sqldb, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open PostgreSQL: %w", err)
	}
	s.db = bun.NewDB(sqldb, pgdialect.New())
	s.dialect = Postgres
	return sqldb, nil
}

func (s *Store) connectSQLite(dsn string) (*sql.DB, error) {
	path, uri, err := sqliteURI(dsn)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: create directory for %q: %w", path, err)
	}
	if s.keys == nil {
		opt := keyring.FileOptions{Create: true, Logger: s.log}
		s.keys, err = keyring.FromFile(path+".key", opt)
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
	}

	if err := s.ownerOnly(path); err != nil {
		return nil, err
	}

	sqldb, err := sql.Open("sqlite", uri)
	if err != nil {
		return nil, fmt.Errorf("store: open SQLite %q: %w", path, err)
	}
	s.db = bun.NewDB(sqldb, sqlitedialect.New())
	s.dialect = SQLite
	return sqldb, nil
}

// ownerOnly creates the SQLite file with mode 0600 when it is missing,
// so that SQLite, which gives its WAL and shared-memory files the mode of
// the database, creates those owner-only too. The file holds ciphertexts,
// password hashes, sessions and the audit trail. A file or WAL that others
// may read is tightened, and the log says so.
func (s *Store) ownerOnly(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("store: create SQLite file %q: %w", path, err)
	}
	f.Close()

	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(name)
		if err != nil || fi.Mode().Perm()&0o077 == 0 {
			continue
		}
		if err := os.Chmod(name, fi.Mode().Perm()&0o700); err != nil {
			return fmt.Errorf("store: make %q owner-only: %w", name, err)
		}
		s.log.Info("store: made the database file owner-only", "file", name,
			"was", fi.Mode().Perm().String())
	}
	return nil
}

// sqliteURI turns a path, "sqlite:PATH" or a file: URI into the file path
// and a URI with the pragmas the store relies on: WAL, a busy timeout,
// foreign keys, and BEGIN IMMEDIATE so writers queue instead of failing
// when a read lock would need upgrading.
func sqliteURI(dsn string) (path, uri string, err error) {
	dsn = strings.TrimPrefix(dsn, "sqlite:")
	if !strings.HasPrefix(dsn, "file:") {
		dsn = "file:" + (&url.URL{Path: dsn}).EscapedPath()
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "", "", fmt.Errorf("store: SQLite DSN: %w", err)
	}
	path = u.Opaque
	if path == "" {
		path = u.Path
	}
	if path == "" || path == ":memory:" || u.Query().Get("mode") == "memory" {
		return "", "", fmt.Errorf("store: SQLite DSN %q: want a file path; an in-memory database would lose every secret", dsn)
	}
	if path, err = url.PathUnescape(path); err != nil {
		return "", "", fmt.Errorf("store: SQLite DSN %q: %w", dsn, err)
	}

	q := u.Query()
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "cache_size(-32768)")
	q.Set("_txlock", "immediate")
	q.Set("_time_format", "sqlite") // as bun writes times: sortable text
	return path, "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode(), nil
}

// Close closes the database.
func (s *Store) Close() error {
	s.stmts.close()
	return s.db.Close()
}

// DB returns the bun database, for the access layer's own tables.
func (s *Store) DB() *bun.DB {
	return s.db
}

// Dialect returns SQLite or Postgres.
func (s *Store) Dialect() string {
	return s.dialect
}

// Keyring returns the keyring the store seals with.
func (s *Store) Keyring() *keyring.Keyring {
	return s.keys
}

// Tx is a transaction on the store. Its methods work like the Store's,
// inside the transaction.
type Tx struct {
	s  *Store
	tx bun.Tx
}

// Bun returns the bun transaction, for the access layer's own rows.
func (tx *Tx) Bun() bun.Tx {
	return tx.tx
}

// InTx runs fn in one transaction and commits it when fn returns nil.
// On SQLite the transaction takes the write lock at once.
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	return s.db.RunInTx(ctx, nil, func(ctx context.Context, btx bun.Tx) error {
		return fn(&Tx{s: s, tx: btx})
	})
}
