package directory_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/secretgen/secretgen/runtime/directory"
	"github.com/secretgen/secretgen/runtime/kind"
)

func isMember(t *testing.T, dir *directory.Directory, user directory.User, group directory.Group) bool {
	t.Helper()
	ok, err := dir.IsMember(context.Background(), user.ID, group.ID)
	if err != nil {
		t.Fatalf("IsMember: %v", err)
	}
	return ok
}

func TestMembershipIsReadAtEachCall(t *testing.T) {
	onEachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		dir := open(t, db)
		bob := mustUser(t, dir, "bob")
		alice := mustUser(t, dir, "alice")
		ops := mustGroup(t, dir, "ops")
		system, _ := dir.GroupByName(ctx, directory.SystemGroup)

		for _, g := range []directory.Group{ops, system, ops} {
			if err := dir.AddMember(ctx, g.ID, bob.ID); err != nil {
				t.Fatalf("AddMember(%s, bob): %v", g.Name, err)
			}
		}
		groups, err := dir.GroupsOf(ctx, bob.ID)
		want := []string{ops.ID, system.ID}
		slices.Sort(want)
		if err != nil || !slices.Equal(groups, want) {
			t.Errorf("GroupsOf(bob) = %q, %v; want %q", groups, err, want)
		}
		if !isMember(t, dir, bob, ops) || isMember(t, dir, alice, ops) {
			t.Error("IsMember: want bob in ops and alice not")
		}
		members, err := dir.Members(ctx, ops.ID)
		if err != nil || len(members) != 1 || members[0] != bob {
			t.Errorf("Members(ops) = %+v, %v; want only bob", members, err)
		}

		if err := dir.RemoveMember(ctx, ops.ID, bob.ID); err != nil {
			t.Fatalf("RemoveMember(ops, bob): %v", err)
		}
		if isMember(t, dir, bob, ops) {
			t.Error("bob left ops but IsMember still says yes")
		}
		groups, _ = dir.GroupsOf(ctx, bob.ID)
		if !slices.Equal(groups, []string{system.ID}) {
			t.Errorf("GroupsOf(bob) after leaving ops = %q, want only system", groups)
		}
	})
}

func TestMembershipErrorsNameWhatIsMissing(t *testing.T) {
	onEachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		dir := open(t, db)
		bob := mustUser(t, dir, "bob")
		ops := mustGroup(t, dir, "ops")

		cases := []struct {
			name string
			err  error
			says string
		}{
			{"add to unknown group", dir.AddMember(ctx, "nogroup", bob.ID), `group "nogroup"`},
			{"add unknown user", dir.AddMember(ctx, ops.ID, "nouser"), `user "nouser"`},
			{"remove non-member", dir.RemoveMember(ctx, ops.ID, bob.ID), "is not a member of group"},
			{"remove unknown user", dir.RemoveMember(ctx, ops.ID, "nouser"), `user "nouser"`},
		}
		for _, c := range cases {
			if !errors.Is(c.err, kind.ErrNotFound) || !strings.Contains(c.err.Error(), c.says) {
				t.Errorf("%s: %v, want kind.ErrNotFound saying %q", c.name, c.err, c.says)
			}
		}
		if groups, _ := dir.GroupsOf(ctx, bob.ID); len(groups) != 0 {
			t.Errorf("after refused changes bob is in %q", groups)
		}
	})
}

func TestCreateGroupRefusesBadNames(t *testing.T) {
	onEachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		dir := open(t, db)

		for _, name := range []string{"", "Ops", "ops team", "ops@example.com", "_ops"} {
			_, err := dir.CreateGroup(ctx, name)
			var verr *kind.ValidationError
			if !errors.As(err, &verr) || verr.Type != "group" || verr.Fields[0].Field != "name" {
				t.Errorf("CreateGroup(%q) = %v, want a validation error on the group name", name, err)
			}
		}
		if got := groupNames(t, dir); !slices.Equal(got, []string{"system"}) {
			t.Errorf("groups after refused names = %q, want only system", got)
		}
	})
}

