package main

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/secretgen/secretgen/configurator"
	"github.com/secretgen/secretgen/runtime/access"
)

// secretd runs the real command line in-process on a data directory.
func secretd(t *testing.T, data string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errs bytes.Buffer
	code = run(append([]string{"-data", data, "-log-level", "warn"}, args...), &out, &errs)
	return code, out.String(), errs.String()
}

func TestSubcommandsManageUsersAndGroups(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	steps := []struct {
		args []string
		out  string
	}{
		{[]string{"user", "add", "-password", "bob-password", "bob"}, ") with the given password"},
		{[]string{"user", "add", "carol"}, ") with password "},
		{[]string{"group", "add", "ops"}, "created group ops (id "},
		{[]string{"group", "member", "add", "ops", "bob"}, "bob is now a member of ops"},
	}
	for _, s := range steps {
		code, out, errs := secretd(t, data, s.args...)
		if code != 0 || !strings.Contains(out, s.out) {
			t.Fatalf("secretd %s: exit %d, stdout %q, stderr %q; want 0 and %q", strings.Join(s.args, " "), code, out, errs, s.out)
		}
	}

	cfg := configurator.New(configurator.Options{DataDir: data})
	defer cfg.Close()
	dir, err := cfg.GroupManagement()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	bob, err := dir.Authenticate(ctx, "bob", "bob-password")
	if err != nil {
		t.Fatalf("bob cannot log in with the password given to user add: %v", err)
	}
	ops, err := dir.GroupByName(ctx, "ops")
	if err != nil {
		t.Fatal(err)
	}
	if member, err := dir.IsMember(ctx, bob.ID, ops.ID); err != nil || !member {
		t.Errorf("bob in ops: %v (err %v), want a member", member, err)
	}
}

func TestAddPrintsTheIDAndListsShowNamesIDsAndMembers(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	bobID := printedID(t, data, "user", "add", "-password", "bob-password", "bob")
	carolID := printedID(t, data, "user", "add", "-password", "carol-password", "carol")
	opsID := printedID(t, data, "group", "add", "ops")
	secretd(t, data, "group", "member", "add", "ops", "carol")
	secretd(t, data, "group", "member", "add", "ops", "bob")
	emptyID := printedID(t, data, "group", "add", "empty")

	_, users, _ := secretd(t, data, "user", "list")
	_, groups, _ := secretd(t, data, "group", "list")

	wantUsers := [][]string{{"NAME", "ID"}, {"bob", bobID}, {"carol", carolID}}
	if got := table(users); !slices.EqualFunc(got, wantUsers, slices.Equal) {
		t.Errorf("user list:\n%s\nwant rows %q", users, wantUsers)
	}
	wantGroups := [][]string{{"NAME", "ID", "MEMBERS"}, {"empty", emptyID}, {"ops", opsID, "bob,", "carol"}}
	if got := table(groups); len(got) != 4 || !slices.EqualFunc(got[:3], wantGroups, slices.Equal) || got[3][0] != "system" {
		t.Errorf("group list:\n%s\nwant rows %q, then system", groups, wantGroups)
	}
}

// printedID runs an add command and returns the id it printed, checked
// against the directory's.
func printedID(t *testing.T, data string, args ...string) string {
	t.Helper()
	code, out, errs := secretd(t, data, args...)
	_, after, ok := strings.Cut(out, "(id ")
	id, _, _ := strings.Cut(after, ")")
	if code != 0 || !ok || id == "" {
		t.Fatalf("secretd %s: exit %d, stdout %q, stderr %q; want an id", strings.Join(args, " "), code, out, errs)
	}

	cfg := configurator.New(configurator.Options{DataDir: data})
	defer cfg.Close()
	dir, err := cfg.GroupManagement()
	if err != nil {
		t.Fatal(err)
	}
	name := args[len(args)-1]
	user, uerr := dir.UserByName(context.Background(), name)
	group, gerr := dir.GroupByName(context.Background(), name)
	if (args[0] == "user" && (uerr != nil || user.ID != id)) || (args[0] == "group" && (gerr != nil || group.ID != id)) {
		t.Fatalf("secretd %s printed id %q; the directory has user %q (%v), group %q (%v)",
			strings.Join(args, " "), id, user.ID, uerr, group.ID, gerr)
	}
	return id
}

// table splits a printed table into rows of fields.
func table(out string) [][]string {
	var rows [][]string
	for line := range strings.Lines(out) {
		rows = append(rows, strings.Fields(line))
	}
	return rows
}

