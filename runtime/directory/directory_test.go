package directory_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/schema"
	_ "modernc.org/sqlite"

	"github.com/secretgen/secretgen/internal/testenv"
	"github.com/secretgen/secretgen/runtime/directory"
	"github.com/secretgen/secretgen/runtime/kind"
)

// onEachDB runs test once on SQLite and once on PostgreSQL, each with a
// fresh database.
func onEachDB(t *testing.T, test func(t *testing.T, db *bun.DB)) {
	t.Run("sqlite", func(t *testing.T) {
		dsn := "file:" + filepath.Join(t.TempDir(), "dir.db") +
			"?_pragma=busy_timeout(5000)&_pragma=journal_mode(wal)"
		test(t, openDB(t, "sqlite", dsn, sqlitedialect.New()))
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := testenv.Postgres(t)
		test(t, openDB(t, "pgx", dsn, pgdialect.New()))
	})
}

func openDB(t testing.TB, driver, dsn string, d schema.Dialect) *bun.DB {
	t.Helper()
	sqldb, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", driver, err)
	}
	db := bun.NewDB(sqldb, d)
	t.Cleanup(func() { db.Close() })
	return db
}

// open returns a directory on a fresh database of each kind.
func open(t *testing.T, db *bun.DB) *directory.Directory {
	t.Helper()
	dir, err := directory.Open(context.Background(), db)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return dir
}

func mustUser(t *testing.T, dir *directory.Directory, name string) directory.User {
	t.Helper()
	u, err := dir.CreateUser(context.Background(), name, "password of "+name)
	if err != nil {
		t.Fatalf("CreateUser(%q): %v", name, err)
	}
	return u
}

func mustGroup(t *testing.T, dir *directory.Directory, name string) directory.Group {
	t.Helper()
	g, err := dir.CreateGroup(context.Background(), name)
	if err != nil {
		t.Fatalf("CreateGroup(%q): %v", name, err)
	}
	return g
}

func groupNames(t *testing.T, dir *directory.Directory) []string {
	t.Helper()
	groups, err := dir.Groups(context.Background())
	if err != nil {
		t.Fatalf("Groups: %v", err)
	}
	var names []string
	for _, g := range groups {
		names = append(names, g.Name)
	}
	return names
}

func TestOpenCreatesSystemGroupOnce(t *testing.T) {
	onEachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		first := open(t, db)
		system, err := first.GroupByName(ctx, directory.SystemGroup)
		if err != nil {
			t.Fatalf("GroupByName(system): %v", err)
		}

		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for range 4 {
			wg.Go(func() {
				_, err := directory.Open(ctx, db)
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("Open again: %v", err)
			}
		}

		if got := groupNames(t, first); strings.Join(got, ",") != "system" {
			t.Errorf("groups after five Opens = %q, want only system", got)
		}
		again, _ := first.GroupByName(ctx, directory.SystemGroup)
		if again.ID != system.ID {
			t.Errorf("system group id changed from %q to %q", system.ID, again.ID)
		}
	})
}

func TestAuthenticate(t *testing.T) {
	onEachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		dir := open(t, db)
		alice, err := dir.CreateUser(ctx, "alice", "CANARY-7f3a-pw")
		if err != nil {
			t.Fatalf("CreateUser: %v", err)
		}

		got, err := dir.Authenticate(ctx, "alice", "CANARY-7f3a-pw")
		if err != nil || got.ID != alice.ID || got.Name != "alice" {
			t.Fatalf("Authenticate(right password) = %+v, %v; want alice", got, err)
		}

		cases := []struct{ name, user, password string }{
			{"wrong password", "alice", "CANARY-7f3a-px"},
			{"unknown user", "mallory", "CANARY-7f3a-pw"},
			{"empty password", "alice", ""},
			{"huge password", "alice", strings.Repeat("CANARY-7f3a", 200)},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := dir.Authenticate(ctx, c.user, c.password)
				if !errors.Is(err, directory.ErrBadCredentials) {
					t.Fatalf("Authenticate = %v, want ErrBadCredentials", err)
				}
				if err.Error() != directory.ErrBadCredentials.Error() {
					t.Errorf("error %q says more than ErrBadCredentials", err)
				}
			})
		}
	})
}

