package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"

	"github.com/uptrace/bun"
)

// statements are the store's hot queries, prepared once per connection.
// bun writes arguments into the SQL text, so every call of a bun query is
// parsed and planned anew; for reading one secret that costs more than
// the read itself (most of all in the pure-Go SQLite).
type statements struct {
	live   *sql.Stmt // one live secret by id, any type when $2 is ''
	insert *sql.Stmt // a new secret

	mu    sync.Mutex
	extra []*sql.Stmt // prepared by other layers through Store.Prepare
}

const liveQuery = `SELECT id, type, version, created_at, updated_at, format, key_version, wrapped_key, nonce, ciphertext
FROM secrets WHERE id = $1 AND deleted_at IS NULL AND ($2 = '' OR type = $2)`

const insertQuery = `INSERT INTO secrets (id, type, version, created_at, updated_at, format, key_version, wrapped_key, nonce, ciphertext)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`

func (s *Store) prepare(ctx context.Context) error {
	var err error
	if s.stmts.live, err = s.db.DB.PrepareContext(ctx, s.placeholders(liveQuery)); err != nil {
		return fmt.Errorf("store: prepare read: %w", err)
	}
	if s.stmts.insert, err = s.db.DB.PrepareContext(ctx, s.placeholders(insertQuery)); err != nil {
		return fmt.Errorf("store: prepare insert: %w", err)
	}
	return nil
}

// placeholders rewrites $n into ?n for SQLite, which numbers them the same.
func (s *Store) placeholders(query string) string {
	if s.dialect == Postgres {
		return query
	}
	return strings.ReplaceAll(query, "$", "?")
}

func (st *statements) close() {
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, stmt := range append([]*sql.Stmt{st.live, st.insert}, st.extra...) {
		if stmt != nil {
			stmt.Close()
		}
	}
}

// stmt returns a prepared statement bound to the ops' transaction, if any.
func (o ops) stmt(ctx context.Context, stmt *sql.Stmt) *sql.Stmt {
	if tx, ok := o.db.(bun.Tx); ok {
		return tx.StmtContext(ctx, stmt)
	}
	return stmt
}

// fields lists the row's fields in the order of liveQuery and insertQuery.
func (r *secretRow) fields() []any {
	return []any{
		&r.ID, &r.Type, &r.Version, &r.CreatedAt, &r.UpdatedAt,
		&r.Format, &r.KeyVersion, &r.WrappedKey, &r.Nonce, &r.Ciphertext,
	}
}

// values lists the row's values in the order of insertQuery.
func (r *secretRow) values() []any {
	return []any{
		r.ID, r.Type, r.Version, r.CreatedAt, r.UpdatedAt,
		r.Format, r.KeyVersion, r.WrappedKey, r.Nonce, r.Ciphertext,
	}
}
