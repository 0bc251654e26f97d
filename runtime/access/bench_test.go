package access

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/secretgen/secretgen/runtime/keyring"
	"github.com/secretgen/secretgen/runtime/kind"
	"github.com/secretgen/secretgen/runtime/store"
)

// The lookup benchmarks seed benchSecrets encrypted secrets spread over
// benchGroups groups, so each group holds benchSecrets/benchGroups of
// them, and compare the indexed lookups with decrypting every secret.
const (
	benchSecrets = 100_000
	benchGroups  = 100
	benchBatch   = 10_000
)

// benchCreds is the payload of the benchmark's secret type.
type benchCreds struct {
	Name     string
	Host     string
	Password string
}

func (c benchCreds) GetName() string { return c.Name }

var benchType = kind.Type{
	Name:     "Mail",
	Form:     kind.Form{Type: "Mail", Fields: []kind.Field{{Key: "Name"}, {Key: "Host"}, {Key: "Password", Style: "secret"}}},
	Defaults: func() any { return benchCreds{} },
	Decode: func(data []byte, _ bool) (any, error) {
		var c benchCreds
		err := json.Unmarshal(data, &c)
		return c, err
	},
	Encode:   func(v any) ([]byte, error) { return json.Marshal(v) },
	Validate: func(any) error { return nil },
}

// BenchmarkLookups measures Match, GroupSecrets, FindGroupCredentials and
// GroupSecretRefs on 100,000 stored secrets, 1,000 of them in the group,
// and reports p50 per operation and how many times faster than the naive
// scan that decrypts every secret.
//
//	go test -run '^$' -bench Lookups -benchtime 200x ./runtime/access/
func BenchmarkLookups(b *testing.B) {
	ctx := context.Background()
	svc, defaultID := seedLookups(b)
	group := benchGroupID(7)
	sub := Subject{UserID: "system-user", Groups: []string{group}}
	scan := scanP50(b, svc)

	b.Run("Match", func(b *testing.B) {
		q := MatchQuery{Type: benchType.Name, Group: group, Expect: true}
		measure(b, scan, func() error {
			got, err := svc.Match(ctx, sub, q)
			if err == nil && got.ID != defaultID {
				err = fmt.Errorf("Match = %q, want the default %q", got.ID, defaultID)
			}
			return err
		})
	})
	b.Run("GroupSecrets", func(b *testing.B) {
		measure(b, scan, func() error {
			got, err := svc.GroupSecrets(ctx, sub, group, benchType.Name)
			if err == nil && len(got) != benchSecrets/benchGroups {
				err = fmt.Errorf("GroupSecrets = %d secrets, want %d", len(got), benchSecrets/benchGroups)
			}
			return err
		})
	})
	b.Run("FindGroupCredentials", func(b *testing.B) {
		measure(b, scan, func() error {
			got, err := FindGroupCredentials[benchCreds](ctx, svc, sub, group)
			if err == nil && len(got) != benchSecrets/benchGroups {
				err = fmt.Errorf("FindGroupCredentials = %d credentials, want %d", len(got), benchSecrets/benchGroups)
			}
			return err
		})
	})
	b.Run("GroupSecretRefs", func(b *testing.B) {
		measure(b, scan, func() error {
			got, err := svc.GroupSecretRefs(ctx, sub, group, benchType.Name)
			if err == nil && len(got) != benchSecrets/benchGroups {
				err = fmt.Errorf("GroupSecretRefs = %d secrets, want %d", len(got), benchSecrets/benchGroups)
			}
			return err
		})
	})
}

// measure runs op b.N times and reports its p50 and the scan's p50 over it.
func measure(b *testing.B, scan time.Duration, op func() error) {
	took := make([]time.Duration, 0, b.N)
	for b.Loop() {
		start := time.Now()
		if err := op(); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	p50 := median(took)
	b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(scan)/float64(p50), "x-faster-than-scan")
}

// scanP50 is the naive lookup: decrypt every stored secret and keep those
// of the group, measured three times.
func scanP50(b *testing.B, svc *Service) time.Duration {
	ctx := context.Background()
	var took []time.Duration
	for range 3 {
		start := time.Now()
		items, err := svc.store.List(ctx, benchType.Name)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for _, it := range items {
			if nameOf(benchType, it.Payload) != "" {
				n++
			}
		}
		if n != benchSecrets {
			b.Fatalf("scan decrypted %d secrets, want %d", n, benchSecrets)
		}
		took = append(took, time.Since(start))
	}
	b.Logf("naive scan of %d secrets: p50 %v", benchSecrets, median(took))
	return median(took)
}

func median(d []time.Duration) time.Duration {
	slices.Sort(d)
	return d[len(d)/2]
}

func benchGroupID(i int) string { return fmt.Sprintf("group-%03d", i) }

// seedLookups stores the secrets in a SQLite file that lives as long as
// the benchmark, in transactions of benchBatch secrets, and sets a default
// for group 7. Seeding takes tens of seconds, so it runs once per run.
func seedLookups(b *testing.B) (*Service, string) {
	b.Helper()
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "access-bench-")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(dir) })

	keys, err := keyring.New(map[int][]byte{1: make([]byte, 32)})
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(ctx, store.Config{DSN: filepath.Join(dir, "bench.db"), Keyring: keys, KeepVersions: -1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	svc, err := New(ctx, Config{Store: st, Registry: kind.Registry{Types: []kind.Type{benchType}}})
	if err != nil {
		b.Fatal(err)
	}

	start := time.Now()
	var defaultID string
	for first := 0; first < benchSecrets; first += benchBatch {
		err := st.InTx(ctx, func(tx *store.Tx) error {
			id, err := seedBatch(ctx, tx, first)
			if id != "" {
				defaultID = id
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("seeded %d secrets in %v", benchSecrets, time.Since(start).Round(time.Second))

	_, err = st.DB().NewInsert().Model(&defaultRow{GroupID: benchGroupID(7), Type: benchType.Name, SecretID: defaultID}).Exec(ctx)
	if err != nil {
		b.Fatal(err)
	}
	return svc, defaultID
}

// seedBatch stores secrets first to first+benchBatch-1, each owned by a
// user of its own and attached to group i%benchGroups. It returns the id
// of the first secret of group 7 in the batch, if any.
func seedBatch(ctx context.Context, tx *store.Tx, first int) (string, error) {
	var group7 string
	rows := make([]shareRow, 0, 2*benchBatch)
	for i := first; i < first+benchBatch; i++ {
		payload, _ := json.Marshal(benchCreds{Name: fmt.Sprintf("server %d", i), Host: "127.0.0.1", Password: "pw"})
		meta, err := tx.Create(ctx, benchType.Name, payload)
		if err != nil {
			return "", err
		}
		rows = append(rows,
			shareRow{SecretID: meta.ID, Kind: principalUser, Principal: fmt.Sprintf("user-%d", i), Role: string(Owner), Type: meta.Type},
			shareRow{SecretID: meta.ID, Kind: principalGroup, Principal: benchGroupID(i % benchGroups), Role: groupRole, Type: meta.Type})
		if i%benchGroups == 7 && group7 == "" {
			group7 = meta.ID
		}
	}
	_, err := tx.Bun().NewInsert().Model(&rows).Exec(ctx)
	return group7, err
}
