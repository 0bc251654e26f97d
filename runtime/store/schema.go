package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// secretRow is the current version of a secret. Only id, type, version,
// timestamps and the master key version are in clear.
type secretRow struct {
	bun.BaseModel `bun:"table:secrets"`

	ID         string    `bun:"id,pk"`
	Type       string    `bun:"type,notnull"`
	Version    int64     `bun:"version,notnull"`
	CreatedAt  time.Time `bun:"created_at,notnull"`
	UpdatedAt  time.Time `bun:"updated_at,notnull"`
	DeletedAt  time.Time `bun:"deleted_at,nullzero"`
	Format     int16     `bun:"format,notnull"`
	KeyVersion int64     `bun:"key_version,notnull"`
	WrappedKey []byte    `bun:"wrapped_key,notnull"`
	Nonce      []byte    `bun:"nonce,notnull"`
	Ciphertext []byte    `bun:"ciphertext,notnull"`
}

// versionRow is an old version of a secret, kept for History and Restore.
type versionRow struct {
	bun.BaseModel `bun:"table:secret_versions"`

	SecretID   string    `bun:"secret_id,pk"`
	Version    int64     `bun:"version,pk"`
	Type       string    `bun:"type,notnull"`
	WrittenAt  time.Time `bun:"written_at,notnull"`
	Format     int16     `bun:"format,notnull"`
	KeyVersion int64     `bun:"key_version,notnull"`
	WrappedKey []byte    `bun:"wrapped_key,notnull"`
	Nonce      []byte    `bun:"nonce,notnull"`
	Ciphertext []byte    `bun:"ciphertext,notnull"`
}

// schemaRow records which migrations of a component have run.
type schemaRow struct {
	bun.BaseModel `bun:"table:secretgen_schema"`

	Component  string    `bun:"component,pk"`
	Version    int       `bun:"version,notnull"`
	MigratedAt time.Time `bun:"migrated_at,notnull"`
}

// component is the store's name in secretgen_schema; the access layer may
// record its own migrations under another name.
const component = "store"

// migrations bring the schema from version i to i+1. Append only.
var migrations = []func(ctx context.Context, tx bun.Tx) error{
	createTables,
}

func createTables(ctx context.Context, tx bun.Tx) error {
	if _, err := tx.NewCreateTable().Model((*secretRow)(nil)).IfNotExists().Exec(ctx); err != nil {
		return err
	}
	_, err := tx.NewCreateTable().Model((*versionRow)(nil)).IfNotExists().
		ForeignKey("(secret_id) REFERENCES secrets (id) ON DELETE CASCADE").
		Exec(ctx)
	if err != nil {
		return err
	}

	// Lookups by type are indexed. Rewrap's search for rows on an old
	// master key scans instead: an index on key_version would cost every
	// write for a job that runs once per rotation.
	_, err = tx.NewCreateIndex().Model((*secretRow)(nil)).IfNotExists().
		Index("secrets_type_idx").Column("type").Exec(ctx)
	return err
}

// migrate creates the schema table and runs the migrations not yet
// recorded, all in one transaction. On PostgreSQL an advisory lock keeps
// two processes from migrating at once; on SQLite the immediate
// transaction does.
func (s *Store) migrate(ctx context.Context) error {
	err := s.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if s.dialect == Postgres {
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(7346212)"); err != nil {
				return err
			}
		}
		if _, err := tx.NewCreateTable().Model((*schemaRow)(nil)).IfNotExists().Exec(ctx); err != nil {
			return err
		}
		return s.runMigrations(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("store: migrate %s schema: %w", s.dialect, err)
	}
	return nil
}

func (s *Store) runMigrations(ctx context.Context, tx bun.Tx) error {
	row := schemaRow{Component: component}
	err := tx.NewSelect().Model(&row).WherePK().Scan(ctx)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if row.Version > len(migrations) {
		return fmt.Errorf("database schema version %d is newer than this program's %d", row.Version, len(migrations))
	}
	if row.Version == len(migrations) {
		return nil
	}

	from := row.Version
	for i := from; i < len(migrations); i++ {
		if err := migrations[i](ctx, tx); err != nil {
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
	}
	row.Version, row.MigratedAt = len(migrations), time.Now().UTC()
	_, err = tx.NewInsert().Model(&row).On("CONFLICT (component) DO UPDATE").
		Set("version = EXCLUDED.version").Set("migrated_at = EXCLUDED.migrated_at").Exec(ctx)
	if err != nil {
		return err
	}
	s.log.Info("store schema migrated", "dialect", s.dialect, "from", from, "to", row.Version)
	return nil
}