func TestSubcommandErrorsSayWhatIsWrong(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	secretd(t, data, "group", "add", "ops")
	tests := []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"user", "add"}, 2, "user add takes one user name"},
		{[]string{"user", "list", "bob"}, 2, "user list takes no arguments"},
		{[]string{"group", "list", "ops"}, 2, "group list takes no arguments"},
		{[]string{"group", "member", "add", "ops"}, 2, "takes a group and a user name"},
		{[]string{"group", "add", "ops"}, 1, `add group "ops"`},
		{[]string{"group", "member", "add", "ops", "nobody"}, 1, "nobody"},
		{[]string{"user", "add", "-password", "short", "dave"}, 1, "password"},
		{[]string{"-log-level", "loud"}, 2, `-log-level "loud"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, errs := secretd(t, data, tt.args...)
			if code != tt.code || !strings.Contains(errs, tt.err) || !strings.HasPrefix(errs, "secretd: ") {
				t.Errorf("exit %d, stderr %q; want %d and a line starting secretd: that contains %q", code, errs, tt.code, tt.err)
			}
		})
	}
}

func TestKeyRotateKeepsEverySecretReadable(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	ctx := context.Background()
	id := storeOneSecret(t, data)

	code, out, errs := secretd(t, data, "key", "rotate")
	if code != 0 || !strings.Contains(out, "master key version 2 is current") {
		t.Fatalf("key rotate: exit %d, stdout %q, stderr %q", code, out, errs)
	}

	cfg := configurator.New(configurator.Options{DataDir: data})
	defer cfg.Close()
	sm, err := cfg.SecretManagement()
	if err != nil {
		t.Fatal(err)
	}
	if sm.Keyring.Current() != 2 {
		t.Errorf("current master key version %d, want 2", sm.Keyring.Current())
	}
	admin, err := sm.Directory.UserByName(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	sec, err := sm.Access.Reveal(ctx, access.Subject{UserID: admin.ID}, id)
	if err != nil || !strings.Contains(string(sec.Payload), "rotate-me") {
		t.Fatalf("the secret after rotation: %v (payload readable: %v)", err, err == nil)
	}
}

// storeOneSecret creates the admin and one SMTP secret, as a first start
// and a first form would, and returns the secret's id.
func storeOneSecret(t *testing.T, data string) string {
	t.Helper()
	return storeSecret(t, configurator.Options{DataDir: data}, "SMTP",
		`{"Name":"rotate-me","Host":"127.0.0.1","Port":25,"Password":"pw"}`)
}

// storeSecret creates the admin, when missing, and one secret of admin's
// of type typ, and returns the secret's id.
func storeSecret(t *testing.T, opts configurator.Options, typ, payload string) string {
	t.Helper()
	ctx := context.Background()
	cfg := configurator.New(opts)
	defer cfg.Close()
	sm, err := cfg.SecretManagement()
	if err != nil {
		t.Fatal(err)
	}
	if err := ensureAdmin(ctx, sm.Directory, adminPassword, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	admin, err := sm.Directory.UserByName(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	sec, err := sm.Access.Create(ctx, access.Subject{UserID: admin.ID}, typ, []byte(payload), nil)
	if err != nil {
		t.Fatal(err)
	}
	return sec.ID
}

func TestFirstStartShowsTheAdminPasswordOnce(t *testing.T) {
	ctx := context.Background()
	cfg := configurator.New(configurator.Options{DataDir: filepath.Join(t.TempDir(), "data")})
	defer cfg.Close()
	dir, err := cfg.GroupManagement()
	if err != nil {
		t.Fatal(err)
	}

	var first, second bytes.Buffer
	if err := ensureAdmin(ctx, dir, "", &first); err != nil {
		t.Fatal(err)
	}
	if err := ensureAdmin(ctx, dir, "", &second); err != nil {
		t.Fatal(err)
	}

	fields := strings.Fields(strings.SplitN(first.String(), "\n", 2)[0])
	password := fields[len(fields)-1]
	if _, err := dir.Authenticate(ctx, "admin", password); err != nil {
		t.Fatalf("admin cannot log in with the printed password: %v\n%s", err, first.String())
	}
	if second.Len() != 0 {
		t.Errorf("the second start printed %q, want nothing", second.String())
	}
	admin, _ := dir.UserByName(ctx, "admin")
	if groups, _ := dir.GroupsOf(ctx, admin.ID); len(groups) != 1 {
		t.Errorf("admin is in %d groups, want 1 (system)", len(groups))
	}
}
