// Package testenv gives tests the real servers and programs they need:
// a fresh PostgreSQL database per test, and the path of a Chromium binary.
//
// Outside scripts/test.sh a test that needs a missing service skips with a
// message; when SECRETGEN_REQUIRE_SERVICES=1 (as scripts/test.sh and CI set
// it) a missing service fails the test instead.
//
//	func TestOnPostgres(t *testing.T) {
//		dsn := testenv.Postgres(t) // postgres://…/t_3f9c…, dropped after the test
//		…
//	}
package testenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
)

// PostgresEnv names the variable that holds the DSN of a PostgreSQL server
// whose user may create databases.
const PostgresEnv = "SECRETGEN_TEST_POSTGRES"

// ChromiumEnv names the variable that holds the path of a Chromium binary.
const ChromiumEnv = "SECRETGEN_CHROMIUM"

// requireEnv, when "1", turns a missing service into a failure.
const requireEnv = "SECRETGEN_REQUIRE_SERVICES"

// missing skips the test, or fails it when services are required.
func missing(t testing.TB, what string) {
	t.Helper()
	if os.Getenv(requireEnv) == "1" {
		t.Fatalf("%s is required (%s=1) but not available", what, requireEnv)
	}
	t.Skipf("skipping: %s not available (run scripts/test.sh to start one)", what)
}

// Postgres creates an empty database on the server named by
// SECRETGEN_TEST_POSTGRES, returns its DSN and drops it when the test ends.
func Postgres(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		missing(t, "PostgreSQL ("+PostgresEnv+")")
	}

	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("testenv: open %s: %v", PostgresEnv, err)
	}
	t.Cleanup(func() { admin.Close() })

	name := "t_" + randomHex(8)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("testenv: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})

	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("testenv: parse %s: %v", PostgresEnv, err)
	}
	u.Path = "/" + name
	return u.String()
}

// Chromium returns the path of a Chromium binary for browser tests.
func Chromium(t testing.TB) string {
	t.Helper()
	path := os.Getenv(ChromiumEnv)
	if path == "" {
		missing(t, "Chromium ("+ChromiumEnv+")")
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("testenv: %s=%q: %v", ChromiumEnv, path, err)
	}
	return path
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