func TestPasswordIsStoredAsSaltedArgon2id(t *testing.T) {
	onEachDB(t, func(t *testing.T, db *bun.DB) {
		dir := open(t, db)
		mustUser(t, dir, "alice")
		if _, err := dir.CreateUser(context.Background(), "bob", "password of alice"); err != nil {
			t.Fatalf("CreateUser(bob): %v", err)
		}

		var hashes []string
		err := db.NewSelect().Table("dir_users").Column("password_hash").
			Order("name").Scan(context.Background(), &hashes)
		if err != nil {
			t.Fatalf("read hashes: %v", err)
		}

		phc := regexp.MustCompile(`^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
		for _, h := range hashes {
			if !phc.MatchString(h) {
				t.Errorf("stored hash %q is not an Argon2id PHC string", h)
			}
			if strings.Contains(h, "password") {
				t.Errorf("stored hash %q holds the password", h)
			}
		}
		if len(hashes) != 2 || hashes[0] == hashes[1] {
			t.Errorf("same password, hashes %q: want two different salted hashes", hashes)
		}
	})
}

func TestCreateUserRefusesBadInput(t *testing.T) {
	onEachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		dir := open(t, db)

		cases := []struct {
			name, user, password string
			field, rule, says    string
		}{
			{"empty name", "", "CANARY-7f3a", "name", "required", "must not be empty"},
			{"upper case", "Alice", "CANARY-7f3a", "name", "charset", `"Alice" has 'A' at byte 0`},
			{"space", "al ice", "CANARY-7f3a", "name", "charset", `"al ice" has ' ' at byte 2`},
			{"leading dash", "-bob", "CANARY-7f3a", "name", "charset", `"-bob" has '-' at byte 0`},
			{"newline", "bob\n", "CANARY-7f3a", "name", "charset", `'\n' at byte 3`},
			{"too long", strings.Repeat("a", 65), "CANARY-7f3a", "name", "max", "at most 64"},
			{"short password", "carol", "CANARY", "password", "min", "at least 8 bytes"},
			{"huge password", "carol", strings.Repeat("CANARY-7f3a", 100), "password", "max", "at most 1024"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := dir.CreateUser(ctx, c.user, c.password)
				var verr *kind.ValidationError
				if !errors.As(err, &verr) {
					t.Fatalf("CreateUser = %v, want a *kind.ValidationError", err)
				}
				f := verr.Fields[0]
				if f.Field != c.field || f.Rule != c.rule || !strings.Contains(err.Error(), c.says) {
					t.Errorf("error %q (field %q rule %q), want field %q rule %q saying %q",
						err, f.Field, f.Rule, c.field, c.rule, c.says)
				}
				if strings.Contains(err.Error(), "CANARY") {
					t.Errorf("error %q holds the password", err)
				}
			})
		}

		users, err := dir.Users(ctx)
		if err != nil || len(users) != 0 {
			t.Errorf("after refused input Users() = %v, %v; want none", users, err)
		}
	})
}

func TestNamesAreUnique(t *testing.T) {
	onEachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		dir := open(t, db)
		alice := mustUser(t, dir, "alice")
		mustGroup(t, dir, "ops")

		_, userErr := dir.CreateUser(ctx, "alice", "another password")
		_, groupErr := dir.CreateGroup(ctx, "ops")
		_, systemErr := dir.CreateGroup(ctx, directory.SystemGroup)
		for _, c := range []struct {
			err  error
			says string
		}{
			{userErr, `user name "alice" is already taken`},
			{groupErr, `group name "ops" is already taken`},
			{systemErr, `group name "system" is already taken`},
		} {
			if !errors.Is(c.err, directory.ErrExists) || !errors.Is(c.err, kind.ErrConflict) {
				t.Errorf("duplicate: %v, want ErrExists and kind.ErrConflict", c.err)
			}
			if c.err == nil || !strings.Contains(c.err.Error(), c.says) {
				t.Errorf("duplicate: %v, want it to say %q", c.err, c.says)
			}
		}

		if _, err := dir.Authenticate(ctx, "alice", "password of alice"); err != nil {
			t.Errorf("the first alice no longer logs in: %v", err)
		}
		users, _ := dir.Users(ctx)
		if len(users) != 1 || users[0].ID != alice.ID {
			t.Errorf("users = %+v, want only the first alice", users)
		}
	})
}

func TestSetPassword(t *testing.T) {
	onEachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		dir := open(t, db)
		alice := mustUser(t, dir, "alice")

		if err := dir.SetPassword(ctx, alice.ID, "a new password"); err != nil {
			t.Fatalf("SetPassword: %v", err)
		}
		if _, err := dir.Authenticate(ctx, "alice", "password of alice"); err == nil {
			t.Error("the old password still works")
		}
		if _, err := dir.Authenticate(ctx, "alice", "a new password"); err != nil {
			t.Errorf("the new password fails: %v", err)
		}

		err := dir.SetPassword(ctx, alice.ID, "short")
		if err == nil || strings.Contains(err.Error(), "short") {
			t.Errorf("SetPassword(short) = %v, want a validation error without the password", err)
		}
		err = dir.SetPassword(ctx, "nosuchid", "long enough password")
		if !errors.Is(err, kind.ErrNotFound) || !strings.Contains(err.Error(), `"nosuchid"`) {
			t.Errorf("SetPassword(unknown id) = %v, want not found naming the id", err)
		}
	})
}

func TestUserLookups(t *testing.T) {
	onEachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		dir := open(t, db)
		bob := mustUser(t, dir, "bob")
		alice := mustUser(t, dir, "alice")

		byID, err := dir.User(ctx, bob.ID)
		if err != nil || byID != bob {
			t.Errorf("User(bob.ID) = %+v, %v; want %+v", byID, err, bob)
		}
		byName, err := dir.UserByName(ctx, "alice")
		if err != nil || byName != alice {
			t.Errorf("UserByName(alice) = %+v, %v; want %+v", byName, err, alice)
		}
		users, err := dir.Users(ctx)
		if err != nil || len(users) != 2 || users[0] != alice || users[1] != bob {
			t.Errorf("Users() = %+v, %v; want alice then bob", users, err)
		}

		if _, err := dir.UserByName(ctx, "carol"); !errors.Is(err, kind.ErrNotFound) {
			t.Errorf("UserByName(carol) = %v, want kind.ErrNotFound", err)
		}
		if _, err := dir.GroupByName(ctx, "ops"); !errors.Is(err, kind.ErrNotFound) {
			t.Errorf("GroupByName(ops) = %v, want kind.ErrNotFound", err)
		}
	})
}

func TestIDsAreRandomAndURLSafe(t *testing.T) {
	onEachDB(t, func(t *testing.T, db *bun.DB) {
		dir := open(t, db)
		ids := []string{
			mustUser(t, dir, "alice").ID, mustUser(t, dir, "bob").ID,
			mustGroup(t, dir, "ops").ID, mustGroup(t, dir, "dev").ID,
		}

		seen := map[string]bool{}
		for _, id := range ids {
			if !regexp.MustCompile(`^[a-z2-7]{26}$`).MatchString(id) {
				t.Errorf("id %q is not 26 lowercase base32 characters", id)
			}
			if seen[id] {
				t.Errorf("id %q handed out twice", id)
			}
			seen[id] = true
		}
	})
}
