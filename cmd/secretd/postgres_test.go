package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/secretgen/secretgen/internal/testenv"
	"github.com/secretgen/secretgen/runtime/keyring"
)

// TestSessionsWorkAcrossProcessesOnOnePostgreSQL starts two secretd at
// once on one PostgreSQL database with one key file, as two machines
// behind a balancer would run: a login on the first is good on the
// second, and so is the CSRF token of its forms.
func TestSessionsWorkAcrossProcessesOnOnePostgreSQL(t *testing.T) {
	dsn := testenv.Postgres(t)
	keyFile := filepath.Join(t.TempDir(), "master.key")
	if _, err := keyring.FromFile(keyFile, keyring.FileOptions{Create: true}); err != nil {
		t.Fatal(err)
	}
	first, second := startTwoAtOnce(t, dsn, keyFile)

	c := first.client()
	c.login("admin", adminPassword)
	token := c.csrf("/new/SMTP")

	c.base = second.url()
	if res := c.post("/new/SMTP", smtpForm(token, "made on the second", "25")); res.status != http.StatusSeeOther {
		t.Fatalf("form with the first's session sent to the second: status %d, want 303\n%s", res.status, res.body)
	}
	c.base = first.url()
	if res := c.get("/"); !strings.Contains(res.body, "made on the second") {
		t.Fatalf("the first does not list what the second stored:\n%s", res.body)
	}
}

// startTwoAtOnce starts two daemons concurrently on one database.
func startTwoAtOnce(t *testing.T, dsn, keyFile string) (*testDaemon, *testDaemon) {
	t.Helper()
	var wg sync.WaitGroup
	daemons := make([]*daemon, 2)
	errs := make([]error, 2)
	for i := range daemons {
		c := testConfig(t)
		c.dsn, c.keyFile = dsn, keyFile
		wg.Go(func() {
			daemons[i], errs[i] = start(context.Background(), c, serverOptions{}, io.Discard, slog.New(slog.DiscardHandler))
		})
	}
	wg.Wait()

	out := make([]*testDaemon, 2)
	for i, d := range daemons {
		if errs[i] != nil {
			t.Fatalf("start secretd %d of 2 at once: %v", i+1, errs[i])
		}
		t.Cleanup(func() { d.stop(5 * time.Second) })
		out[i] = &testDaemon{daemon: d, t: t, dir: d.server.dir, svc: d.server.svc}
	}
	return out[0], out[1]
}
