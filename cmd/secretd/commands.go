package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/secretgen/secretgen/configurator"
	"github.com/secretgen/secretgen/runtime/directory"
	"github.com/secretgen/secretgen/runtime/kind"
)

func userAdd(ctx context.Context, cfg *configurator.Configurator, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	password := fs.String("password", os.Getenv("SECRETD_USER_PASSWORD"), "")
	admin := fs.Bool("admin", false, "")
	if err := fs.Parse(args); err != nil {
		return usageError("user add: %v", err)
	}
	if fs.NArg() != 1 {
		return usageError("user add takes one user name, got %d arguments", fs.NArg())
	}
	name := fs.Arg(0)

	dir, err := cfg.UserManagement()
	if err != nil {
		return err
	}
	user, shown, err := createUser(ctx, dir, name, *password)
	if err != nil {
		return err
	}
	if *admin {
		if err := dir.SetAdmin(ctx, user.ID, true); err != nil {
			return fmt.Errorf("make %q an admin: %w", name, err)
		}
	}
	printCreated(stdout, user, shown)
	return nil
}

// createUser adds a user with password, or a random one when password is
// empty, which it returns so it can be shown once.
func createUser(ctx context.Context, dir *directory.Directory, name, password string) (directory.User, string, error) {
	shown := ""
	if password == "" {
		password = randomPassword()
		shown = password
	}
	user, err := dir.CreateUser(ctx, name, password)
	if err != nil {
		return directory.User{}, "", fmt.Errorf("add user %q: %w", name, err)
	}
	return user, shown, nil
}

// printCreated tells the operator about a new user and its id, which API
// paths take. A random password is shown here, once, and never logged.
func printCreated(w io.Writer, user directory.User, password string) {
	if password == "" {
		fmt.Fprintf(w, "secretd: created user %s (id %s) with the given password\n", user.Name, user.ID)
		return
	}
	fmt.Fprintf(w, "secretd: created user %s (id %s) with password %s\n", user.Name, user.ID, password)
	fmt.Fprintf(w, "secretd: this password is shown only once; keep it somewhere safe\n")
}

func randomPassword() string {
	b := make([]byte, 18)
	rand.Read(b) // never returns an error
	return base64.RawURLEncoding.EncodeToString(b)
}

func groupAdd(ctx context.Context, cfg *configurator.Configurator, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return usageError("group add takes one group name, got %d arguments", len(args))
	}
	dir, err := cfg.GroupManagement()
	if err != nil {
		return err
	}
	group, err := dir.CreateGroup(ctx, args[0])
	if err != nil {
		return fmt.Errorf("add group %q: %w", args[0], err)
	}
	fmt.Fprintf(stdout, "secretd: created group %s (id %s)\n", group.Name, group.ID)
	return nil
}

// userList prints every user's name and id, sorted by name.
func userList(ctx context.Context, cfg *configurator.Configurator, args []string, stdout io.Writer) error {
	if len(args) != 0 {
		return usageError("user list takes no arguments")
	}
	dir, err := cfg.UserManagement()
	if err != nil {
		return err
	}
	users, err := dir.Users(ctx)
	if err != nil {
		return fmt.Errorf("list users: %w", err)
	}

	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tID")
	for _, u := range users {
		fmt.Fprintf(tw, "%s\t%s\n", u.Name, u.ID)
	}
	return tw.Flush()
}

// groupList prints every group's name, id and members' names, sorted by
// name.
func groupList(ctx context.Context, cfg *configurator.Configurator, args []string, stdout io.Writer) error {
	if len(args) != 0 {
		return usageError("group list takes no arguments")
	}
	dir, err := cfg.GroupManagement()
	if err != nil {
		return err
	}
	groups, err := dir.Groups(ctx)
	if err != nil {
		return fmt.Errorf("list groups: %w", err)
	}

	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tID\tMEMBERS")
	for _, g := range groups {
		members, err := memberNames(ctx, dir, g)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", g.Name, g.ID, members)
	}
	return tw.Flush()
}

// memberNames returns the names of a group's members, comma-separated.
func memberNames(ctx context.Context, dir *directory.Directory, g directory.Group) (string, error) {
	members, err := dir.Members(ctx, g.ID)
	if err != nil {
		return "", fmt.Errorf("list members of group %q: %w", g.Name, err)
	}
	names := make([]string, len(members))
	for i, m := range members {
		names[i] = m.Name
	}
	return strings.Join(names, ", "), nil
}

func groupMemberAdd(ctx context.Context, cfg *configurator.Configurator, args []string, stdout io.Writer) error {
	if len(args) != 2 {
		return usageError("group member add takes a group and a user name, got %d arguments", len(args))
	}
	dir, err := cfg.GroupManagement()
	if err != nil {
		return err
	}
	group, err := dir.GroupByName(ctx, args[0])
	if err != nil {
		return fmt.Errorf("group member add: %w", err)
	}
	user, err := dir.UserByName(ctx, args[1])
	if err != nil {
		return fmt.Errorf("group member add: %w", err)
	}

	if err := dir.AddMember(ctx, group.ID, user.ID); err != nil {
		return fmt.Errorf("add %q to group %q: %w", args[1], args[0], err)
	}
	fmt.Fprintf(stdout, "secretd: %s is now a member of %s\n", args[1], args[0])
	return nil
}

// keyRotate adds a master key version and re-wraps every data key with
// it. Running secretd processes read the new version when they meet it,
// but keep sealing changes with the version current when they started
// until they restart.
func keyRotate(ctx context.Context, cfg *configurator.Configurator, args []string, stdout io.Writer) error {
	if len(args) != 0 {
		return usageError("key rotate takes no arguments")
	}
	st, err := cfg.Store()
	if err != nil {
		return err
	}
	kr, err := cfg.Keyring()
	if err != nil {
		return err
	}

	version, err := kr.Rotate()
	if err != nil {
		return fmt.Errorf("rotate master key: %w", err)
	}
	n, err := st.Rewrap(ctx, 500)
	if err != nil {
		return fmt.Errorf("re-wrap data keys to master key version %d (run key rotate again to finish): %w", version, err)
	}
	fmt.Fprintf(stdout, "secretd: master key version %d is current; re-wrapped %d data keys\n", version, n)
	fmt.Fprintf(stdout, "secretd: restart every running secretd now: until then they seal changes with the old master key\n")
	return nil
}

// ensureAdmin creates the user admin on the first start, makes it an
// admin and a member of the group system, and shows its password once.
// Several processes starting at once create it once.
func ensureAdmin(ctx context.Context, dir *directory.Directory, password string, stdout io.Writer) error {
	_, err := dir.UserByName(ctx, "admin")
	if err == nil {
		return nil
	}
	if !errors.Is(err, kind.ErrNotFound) {
		return fmt.Errorf("look up user admin: %w", err)
	}

	user, shown, err := createUser(ctx, dir, "admin", password)
	if errors.Is(err, directory.ErrExists) {
		return nil // another process was first
	}
	if err != nil {
		return err
	}
	if err := dir.SetAdmin(ctx, user.ID, true); err != nil {
		return fmt.Errorf("make admin an admin: %w", err)
	}
	system, err := dir.GroupByName(ctx, directory.SystemGroup)
	if err != nil {
		return fmt.Errorf("find group system: %w", err)
	}
	if err := dir.AddMember(ctx, system.ID, user.ID); err != nil {
		return fmt.Errorf("add admin to group system: %w", err)
	}
	printCreated(stdout, user, shown)
	return nil
}
