package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/secretgen/secretgen/runtime/kind"
)

func TestCreateGetUpdateList(t *testing.T) {
	onEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := fresh(t, dsn)

		meta, err := s.Create(ctx, "SMTP", []byte(`{"Host":"mail.example.com"}`))
		if err != nil {
			t.Fatal(err)
		}
		if meta.Version != 1 || meta.Type != "SMTP" || len(meta.ID) != 36 {
			t.Fatalf("create returned %+v, want version 1 of an SMTP secret with a UUID", meta)
		}

		item, err := s.Get(ctx, "SMTP", meta.ID)
		if err != nil {
			t.Fatal(err)
		}
		if string(item.Payload) != `{"Host":"mail.example.com"}` || item.Meta != meta {
			t.Fatalf("get returned %+v %s, want %+v and the created payload", item.Meta, item.Payload, meta)
		}

		updated, err := s.Update(ctx, "SMTP", meta.ID, 1, []byte(`{"Host":"smtp.example.com"}`))
		if err != nil {
			t.Fatal(err)
		}
		if updated.Version != 2 || !updated.CreatedAt.Equal(meta.CreatedAt) {
			t.Fatalf("update returned %+v, want version 2 with the creation time kept", updated)
		}

		if _, err := s.Create(ctx, "Jira", []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
		items, err := s.List(ctx, "SMTP")
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 1 || string(items[0].Payload) != `{"Host":"smtp.example.com"}` {
			t.Fatalf("list SMTP returned %d items, want the one updated secret", len(items))
		}
		all, _ := s.List(ctx, "")
		if len(all) != 2 {
			t.Fatalf("list of every type returned %d items, want 2", len(all))
		}
	})
}

func TestGetRefusesAnotherTypeAndMissingIDs(t *testing.T) {
	onEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := fresh(t, dsn)
		meta, _ := s.Create(ctx, "SMTP", []byte(`{}`))

		cases := []struct{ typ, id string }{
			{"Jira", meta.ID},
			{"SMTP", "00000000-0000-4000-8000-000000000000"},
			{"", "not-a-uuid"},
		}
		for _, c := range cases {
			_, err := s.Get(ctx, c.typ, c.id)
			if !errors.Is(err, kind.ErrNotFound) {
				t.Errorf("get %s %q: got %v, want kind.ErrNotFound", c.typ, c.id, err)
			}
		}
		if _, err := s.Get(ctx, "", meta.ID); err != nil {
			t.Errorf("get with any type: %v", err)
		}
	})
}

func TestStaleVersionIsAConflict(t *testing.T) {
	onEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := fresh(t, dsn)
		meta, _ := s.Create(ctx, "SMTP", []byte(`{"v":1}`))
		if _, err := s.Update(ctx, "SMTP", meta.ID, 1, []byte(`{"v":2}`)); err != nil {
			t.Fatal(err)
		}

		_, err := s.Update(ctx, "SMTP", meta.ID, 1, []byte(`{"v":3}`))
		if !errors.Is(err, kind.ErrConflict) {
			t.Fatalf("update of stale version 1: got %v, want kind.ErrConflict", err)
		}
		if err := s.Delete(ctx, "SMTP", meta.ID, 1); !errors.Is(err, kind.ErrConflict) {
			t.Fatalf("delete of stale version 1: got %v, want kind.ErrConflict", err)
		}
		if _, err := s.Restore(ctx, meta.ID, 1, 1); !errors.Is(err, kind.ErrConflict) {
			t.Fatalf("restore on stale version 1: got %v, want kind.ErrConflict", err)
		}

		item, _ := s.Get(ctx, "SMTP", meta.ID)
		if string(item.Payload) != `{"v":2}` || item.Version != 2 {
			t.Fatalf("after the conflicts the secret is version %d %s, want version 2 unchanged", item.Version, item.Payload)
		}
	})
}

