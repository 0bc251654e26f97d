package store

import (
	"context"
	"testing"

	"github.com/secretgen/secretgen/runtime/keyring"
)

// readOwn reads a secret the way the access layer does: its own prepared
// query selecting Columns, scanned into a Sealed and opened.
func readOwn(t *testing.T, s *Store, id string) (*Sealed, error) {
	t.Helper()
	ctx := context.Background()
	stmt, err := s.Prepare(ctx, "SELECT "+s.Columns()+" FROM secrets AS sec WHERE sec.id = $1")
	if err != nil {
		t.Fatal(err)
	}
	var row Sealed
	return &row, stmt.QueryRowContext(ctx, id).Scan(row.Dest()...)
}

func TestColumnsReadWhatGetReads(t *testing.T) {
	onEachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := fresh(t, dsn)
		meta, err := s.Create(ctx, "SMTP", []byte(`{"Host":"mail.example.com"}`))
		if err != nil {
			t.Fatal(err)
		}
		// Update writes updated_at through bun, Create through the driver.
		if _, err := s.Update(ctx, "SMTP", meta.ID, 1, []byte(`{"Host":"smtp.example.com"}`)); err != nil {
			t.Fatal(err)
		}
		want, err := s.Get(ctx, "SMTP", meta.ID)
		if err != nil {
			t.Fatal(err)
		}

		row, err := readOwn(t, s, meta.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Open(row)
		if err != nil {
			t.Fatal(err)
		}
		if got.Meta != want.Meta || row.Meta() != want.Meta || string(got.Payload) != string(want.Payload) {
			t.Errorf("read through Columns: %+v %s, want %+v %s", got.Meta, got.Payload, want.Meta, want.Payload)
		}
	})
}

func TestOpenRefusesARowSealedUnderAnotherKey(t *testing.T) {
	dsn := backends[0].dsn(t)
	ctx := context.Background()
	s := fresh(t, dsn)
	meta, err := s.Create(ctx, "SMTP", []byte(`{"Host":"mail.example.com"}`))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	other, err := keyring.New(map[int][]byte{1: make([]byte, 32)})
	if err != nil {
		t.Fatal(err)
	}
	s = open(t, dsn, other)
	row, err := readOwn(t, s, meta.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(row); err == nil {
		t.Fatalf("Open under another master key: err = %v, want an error", err)
	}
}
