package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/secretgen/secretgen/internal/testenv"
)

// TestSessionsWorkAcrossProcessesOnOnePostgreSQL starts two secretd on one
// PostgreSQL database with one key file, as two machines behind a
// balancer would run: a login on the first is good on the second, and so
// is the CSRF token of its forms.
func TestSessionsWorkAcrossProcessesOnOnePostgreSQL(t *testing.T) {
	dsn := testenv.Postgres(t)
	keyFile := filepath.Join(t.TempDir(), "master.key")
	first := startOn(t, dsn, keyFile)
	second := startOn(t, dsn, keyFile)

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

func startOn(t *testing.T, dsn, keyFile string) *testDaemon {
	t.Helper()
	c := testConfig(t)
	c.dsn, c.keyFile = dsn, keyFile
	return startDaemon(t, c, serverOptions{})
}