func TestDeleteUndeletePurge(t *testing.T) {
	onEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := fresh(t, dsn)
		meta, _ := s.Create(ctx, "SMTP", []byte(`{"v":1}`))
		meta, _ = s.Update(ctx, "SMTP", meta.ID, 1, []byte(`{"v":2}`))

		if err := s.Delete(ctx, "SMTP", meta.ID, meta.Version); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get(ctx, "", meta.ID); !errors.Is(err, kind.ErrNotFound) {
			t.Fatalf("get after delete: got %v, want kind.ErrNotFound", err)
		}
		if items, _ := s.List(ctx, "SMTP"); len(items) != 0 {
			t.Fatalf("list after delete returned %d items, want none", len(items))
		}
		if items, _ := s.GetMany(ctx, []string{meta.ID}); len(items) != 0 {
			t.Fatalf("get many after delete returned %d items, want none", len(items))
		}
		if _, err := s.Update(ctx, "SMTP", meta.ID, meta.Version, []byte(`{}`)); !errors.Is(err, kind.ErrNotFound) {
			t.Fatalf("update after delete: got %v, want kind.ErrNotFound", err)
		}

		if _, err := s.Undelete(ctx, meta.ID, meta.Version+1); !errors.Is(err, kind.ErrConflict) {
			t.Fatalf("undelete of a wrong version: got %v, want kind.ErrConflict", err)
		}
		if _, err := s.Undelete(ctx, meta.ID, meta.Version); err != nil {
			t.Fatal(err)
		}
		item, err := s.Get(ctx, "SMTP", meta.ID)
		if err != nil || string(item.Payload) != `{"v":2}` {
			t.Fatalf("get after undelete: %v, want the secret back", err)
		}

		if err := s.Purge(ctx, meta.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Undelete(ctx, meta.ID, meta.Version); !errors.Is(err, kind.ErrNotFound) {
			t.Fatalf("undelete after purge: got %v, want kind.ErrNotFound", err)
		}
		if n := countRows(t, s, "secret_versions"); n != 0 {
			t.Fatalf("purge left %d kept versions, want none", n)
		}
		if err := s.Purge(ctx, meta.ID); !errors.Is(err, kind.ErrNotFound) {
			t.Fatalf("second purge: got %v, want kind.ErrNotFound", err)
		}
	})
}

func TestHistoryKeepsConfiguredVersionsAndRestores(t *testing.T) {
	onEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := fresh(t, dsn) // keeps 3 old versions
		meta, _ := s.Create(ctx, "SMTP", []byte(`{"v":1}`))
		for v := int64(1); v < 6; v++ {
			meta, _ = s.Update(ctx, "SMTP", meta.ID, v, []byte(`{"v":`+string(rune('1'+v))+`}`))
		}

		history, err := s.History(ctx, meta.ID)
		if err != nil {
			t.Fatal(err)
		}
		var versions []int64
		for _, m := range history {
			versions = append(versions, m.Version)
		}
		if !slices.Equal(versions, []int64{6, 5, 4, 3}) {
			t.Fatalf("history holds versions %v, want [6 5 4 3]", versions)
		}
		if _, err := s.GetVersion(ctx, meta.ID, 2); !errors.Is(err, kind.ErrNotFound) {
			t.Fatalf("get pruned version 2: got %v, want kind.ErrNotFound", err)
		}

		restored, err := s.Restore(ctx, meta.ID, 6, 3)
		if err != nil {
			t.Fatal(err)
		}
		item, _ := s.Get(ctx, "SMTP", meta.ID)
		if restored.Version != 7 || item.Version != 7 || string(item.Payload) != `{"v":3}` {
			t.Fatalf("after restoring version 3 the secret is version %d %s, want version 7 {\"v\":3}", item.Version, item.Payload)
		}
		old, err := s.GetVersion(ctx, meta.ID, 6)
		if err != nil || string(old.Payload) != `{"v":6}` {
			t.Fatalf("get version 6 after restore: %v %s, want {\"v\":6}", err, old.Payload)
		}
	})
}

func TestOpenMigratesOnceAndRecordsTheSchemaVersion(t *testing.T) {
	onEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		kr, _ := newKeyring(t)
		s := open(t, dsn, kr)
		meta, _ := s.Create(ctx, "SMTP", []byte(`{}`))
		s.Close()

		s = open(t, dsn, kr)
		if _, err := s.Get(ctx, "SMTP", meta.ID); err != nil {
			t.Fatalf("get after reopening: %v", err)
		}
		var version int
		s.DB().NewSelect().Table("secretgen_schema").Column("version").Where("component = ?", component).Scan(ctx, &version)
		if version != len(migrations) {
			t.Fatalf("recorded schema version %d, want %d", version, len(migrations))
		}

		s.DB().NewUpdate().Table("secretgen_schema").Set("version = ?", len(migrations)+1).Where("component = ?", component).Exec(ctx)
		_, err := Open(ctx, Config{DSN: dsn, Keyring: kr})
		if err == nil {
			t.Fatal("open of a database with a newer schema succeeded, want an error")
		}
	})
}

func TestSQLiteDefaultKeyFileBesideTheDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "data", "secrets.db")
	s, err := Open(ctx, Config{DSN: "sqlite:" + path})
	if err != nil {
		t.Fatal(err)
	}
	meta, _ := s.Create(ctx, "SMTP", []byte(`{}`))
	s.Close()

	fi, err := os.Stat(path + ".key")
	if err != nil {
		t.Fatalf("no key file beside the database: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, want 0600", fi.Mode().Perm())
	}

	s, err = Open(ctx, Config{DSN: path})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Get(ctx, "SMTP", meta.ID); err != nil {
		t.Fatalf("get with the reloaded default key file: %v", err)
	}
}

func TestOpenRefusesBadDSNs(t *testing.T) {
	cases := []string{"", ":memory:", "file::memory:", "file:x.db?mode=memory"}
	for _, dsn := range cases {
		_, err := Open(context.Background(), Config{DSN: dsn})
		if err == nil {
			t.Errorf("open %q succeeded, want an error", dsn)
		}
	}
}

