package access_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"

	"github.com/secretgen/secretgen/internal/testenv"
	"github.com/secretgen/secretgen/runtime/access"
	"github.com/secretgen/secretgen/runtime/directory"
	"github.com/secretgen/secretgen/runtime/keyring"
	"github.com/secretgen/secretgen/runtime/kind"
	"github.com/secretgen/secretgen/runtime/store"
)

// world is a store, a directory and the access service on one database,
// with the users alice, bob and carol and the groups ops and system.
type world struct {
	ctx    context.Context
	store  *store.Store
	dir    *directory.Directory
	svc    *access.Service
	logs   *bytes.Buffer
	events *eventLog

	alice, bob, carol access.Subject
	ops, system       string // group ids
}

// eventLog keeps every event the service published.
type eventLog struct {
	mu   sync.Mutex
	list []access.Event
}

func (l *eventLog) add(e access.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.list = append(l.list, e)
}

func (l *eventLog) all() []access.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]access.Event(nil), l.list...)
}

// backends runs test on SQLite and on PostgreSQL.
func backends(t *testing.T, test func(t *testing.T, dsn string, keys *keyring.Keyring)) {
	t.Run("sqlite", func(t *testing.T) {
		test(t, filepath.Join(t.TempDir(), "secrets.db"), testKeys(t))
	})
	t.Run("postgres", func(t *testing.T) {
		test(t, testenv.Postgres(t), testKeys(t))
	})
}

func testKeys(t *testing.T) *keyring.Keyring {
	key := make([]byte, 32)
	rand.Read(key)
	keys, err := keyring.New(map[int][]byte{1: key})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func sqliteWorld(t *testing.T) *world {
	return newWorld(t, filepath.Join(t.TempDir(), "secrets.db"), testKeys(t))
}

func newWorld(t *testing.T, dsn string, keys *keyring.Keyring) *world {
	t.Helper()
	w := &world{ctx: context.Background(), logs: &bytes.Buffer{}, events: &eventLog{}}
	logger := slog.New(slog.NewTextHandler(w.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	var err error
	w.store, err = store.Open(w.ctx, store.Config{DSN: dsn, Keyring: keys, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.store.Close() })
	w.dir, err = directory.Open(w.ctx, w.store.DB())
	if err != nil {
		t.Fatal(err)
	}
	w.svc = w.service(t, logger)
	w.svc.Subscribe(w.events.add)

	w.alice, w.bob, w.carol = w.user(t, "alice"), w.user(t, "bob"), w.user(t, "carol")
	w.ops = w.group(t, "ops")
	system, err := w.dir.GroupByName(w.ctx, directory.SystemGroup)
	if err != nil {
		t.Fatal(err)
	}
	w.system = system.ID
	return w
}

// service opens another access service on the world's store, as a second
// process would.
func (w *world) service(t *testing.T, logger *slog.Logger) *access.Service {
	t.Helper()
	return w.serviceWith(t, logger, registry())
}

// serviceWith is service with the types of reg, as a process built
// against another version of the types would be.
func (w *world) serviceWith(t *testing.T, logger *slog.Logger, reg kind.Registry) *access.Service {
	t.Helper()
	svc, err := access.New(w.ctx, access.Config{
		Store:      w.store,
		Registry:   reg,
		Membership: w.dir,
		GroupID: func(ctx context.Context, name string) (string, error) {
			g, err := w.dir.GroupByName(ctx, name)
			return g.ID, err
		},
		UserExists: func(ctx context.Context, id string) (bool, error) {
			_, err := w.dir.User(ctx, id)
			if errors.Is(err, kind.ErrNotFound) {
				return false, nil
			}
			return err == nil, err
		},
		Logger: logger,
	})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func (w *world) user(t *testing.T, name string) access.Subject {
	t.Helper()
	u, err := w.dir.CreateUser(w.ctx, name, "password of "+name+" 1234")
	if err != nil {
		t.Fatal(err)
	}
	return access.Subject{UserID: u.ID}
}

func (w *world) group(t *testing.T, name string) string {
	t.Helper()
	g, err := w.dir.CreateGroup(w.ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	return g.ID
}

func (w *world) join(t *testing.T, sub access.Subject, groups ...string) {
	t.Helper()
	for _, g := range groups {
		if err := w.dir.AddMember(w.ctx, g, sub.UserID); err != nil {
			t.Fatal(err)
		}
	}
}

// smtp creates an SMTP secret named name owned by sub, in groups besides
// system.
func (w *world) smtp(t *testing.T, sub access.Subject, name, password string, groups ...string) access.Secret {
	t.Helper()
	payload := `{"Name":"` + name + `","Host":"127.0.0.1","Port":2525,"Username":"mailer","Password":"` + password + `"}`
	sec, err := w.svc.Create(w.ctx, sub, "SMTP", []byte(payload), groups)
	if err != nil {
		t.Fatalf("create SMTP %q: %v", name, err)
	}
	return sec
}

// audit returns the audit rows of a secret as its owner sees them.
func (w *world) audit(t *testing.T, owner access.Subject, id string) []access.AuditEntry {
	t.Helper()
	rows, err := w.svc.Audit(w.ctx, owner, id)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// count returns how many audit rows have the action and outcome.
func count(rows []access.AuditEntry, a access.Action, o access.Outcome) int {
	n := 0
	for _, r := range rows {
		if r.Action == a && r.Outcome == o {
			n++
		}
	}
	return n
}
