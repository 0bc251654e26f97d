package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// The database holds no secret in clear, but it holds what an attacker
// should still not have: ciphertexts, password hashes of the directory,
// session ids and the audit trail. Like the key file beside it, it and
// its WAL should be readable by their owner alone, also in a directory
// that others may read.
func TestReviewDatabaseFilesAreOwnerOnly(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "secrets.db")
	s, err := Open(context.Background(), Config{DSN: path})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Create(context.Background(), "T", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}

	for _, name := range []string{path, path + "-wal", path + ".key"} {
		fi, err := os.Stat(name)
		if err != nil {
			t.Errorf("stat: %v", err)
			continue
		}
		if fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %v, want no access for group and others", filepath.Base(name), fi.Mode().Perm())
		}
	}
}

// A database created before files were owner-only, or copied in with the
// umask's mode, is tightened when the store opens it, and its WAL and
// shared-memory files follow.
func TestAnExistingDatabaseReadableByOthersIsMadeOwnerOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secrets.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil { // whatever the umask
		t.Fatal(err)
	}

	s, err := Open(context.Background(), Config{DSN: path})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Create(context.Background(), "T", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}

	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(name)
		if err != nil {
			t.Errorf("stat: %v", err)
			continue
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want -rw-------", filepath.Base(name), fi.Mode().Perm())
		}
	}
}