func TestBadInputChangesNothing(t *testing.T) {
	onEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := fresh(t, dsn)
		if _, err := s.Create(ctx, "", []byte(`{}`)); err == nil {
			t.Error("create with an empty type succeeded")
		}
		if _, err := s.Create(ctx, "SMTP", make([]byte, MaxPayload+1)); err == nil {
			t.Error("create with a payload past MaxPayload succeeded")
		}
		if n := countRows(t, s, "secrets"); n != 0 {
			t.Fatalf("bad input left %d rows, want none", n)
		}
	})
}

func countRows(t testing.TB, s *Store, table string) int64 {
	t.Helper()
	n, err := s.DB().NewSelect().Table(table).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSQLiteRunsInWALModeWithForeignKeys(t *testing.T) {
	ctx := context.Background()
	s := fresh(t, filepath.Join(t.TempDir(), "secrets.db"))

	var mode string
	var foreignKeys int
	if err := s.DB().QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if err := s.DB().QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&foreignKeys); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" || foreignKeys != 1 {
		t.Fatalf("journal_mode %q and foreign_keys %d, want wal and 1", mode, foreignKeys)
	}
}

func TestPaddingHidesTheExactLength(t *testing.T) {
	cases := []struct {
		payload string
		sealed  int
	}{
		{"", padBlock},
		{"{}", padBlock},
		{strings.Repeat("x", padBlock-1), padBlock},
		{strings.Repeat("x", padBlock), 2 * padBlock},
		{"ends in zero\x00", padBlock},
	}
	for _, c := range cases {
		padded := pad([]byte(c.payload))
		if len(padded) != c.sealed {
			t.Errorf("pad of %d bytes gave %d, want %d", len(c.payload), len(padded), c.sealed)
		}
		back, err := unpad(padded)
		if err != nil || string(back) != c.payload {
			t.Errorf("unpad of %d bytes: %v, want the payload back", len(c.payload), err)
		}
	}

	for _, bad := range [][]byte{make([]byte, padBlock), append(make([]byte, padBlock-1), 1)} {
		if _, err := unpad(bad); err == nil {
			t.Errorf("unpad accepted %x, want an error", bad)
		}
	}
}

func TestInTxRollsBackEverythingOnError(t *testing.T) {
	onEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := fresh(t, dsn)
		kept, _ := s.Create(ctx, "SMTP", []byte(`{"v":1}`))

		refused := errors.New("refused by the access layer")
		err := s.InTx(ctx, func(tx *Tx) error {
			if _, err := tx.Create(ctx, "SMTP", []byte(`{}`)); err != nil {
				return err
			}
			if _, err := tx.Update(ctx, "SMTP", kept.ID, 1, []byte(`{"v":2}`)); err != nil {
				return err
			}
			return refused
		})
		if !errors.Is(err, refused) {
			t.Fatalf("InTx returned %v, want the function's error", err)
		}

		items, _ := s.List(ctx, "")
		if len(items) != 1 || items[0].Version != 1 || string(items[0].Payload) != `{"v":1}` {
			t.Fatalf("after the rollback the store holds %d secrets, want the first one unchanged", len(items))
		}
	})
}

func TestOpenBySeveralStoresAtOnceMigratesOnce(t *testing.T) {
	onEachBackend(t, func(t *testing.T, dsn string) {
		kr, _ := newKeyring(t)
		errs := make(chan error, 4)
		for range 4 {
			go func() {
				s, err := Open(context.Background(), Config{DSN: dsn, Keyring: kr})
				if err == nil {
					s.Close()
				}
				errs <- err
			}()
		}
		for range 4 {
			if err := <-errs; err != nil {
				t.Errorf("concurrent open: %v", err)
			}
		}
	})
}

func TestSQLiteDSNForms(t *testing.T) {
	cases := []struct{ dsn, path string }{
		{"/var/lib/secretd/secrets.db", "/var/lib/secretd/secrets.db"},
		{"sqlite:/var/lib/secretd/secrets.db", "/var/lib/secretd/secrets.db"},
		{"file:/var/lib/secretd/secrets.db?cache=shared", "/var/lib/secretd/secrets.db"},
		{"data/secrets.db", "data/secrets.db"},
		{"/tmp/with space/s.db", "/tmp/with space/s.db"},
	}
	for _, c := range cases {
		path, uri, err := sqliteURI(c.dsn)
		if err != nil || path != c.path {
			t.Errorf("sqliteURI(%q) = %q, %v; want path %q", c.dsn, path, err, c.path)
			continue
		}
		for _, want := range []string{"journal_mode%28WAL%29", "busy_timeout", "foreign_keys%281%29", "_txlock=immediate"} {
			if !strings.Contains(uri, want) {
				t.Errorf("sqliteURI(%q) = %q, which lacks %s", c.dsn, uri, want)
			}
		}
	}
}
