package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/secretgen/secretgen/runtime/keyring"
	"github.com/secretgen/secretgen/runtime/kind"
)

// canary is a password that must never reach the database in clear.
const canary = "CANARY-7f3a"

// tamper changes the stored row of victim, given another secret of the
// same store.
type tamper func(t *testing.T, s *Store, victim, other kind.Meta)

func TestTamperedRowsGiveAClearErrorAndNoPlaintext(t *testing.T) {
	cases := []struct {
		name   string
		tamper tamper
		want   string
	}{
		{"ciphertext copied from another row", copyEnvelope, "message authentication failed"},
		{"bit flipped in the ciphertext", flipBit("ciphertext"), "message authentication failed"},
		{"bit flipped in the nonce", flipBit("nonce"), "message authentication failed"},
		{"bit flipped in the wrapped key", flipBit("wrapped_key"), "message authentication failed"},
		{"older version replayed as current", replayOlderVersion, "message authentication failed"},
		{"type column changed", setColumn("type", "Jira"), "message authentication failed"},
		{"unknown master key version", setColumn("key_version", 9), "unknown master key version"},
		{"unknown envelope format", setColumn("format", 0), "unknown envelope format"},
		{"ciphertext replaced by plaintext", setColumn("ciphertext", []byte(`{"Password":"`+canary+`"}`)), "message authentication failed"},
		{"nonce cut short", setColumn("nonce", []byte("short")), "malformed envelope"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			onEachBackend(t, func(t *testing.T, dsn string) {
				ctx := context.Background()
				s := fresh(t, dsn)
				victim, _ := s.Create(ctx, "SMTP", []byte(`{"Password":"`+canary+`"}`))
				victim, _ = s.Update(ctx, "SMTP", victim.ID, 1, []byte(`{"Password":"`+canary+`-2"}`))
				other, _ := s.Create(ctx, "SMTP", []byte(`{"Password":"other"}`))

				c.tamper(t, s, victim, other)

				item, err := s.Get(ctx, "", victim.ID)
				assertRefused(t, item, err, c.want)
				_, err = s.List(ctx, "")
				assertRefused(t, kind.Item{}, err, c.want)
			})
		})
	}
}

func TestWrongMasterKeyGivesAClearErrorAndNoPlaintext(t *testing.T) {
	onEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		meta, _ := fresh(t, dsn).Create(ctx, "SMTP", []byte(`{"Password":"`+canary+`"}`))

		wrong, _ := newKeyring(t) // also version 1, another key
		item, err := open(t, dsn, wrong).Get(ctx, "SMTP", meta.ID)
		assertRefused(t, item, err, "unwrap data key with master key version 1: message authentication failed")
	})
}

func assertRefused(t *testing.T, item kind.Item, err error, want string) {
	t.Helper()
	switch {
	case err == nil:
		t.Fatalf("read of a tampered row succeeded, want an error containing %q", want)
	case !strings.Contains(err.Error(), want):
		t.Fatalf("got error %q, want one containing %q", err, want)
	case strings.Contains(err.Error(), canary) || item.Payload != nil:
		t.Fatalf("the error or the item holds plaintext: %q", err)
	case errors.Is(err, kind.ErrNotFound):
		t.Fatalf("got %q, which claims the secret is missing", err)
	}
}

func copyEnvelope(t *testing.T, s *Store, victim, other kind.Meta) {
	var src secretRow
	ctx := context.Background()
	if err := s.DB().NewSelect().Model(&src).Where("id = ?", other.ID).Scan(ctx); err != nil {
		t.Fatal(err)
	}
	setRow(t, s, victim.ID, map[string]any{
		"key_version": src.KeyVersion, "wrapped_key": src.WrappedKey, "nonce": src.Nonce, "ciphertext": src.Ciphertext,
	})
}

func replayOlderVersion(t *testing.T, s *Store, victim, _ kind.Meta) {
	var old versionRow
	ctx := context.Background()
	err := s.DB().NewSelect().Model(&old).Where("secret_id = ?", victim.ID).Where("version = ?", victim.Version-1).Scan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	setRow(t, s, victim.ID, map[string]any{
		"key_version": old.KeyVersion, "wrapped_key": old.WrappedKey, "nonce": old.Nonce, "ciphertext": old.Ciphertext,
	})
}

func flipBit(column string) tamper {
	return func(t *testing.T, s *Store, victim, _ kind.Meta) {
		var b []byte
		ctx := context.Background()
		err := s.DB().NewSelect().Table("secrets").Column(column).Where("id = ?", victim.ID).Scan(ctx, &b)
		if err != nil {
			t.Fatal(err)
		}
		b[len(b)/2] ^= 0x10
		setRow(t, s, victim.ID, map[string]any{column: b})
	}
}

