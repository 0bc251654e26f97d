package store

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/secretgen/secretgen/internal/testenv"
)

// The benchmarks compare the store with a plain bun insert and select of
// an unencrypted blob of the same size, in the same database:
//
//	go test -run '^$' -bench . -benchmem ./runtime/store/

// benchPayload is an SMTP secret as its codec writes it.
var benchPayload = []byte(`{"Name":"Outgoing mail","Host":"smtp.example.com","Port":587,` +
	`"Username":"mailer@example.com","Password":"CANARY-7f3a-long-enough-password",` +
	`"SenderAddress":"noreply@example.com"}`)

// plainRow is the baseline: an id and a blob, no encryption.
type plainRow struct {
	bun.BaseModel `bun:"table:bench_plain"`

	ID   string `bun:"id,pk"`
	Blob []byte `bun:"blob,notnull"`
}

func BenchmarkCreate(b *testing.B) {
	ctx := context.Background()
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			s := benchStore(b, be)
			b.Run("plain", func(b *testing.B) {
				for b.Loop() {
					row := plainRow{ID: uuid.NewString(), Blob: benchPayload}
					if _, err := s.DB().NewInsert().Model(&row).Exec(ctx); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("store", func(b *testing.B) {
				for b.Loop() {
					if _, err := s.Create(ctx, "SMTP", benchPayload); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

func BenchmarkGet(b *testing.B) {
	ctx := context.Background()
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			s := benchStore(b, be)
			plain := plainRow{ID: uuid.NewString(), Blob: benchPayload}
			if _, err := s.DB().NewInsert().Model(&plain).Exec(ctx); err != nil {
				b.Fatal(err)
			}
			meta, err := s.Create(ctx, "SMTP", benchPayload)
			if err != nil {
				b.Fatal(err)
			}

			b.Run("plain", func(b *testing.B) {
				for b.Loop() {
					var row plainRow
					if err := s.DB().NewSelect().Model(&row).Where("id = ?", plain.ID).Scan(ctx); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("store", func(b *testing.B) {
				for b.Loop() {
					if _, err := s.Get(ctx, "SMTP", meta.ID); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// benchStore opens a store on a fresh database of the backend, with the
// baseline's table beside the store's.
func benchStore(b *testing.B, be backend) *Store {
	var dsn string
	if be.name == SQLite {
		dsn = filepath.Join(b.TempDir(), "bench.db")
	} else {
		dsn = testenv.Postgres(b)
	}
	kr, _ := newKeyring(b)
	s := open(b, dsn, kr)
	_, err := s.DB().NewCreateTable().Model((*plainRow)(nil)).IfNotExists().Exec(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	return s
}
