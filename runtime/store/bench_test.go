package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/secretgen/secretgen/internal/testenv"
)

// The benchmarks compare the store with a plain bun insert and select of
// an unencrypted blob of the same size, in the same database. Each
// iteration runs both, in alternating order, so a busy machine slows both
// alike; the metric store/plain-rate is the store's rate as a fraction of
// the plain rate (1 means as fast):
//
//	SECRETGEN_TEST_POSTGRES=postgres://… go test -run '^$' -bench . -count 5 ./runtime/store/

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
			plain := func() {
				row := plainRow{ID: uuid.NewString(), Blob: benchPayload}
				if _, err := s.DB().NewInsert().Model(&row).Exec(ctx); err != nil {
					b.Fatal(err)
				}
			}
			store := func() {
				if _, err := s.Create(ctx, "SMTP", benchPayload); err != nil {
					b.Fatal(err)
				}
			}
			compare(b, plain, store)
		})
	}
}

func BenchmarkGet(b *testing.B) {
	ctx := context.Background()
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			s := benchStore(b, be)
			var plainIDs, storeIDs []string
			for range 100 {
				row := plainRow{ID: uuid.NewString(), Blob: benchPayload}
				if _, err := s.DB().NewInsert().Model(&row).Exec(ctx); err != nil {
					b.Fatal(err)
				}
				meta, err := s.Create(ctx, "SMTP", benchPayload)
				if err != nil {
					b.Fatal(err)
				}
				plainIDs, storeIDs = append(plainIDs, row.ID), append(storeIDs, meta.ID)
			}

			i := 0
			plain := func() {
				var row plainRow
				err := s.DB().NewSelect().Model(&row).Where("id = ?", plainIDs[i%100]).Scan(ctx)
				if err != nil {
					b.Fatal(err)
				}
			}
			store := func() {
				if _, err := s.Get(ctx, "SMTP", storeIDs[i%100]); err != nil {
					b.Fatal(err)
				}
				i++
			}
			compare(b, plain, store)
		})
	}
}

// compare runs plain and store once per iteration, in alternating order,
// and reports each one's time per operation and the ratio of their rates.
func compare(b *testing.B, plain, store func()) {
	var tPlain, tStore time.Duration
	n := 0
	for b.Loop() {
		if n%2 == 0 {
			tPlain += timed(plain)
			tStore += timed(store)
		} else {
			tStore += timed(store)
			tPlain += timed(plain)
		}
		n++
	}
	b.ReportMetric(float64(tPlain.Nanoseconds())/float64(n), "plain-ns/op")
	b.ReportMetric(float64(tStore.Nanoseconds())/float64(n), "store-ns/op")
	b.ReportMetric(float64(tPlain)/float64(tStore), "store/plain-rate")
}

func timed(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
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