func TestPermissions(t *testing.T) {
	onEachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		dir := open(t, db)
		alice := mustUser(t, dir, "alice")
		bob := mustUser(t, dir, "bob")

		steps := []struct {
			name string
			do   func() error
			want []string
		}{
			{"make admin", func() error { return dir.SetAdmin(ctx, alice.ID, true) }, []string{"admin"}},
			{"grant audit", func() error { return dir.Grant(ctx, alice.ID, "audit") }, []string{"admin", "audit"}},
			{"grant twice", func() error { return dir.Grant(ctx, alice.ID, "audit") }, []string{"admin", "audit"}},
			{"drop admin", func() error { return dir.SetAdmin(ctx, alice.ID, false) }, []string{"audit"}},
		}
		for _, s := range steps {
			if err := s.do(); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			got, err := dir.Permissions(ctx, alice.ID)
			if err != nil || !slices.Equal(got, s.want) {
				t.Errorf("after %s: Permissions = %q, %v; want %q", s.name, got, err, s.want)
			}
		}

		if got, _ := dir.Permissions(ctx, bob.ID); len(got) != 0 {
			t.Errorf("bob has permissions %q, want none", got)
		}
		if err := dir.Grant(ctx, bob.ID, "Admin!"); err == nil {
			t.Error("Grant(Admin!) accepted an invalid permission name")
		}
		if err := dir.Grant(ctx, "nouser", "audit"); !errors.Is(err, kind.ErrNotFound) {
			t.Errorf("Grant(unknown user) = %v, want kind.ErrNotFound", err)
		}
	})
}

func TestDeleteUserRemovesMembershipsAndPermissions(t *testing.T) {
	onEachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		dir := open(t, db)
		alice := mustUser(t, dir, "alice")
		bob := mustUser(t, dir, "bob")
		ops := mustGroup(t, dir, "ops")
		for _, u := range []directory.User{alice, bob} {
			dir.AddMember(ctx, ops.ID, u.ID)
			dir.SetAdmin(ctx, u.ID, true)
		}

		if err := dir.DeleteUser(ctx, alice.ID); err != nil {
			t.Fatalf("DeleteUser(alice): %v", err)
		}

		if _, err := dir.User(ctx, alice.ID); !errors.Is(err, kind.ErrNotFound) {
			t.Errorf("User(alice) after delete = %v, want kind.ErrNotFound", err)
		}
		if _, err := dir.Authenticate(ctx, "alice", "password of alice"); err == nil {
			t.Error("deleted alice still logs in")
		}
		for table, want := range map[string]int64{"dir_members": 1, "dir_permissions": 1} {
			n, err := db.NewSelect().Table(table).Count(ctx)
			if err != nil || n != want {
				t.Errorf("%s holds %d rows (%v), want %d: bob's only", table, n, err, want)
			}
		}
		if err := dir.DeleteUser(ctx, alice.ID); !errors.Is(err, kind.ErrNotFound) {
			t.Errorf("DeleteUser(alice) twice = %v, want kind.ErrNotFound", err)
		}
	})
}

func TestDeleteUserHookRunsInTheTransaction(t *testing.T) {
	onEachDB(t, func(t *testing.T, db *bun.DB) {
		ctx := context.Background()
		dir := open(t, db)
		alice := mustUser(t, dir, "alice")
		refusal := errors.New("alice alone owns SMTP \"mail\"")

		var sawID string
		dir.BeforeDeleteUser = func(ctx context.Context, tx bun.Tx, userID string) error {
			sawID = userID
			if _, err := dir.WithTx(tx).CreateGroup(ctx, "written-in-hook"); err != nil {
				return err
			}
			return refusal
		}
		err := dir.DeleteUser(ctx, alice.ID)
		if !errors.Is(err, refusal) || !strings.Contains(err.Error(), alice.ID) {
			t.Fatalf("DeleteUser with refusing hook = %v, want the refusal naming alice", err)
		}
		if sawID != alice.ID {
			t.Errorf("hook saw user %q, want %q", sawID, alice.ID)
		}
		if _, err := dir.User(ctx, alice.ID); err != nil {
			t.Errorf("alice is gone after a refused delete: %v", err)
		}
		if got := groupNames(t, dir); !slices.Equal(got, []string{"system"}) {
			t.Errorf("groups after refused delete = %q: the hook's write was not rolled back", got)
		}

		dir.BeforeDeleteUser = func(ctx context.Context, tx bun.Tx, userID string) error {
			_, err := dir.WithTx(tx).CreateGroup(ctx, "kept")
			return err
		}
		if err := dir.DeleteUser(ctx, alice.ID); err != nil {
			t.Fatalf("DeleteUser with accepting hook: %v", err)
		}
		if got := groupNames(t, dir); !slices.Equal(got, []string{"kept", "system"}) {
			t.Errorf("groups after delete = %q, want the hook's write kept", got)
		}
	})
}
