package directory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/uptrace/bun"
)

// CreateUser adds a user with a password. The name must be unused; the
// password is stored only as an Argon2id hash.
func (d *Directory) CreateUser(ctx context.Context, name, password string) (User, error) {
	if err := checkName("user", name); err != nil {
		return User{}, fmt.Errorf("directory: create user: %w", err)
	}
	if err := checkPassword(password); err != nil {
		return User{}, fmt.Errorf("directory: create user %q: %w", name, err)
	}

	row := userRow{
		ID:           newID(),
		Name:         name,
		PasswordHash: hashPassword(password, defaultParams),
		CreatedAt:    now(),
	}
	if err := insertNew(ctx, d.db, &row, "user", name); err != nil {
		return User{}, err
	}
	return row.user(), nil
}

// Authenticate returns the user with the given name if password is
// theirs. An unknown name and a wrong password both return
// ErrBadCredentials, after the same amount of hashing work.
func (d *Directory) Authenticate(ctx context.Context, name, password string) (User, error) {
	// Before the lookup, so that an overlong password is refused as fast
	// for an unknown name as for a known one: the timing names no user.
	// A name that breaks the name rules is refused as fast: it names no
	// user, and the rules are public.
	if len(password) > maxPasswordLen || checkName("user", name) != nil {
		return User{}, ErrBadCredentials
	}

	var row userRow
	err := d.db.NewSelect().Model(&row).Where("name = ?", name).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		verifyPassword(dummyHash(), password)
		return User{}, ErrBadCredentials
	}
	if err != nil {
		// Without the name: people type passwords into the name field,
		// and this error reaches the log.
		return User{}, fmt.Errorf("directory: authenticate: %w", err)
	}

	ok, err := verifyPassword(row.PasswordHash, password)
	if err != nil {
		return User{}, fmt.Errorf("directory: authenticate %q: %w", name, err)
	}
	if !ok {
		return User{}, ErrBadCredentials
	}
	return row.user(), nil
}

// dummyHash is checked against when the user does not exist, so that
// Authenticate takes as long for an unknown name as for a wrong password.
var dummyHash = sync.OnceValue(func() string {
	return hashPassword("no user has this password", defaultParams)
})

// SetPassword replaces the password of the user with the given id.
func (d *Directory) SetPassword(ctx context.Context, id, password string) error {
	if err := checkPassword(password); err != nil {
		return fmt.Errorf("directory: set password of user %q: %w", id, err)
	}
	if !isID(id) {
		return notFound("user", id)
	}

	res, err := d.db.NewUpdate().Model((*userRow)(nil)).
		Set("password_hash = ?", hashPassword(password, defaultParams)).
		Where("id = ?", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("directory: set password of user %q: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("user", id)
	}
	return nil
}

// User returns the user with the given id.
func (d *Directory) User(ctx context.Context, id string) (User, error) {
	row, err := one[userRow](ctx, d.db, "user", "id", id)
	return row.user(), err
}

// UserByName returns the user with the given name.
func (d *Directory) UserByName(ctx context.Context, name string) (User, error) {
	row, err := one[userRow](ctx, d.db, "user", "name", name)
	return row.user(), err
}

// Users returns every user, sorted by name.
func (d *Directory) Users(ctx context.Context) ([]User, error) {
	return all(ctx, d.db, "user", userRow.user)
}

// DeleteUser removes a user with their memberships and permissions, in one
// transaction. BeforeDeleteUser, when set, runs in that transaction first
// and may refuse by returning an error, which DeleteUser wraps.
func (d *Directory) DeleteUser(ctx context.Context, id string) error {
	return d.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := d.WithTx(tx).User(ctx, id); err != nil {
			return err
		}
		if d.BeforeDeleteUser != nil {
			if err := d.BeforeDeleteUser(ctx, tx, id); err != nil {
				return fmt.Errorf("directory: delete user %q: %w", id, err)
			}
		}
		return deleteUserRows(ctx, tx, id)
	})
}

// deleteUserRows deletes dependent rows explicitly: SQLite enforces the
// ON DELETE CASCADE of the schema only when foreign keys are switched on.
func deleteUserRows(ctx context.Context, tx bun.Tx, id string) error {
	models := []any{(*memberRow)(nil), (*permissionRow)(nil)}
	for _, m := range models {
		if _, err := tx.NewDelete().Model(m).Where("user_id = ?", id).Exec(ctx); err != nil {
			return fmt.Errorf("directory: delete user %q: %w", id, err)
		}
	}

	_, err := tx.NewDelete().Model((*userRow)(nil)).Where("id = ?", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("directory: delete user %q: %w", id, err)
	}
	return nil
}

// insertNew inserts row unless its name is taken, which it reports as an
// *ExistsError. ON CONFLICT DO NOTHING keeps a PostgreSQL transaction
// usable after a duplicate.
func insertNew(ctx context.Context, db bun.IDB, row any, what, name string) error {
	res, err := db.NewInsert().Model(row).On("CONFLICT DO NOTHING").Exec(ctx)
	if err != nil {
		return fmt.Errorf("directory: create %s %q: %w", what, name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &ExistsError{What: what, Name: name}
	}
	return nil
}

// now is the creation time, at the microsecond precision PostgreSQL keeps.
func now() time.Time {
	return time.Now().UTC().Truncate(time.Microsecond)
}
