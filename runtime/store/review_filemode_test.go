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
	t.Skip("review finding H11-7: the SQLite file and its WAL are created with the umask's mode (0644); route to the owner of runtime/store")

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
