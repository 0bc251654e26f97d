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
	printCreated(stdout, name, shown)
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

// printCreated tells the operator about a new user. A random password is
// shown here, once, and never logged.
func printCreated(w io.Writer, name, password string) {
	if password == "" {
		fmt.Fprintf(w, "secretd: created user %s with the given password\n", name)
		return
	}
	fmt.Fprintf(w, "secretd: created user %s with password %s\n", name, password)
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
	if _, err := dir.CreateGroup(ctx, args[0]); err != nil {
		return fmt.Errorf("add group %q: %w", args[0], err)
	}
	fmt.Fprintf(stdout, "secretd: created group %s\n", args[0])
	return nil
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
	printCreated(stdout, "admin", shown)
	return nil
}