func setColumn(column string, value any) tamper {
	return func(t *testing.T, s *Store, victim, _ kind.Meta) {
		setRow(t, s, victim.ID, map[string]any{column: value})
	}
}

func setRow(t *testing.T, s *Store, id string, values map[string]any) {
	t.Helper()
	q := s.DB().NewUpdate().Table("secrets").Where("id = ?", id)
	for column, v := range values {
		q = q.Set("? = ?", bun.Ident(column), v)
	}
	if _, err := q.Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestCanaryNeverReachesTheDatabaseInClear(t *testing.T) {
	onEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		kr, _ := newKeyring(t)
		s := open(t, dsn, kr)

		meta, _ := s.Create(ctx, "SMTP", []byte(`{"Password":"`+canary+`"}`))
		meta, _ = s.Update(ctx, "SMTP", meta.ID, 1, []byte(`{"Password":"`+canary+`","Port":25}`))
		if _, err := kr.Rotate(); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Rewrap(ctx, 10); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Restore(ctx, meta.ID, 2, 1); err != nil {
			t.Fatal(err)
		}
		item, err := s.Get(ctx, "SMTP", meta.ID)
		if err != nil || !bytes.Contains(item.Payload, []byte(canary)) {
			t.Fatalf("the canary secret does not read back: %v", err)
		}

		scanColumns(t, s)
		if s.Dialect() == SQLite {
			scanFiles(t, dsn) // while open: the WAL still holds every write
			s.Close()
			scanFiles(t, dsn)
		}
	})
}

// scanColumns reads every column of the store's tables as text, and every
// column but the ciphertext as bytes, and looks for the canary.
func scanColumns(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	for _, table := range []string{"secrets", "secret_versions", "secretgen_schema"} {
		rows, err := s.DB().QueryContext(ctx, "SELECT * FROM "+table)
		if err != nil {
			t.Fatal(err)
		}
		columns, _ := rows.Columns()
		seen := 0
		for rows.Next() {
			values := make([]any, len(columns))
			ptrs := make([]any, len(columns))
			for i := range values {
				ptrs[i] = &values[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range values {
				if bytes.Contains(asBytes(v), []byte(canary)) {
					t.Errorf("column %s.%s holds the canary", table, columns[i])
				}
			}
			seen++
		}
		rows.Close()
		if table != "secretgen_schema" && seen == 0 {
			t.Errorf("table %s is empty: the scan would prove nothing", table)
		}
	}
}

func asBytes(v any) []byte {
	switch v := v.(type) {
	case []byte:
		return v
	case string:
		return []byte(v)
	}
	return nil
}

// scanFiles reads the SQLite database file, its WAL and its shared-memory
// index as bytes and looks for the canary.
func scanFiles(t *testing.T, path string) {
	t.Helper()
	found := 0
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		data, err := os.ReadFile(path + suffix)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		found++
		if bytes.Contains(data, []byte(canary)) {
			t.Errorf("%s holds the canary in clear", path+suffix)
		}
	}
	if found == 0 {
		t.Fatalf("no database file at %s: the scan would prove nothing", path)
	}
}

func TestTwoWritersOnTheSameVersionExactlyOneWins(t *testing.T) {
	onEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		kr, _ := newKeyring(t)
		first, second := open(t, dsn, kr), open(t, dsn, kr) // two pools, as two processes
		meta, _ := first.Create(ctx, "SMTP", []byte(`{"v":0}`))

		for round := int64(1); round <= 10; round++ {
			errs := make([]error, 2)
			var start, done sync.WaitGroup
			start.Add(1)
			for i, s := range []*Store{first, second} {
				done.Add(1)
				go func() {
					defer done.Done()
					start.Wait()
					_, errs[i] = s.Update(ctx, "SMTP", meta.ID, round, []byte(`{"writer":`+string(rune('0'+i))+`}`))
				}()
			}
			start.Done()
			done.Wait()

			wins := 0
			for _, err := range errs {
				switch {
				case err == nil:
					wins++
				case !errors.Is(err, kind.ErrConflict):
					t.Fatalf("round %d: loser got %v, want kind.ErrConflict", round, err)
				}
			}
			if wins != 1 {
				t.Fatalf("round %d: %d writers won, want exactly 1 (errors %v)", round, wins, errs)
			}
		}

		item, err := second.Get(ctx, "SMTP", meta.ID)
		if err != nil || item.Version != 11 {
			t.Fatalf("after 10 rounds the secret is at version %d (%v), want 11", item.Version, err)
		}
	})
}

// keyringFor re-reads a key file, as another process would.
func keyringFor(t testing.TB, path string) *keyring.Keyring {
	t.Helper()
	kr, err := keyring.FromFile(path, keyring.FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return kr
}
