package main

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	_ "modernc.org/sqlite"
)

func openTestDB(t *testing.T) *bun.DB {
	t.Helper()
	sqldb, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "sessions.db"))
	if err != nil {
		t.Fatal(err)
	}
	db := bun.NewDB(sqldb, sqlitedialect.New())
	t.Cleanup(func() { db.Close() })
	return db
}

func TestSessionLivesUntilItExpires(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	s, err := openSessions(ctx, openTestDB(t), time.Hour, clock.now)
	if err != nil {
		t.Fatal(err)
	}

	token, created, err := s.create(ctx, "u1")
	if err != nil {
		t.Fatal(err)
	}
	clock.advance(59 * time.Minute)
	got, err := s.get(ctx, token)
	if err != nil {
		t.Fatalf("get before expiry: %v", err)
	}
	if got.UserID != "u1" || got.CSRF != created.CSRF || got.CSRF == "" {
		t.Fatalf("get = %+v, want user u1 and the CSRF token of create", got)
	}

	clock.advance(time.Minute)
	if _, err := s.get(ctx, token); !errors.Is(err, errNoSession) {
		t.Fatalf("get at expiry: err = %v, want errNoSession", err)
	}
}

func TestSessionRefusesUnknownAndDeletedTokens(t *testing.T) {
	ctx := context.Background()
	s, err := openSessions(ctx, openTestDB(t), time.Hour, newFakeClock().now)
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := s.create(ctx, "u1")
	if err != nil {
		t.Fatal(err)
	}

	if err := s.delete(ctx, token); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{"", "not-a-token", token} {
		if _, err := s.get(ctx, tok); !errors.Is(err, errNoSession) {
			t.Errorf("get(%q): err = %v, want errNoSession", tok, err)
		}
	}
}

func TestSessionTableHoldsNoCookieToken(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	s, err := openSessions(ctx, db, time.Hour, newFakeClock().now)
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := s.create(ctx, "u1")
	if err != nil {
		t.Fatal(err)
	}

	n, err := db.NewSelect().Model((*sessionRow)(nil)).Where("id = ?", token).Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatal("the session table stores the cookie token in clear")
	}
}

func TestSessionsOfOneDatabaseAreSharedByEveryProcess(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t)
	clock := newFakeClock()
	first, err := openSessions(ctx, db, time.Hour, clock.now)
	if err != nil {
		t.Fatal(err)
	}
	second, err := openSessions(ctx, db, time.Hour, clock.now)
	if err != nil {
		t.Fatal(err)
	}

	token, _, err := first.create(ctx, "u1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := second.get(ctx, token); err != nil {
		t.Fatalf("second process refuses a session of the first: %v", err)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
