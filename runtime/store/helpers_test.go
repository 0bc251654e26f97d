package store

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/secretgen/secretgen/internal/testenv"
	"github.com/secretgen/secretgen/runtime/keyring"
)

// backend names a database the store runs on and makes a fresh DSN for it.
type backend struct {
	name string
	dsn  func(t *testing.T) string
}

var backends = []backend{
	{SQLite, func(t *testing.T) string { return filepath.Join(t.TempDir(), "secrets.db") }},
	{Postgres, func(t *testing.T) string { return testenv.Postgres(t) }},
}

// onEachBackend runs test once per backend, each with a fresh database.
func onEachBackend(t *testing.T, test func(t *testing.T, dsn string)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { test(t, b.dsn(t)) })
	}
}

// newKeyring returns a keyring with one random master key, saved in a key
// file so that other stores (and child processes) can share it.
func newKeyring(t testing.TB) (*keyring.Keyring, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "master.key")
	kr, err := keyring.FromFile(path, keyring.FileOptions{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	return kr, path
}

// open opens a store on dsn and closes it when the test ends.
func open(t testing.TB, dsn string, kr *keyring.Keyring) *Store {
	t.Helper()
	s, err := Open(context.Background(), Config{DSN: dsn, Keyring: kr, KeepVersions: 3})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// fresh opens a store on a new database of the backend with a new keyring.
func fresh(t *testing.T, dsn string) *Store {
	kr, _ := newKeyring(t)
	return open(t, dsn, kr)
}
