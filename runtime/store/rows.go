package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/secretgen/secretgen/runtime/kind"
)

// Columns are the columns of the secrets table, aliased sec, that a
// Sealed reads, in the order of Sealed.Dest. The access layer selects
// them in its own queries so that a read of a secret together with its
// shares, or of a group's secrets, is one statement:
//
//	SELECT <Columns>, sh.role FROM secrets AS sec JOIN acl_shares AS sh ...
//
// A query that selects them must also skip deleted secrets
// (sec.deleted_at IS NULL) when it wants live ones only.
const Columns = "sec.id, sec.type, sec.version, sec.created_at, sec.updated_at, " +
	"sec.format, sec.key_version, sec.wrapped_key, sec.nonce, sec.ciphertext"

// Sealed is one secret's row as read through Columns, still encrypted.
// Store.Open decrypts it.
type Sealed struct {
	row secretRow
}

// Dest returns the scan destinations for Columns, in their order.
func (r *Sealed) Dest() []any {
	return r.row.fields()
}

// Meta returns the secret's metadata, which is stored in clear.
func (r *Sealed) Meta() kind.Meta {
	return r.row.meta()
}

// Open decrypts a row read through Columns. It checks the row the way Get
// does: a row whose format, sizes or authentication tags are not as sealed
// is an error.
func (s *Store) Open(r *Sealed) (kind.Item, error) {
	return ops{s: s}.open(r.row)
}

// Prepare prepares query once for the store's connections; the store
// closes the statement on Close. Placeholders are written $1, $2, ... for
// both databases.
func (s *Store) Prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	stmt, err := s.db.DB.PrepareContext(ctx, s.placeholders(query))
	if err != nil {
		return nil, fmt.Errorf("store: prepare: %w", err)
	}

	s.stmts.mu.Lock()
	defer s.stmts.mu.Unlock()
	s.stmts.extra = append(s.stmts.extra, stmt)
	return stmt, nil
}
