package directory_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/secretgen/secretgen/runtime/directory"
	"github.com/secretgen/secretgen/runtime/kind"
)

// Names and ids that no row can hold. bun writes arguments into the SQL
// text and turns a NUL byte into an error marker, which PostgreSQL then
// reads as a syntax error; invalid UTF-8 upsets PostgreSQL too. Every
// entry point must refuse them before it queries.
var impossibleKeys = []struct{ name, key string }{
	{"NUL byte", "ad\x00min"},
	{"invalid UTF-8", "ad\xffmin"},
	{"quote", "ad'min"},
	{"upper case", "Admin"},
	{"too long", strings.Repeat("a", 200)},
}

func TestAuthenticateRefusesImpossibleNamesAsBadCredentials(t *testing.T) {
	onEachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		dir := open(t, db)
		mustUser(t, dir, "admin")

		for _, c := range impossibleKeys {
			t.Run(c.name, func(t *testing.T) {
				_, err := dir.Authenticate(ctx, c.key, "password of admin")
				if !errors.Is(err, directory.ErrBadCredentials) || err.Error() != directory.ErrBadCredentials.Error() {
					t.Errorf("Authenticate(%q) = %v, want exactly ErrBadCredentials", c.key, err)
				}
			})
		}
	})
}

func TestLookupsOfImpossibleKeysAreNotFound(t *testing.T) {
	onEachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		dir := open(t, db)
		admin := mustUser(t, dir, "admin")
		ops := mustGroup(t, dir, "ops")

		for _, c := range impossibleKeys {
			t.Run(c.name, func(t *testing.T) {
				lookups := map[string]error{
					"UserByName":   second(dir.UserByName(ctx, c.key)),
					"GroupByName":  second(dir.GroupByName(ctx, c.key)),
					"User":         second(dir.User(ctx, c.key)),
					"Group":        second(dir.Group(ctx, c.key)),
					"Members":      second(dir.Members(ctx, c.key)),
					"SetPassword":  dir.SetPassword(ctx, c.key, "long enough password"),
					"DeleteUser":   dir.DeleteUser(ctx, c.key),
					"AddMember/g":  dir.AddMember(ctx, c.key, admin.ID),
					"AddMember/u":  dir.AddMember(ctx, ops.ID, c.key),
					"RemoveMember": dir.RemoveMember(ctx, ops.ID, c.key),
					"Grant":        dir.Grant(ctx, c.key, "audit"),
					"Revoke":       dir.Revoke(ctx, c.key, "audit"),
				}
				for call, err := range lookups {
					if !errors.Is(err, kind.ErrNotFound) {
						t.Errorf("%s(%q) = %v, want kind.ErrNotFound", call, c.key, err)
					}
				}
			})
		}
	})
}

func TestReadsOfImpossibleIDsAreEmpty(t *testing.T) {
	onEachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		dir := open(t, db)
		system, _ := dir.GroupByName(ctx, directory.SystemGroup)

		for _, c := range impossibleKeys {
			t.Run(c.name, func(t *testing.T) {
				groups, err := dir.GroupsOf(ctx, c.key)
				if err != nil || len(groups) != 0 {
					t.Errorf("GroupsOf(%q) = %q, %v; want none", c.key, groups, err)
				}
				perms, err := dir.Permissions(ctx, c.key)
				if err != nil || len(perms) != 0 {
					t.Errorf("Permissions(%q) = %q, %v; want none", c.key, perms, err)
				}
				in, err := dir.IsMember(ctx, c.key, system.ID)
				if err != nil || in {
					t.Errorf("IsMember(%q, system) = %v, %v; want false", c.key, in, err)
				}
			})
		}
	})
}

func TestPermissionNamesAreCheckedOnRevoke(t *testing.T) {
	onEachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		dir := open(t, db)
		admin := mustUser(t, dir, "admin")

		for _, c := range impossibleKeys {
			t.Run(c.name, func(t *testing.T) {
				var verr *kind.ValidationError
				if err := dir.Revoke(ctx, admin.ID, c.key); !errors.As(err, &verr) {
					t.Errorf("Revoke(admin, %q) = %v, want a *kind.ValidationError", c.key, err)
				}
			})
		}
	})
}

func second[T any](_ T, err error) error { return err }

func TestAuthenticateErrorsHoldNoUnknownName(t *testing.T) {
	onEachDB(t, func(t *testing.T, db *bun.DB) {
		dir := open(t, db)
		db.Close() // every query fails from here on

		_, err := dir.Authenticate(context.Background(), "canary-7f3a", "password of canary")
		if err == nil || errors.Is(err, directory.ErrBadCredentials) {
			t.Fatalf("Authenticate on a closed database = %v, want a database error", err)
		}
		if strings.Contains(err.Error(), "canary") {
			t.Errorf("error %q holds the name typed, which may be a password", err)
		}
	})
}
