// Package directory is the built-in directory of users, groups and
// memberships that secretgen uses when the platform brings none.
//
// It keeps its tables (prefixed dir_) in the database the caller hands it,
// SQLite or PostgreSQL through bun, and always holds the group system:
//
//	dir, err := directory.Open(ctx, db) // creates dir_* tables, ensures "system"
//	alice, err := dir.CreateUser(ctx, "alice", "correct horse battery")
//	system, err := dir.GroupByName(ctx, directory.SystemGroup)
//	err = dir.AddMember(ctx, system.ID, alice.ID)
//	who, err := dir.Authenticate(ctx, "alice", "correct horse battery")
//
// Passwords are stored as Argon2id hashes and never appear in an error.
// Names are unique and validated; ids are random and URL-safe. Lookups that
// find nothing return errors matching kind.ErrNotFound, without a query
// when the id or name breaks its rules; a taken name returns an
// *ExistsError, which matches ErrExists and kind.ErrConflict.
package directory

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// SystemGroup is the name of the group that Open always creates. Secret
// types that platform systems use, such as SMTP, must belong to it.
const SystemGroup = "system"

// Directory reads and writes users, groups, memberships and permissions.
// It holds no state of its own besides the database, so any number of
// processes may share one database.
type Directory struct {
	// BeforeDeleteUser, when set, runs inside the transaction of
	// DeleteUser after the user is known to exist and before any row is
	// deleted. Returning an error refuses the deletion and rolls back
	// everything done in tx, so the access layer can refuse or transfer
	// the secrets the user alone owns.
	BeforeDeleteUser func(ctx context.Context, tx bun.Tx, userID string) error

	db bun.IDB
}

// Open creates the directory's tables in db when they are missing and
// ensures the group system exists. It is safe to call on every start and
// from several processes at once.
func Open(ctx context.Context, db *bun.DB) (*Directory, error) {
	d := &Directory{db: db}

	err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := lockSchema(ctx, tx); err != nil {
			return err
		}
		if err := createSchema(ctx, tx); err != nil {
			return err
		}
		return ensureGroup(ctx, tx, SystemGroup)
	})
	if err != nil {
		return nil, fmt.Errorf("directory: open: %w", err)
	}
	return d, nil
}

// WithTx returns a Directory whose reads and writes run inside tx, so a
// caller can check membership or change users in its own transaction.
// The hook BeforeDeleteUser is kept.
func (d *Directory) WithTx(tx bun.Tx) *Directory {
	c := *d
	c.db = tx
	return &c
}

// lockSchema serialises concurrent Opens on PostgreSQL, where two
// CREATE TABLE IF NOT EXISTS racing each other can still collide.
// SQLite needs nothing: its writers are serialised already.
func lockSchema(ctx context.Context, tx bun.Tx) error {
	if tx.Dialect().Name() != dialect.PG {
		return nil
	}
	const key = 0x6469725f736368 // "dir_sch"
	_, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", key)
	if err != nil {
		return fmt.Errorf("lock schema: %w", err)
	}
	return nil
}

func createSchema(ctx context.Context, tx bun.Tx) error {
	tables := []struct {
		model any
		fks   []string
	}{
		{model: (*userRow)(nil)},
		{model: (*groupRow)(nil)},
		{model: (*memberRow)(nil), fks: []string{
			`("group_id") REFERENCES "dir_groups" ("id") ON DELETE CASCADE`,
			`("user_id") REFERENCES "dir_users" ("id") ON DELETE CASCADE`,
		}},
		{model: (*permissionRow)(nil), fks: []string{
			`("user_id") REFERENCES "dir_users" ("id") ON DELETE CASCADE`,
		}},
	}
	for _, t := range tables {
		q := tx.NewCreateTable().Model(t.model).IfNotExists()
		for _, fk := range t.fks {
			q = q.ForeignKey(fk)
		}
		if _, err := q.Exec(ctx); err != nil {
			return fmt.Errorf("create table: %w", err)
		}
	}

	_, err := tx.NewCreateIndex().Model((*memberRow)(nil)).
		Index("dir_members_user_id_idx").Column("user_id").
		IfNotExists().Exec(ctx)
	if err != nil {
		return fmt.Errorf("create index: %w", err)
	}
	return nil
}

// ids are 128 random bits in lowercase base32: URL-safe, never starting
// with a dash, and easy to read out.
var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").
	WithPadding(base32.NoPadding)

// idLen is the length of every id: 16 bytes in unpadded base32.
const idLen = 26

func newID() string {
	b := make([]byte, 16)
	rand.Read(b) // never returns an error
	return idEncoding.EncodeToString(b)
}
