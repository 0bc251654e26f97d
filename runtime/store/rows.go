package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/secretgen/secretgen/runtime/kind"
)

// Columns returns the columns of the secrets table, aliased sec, that a
// Sealed reads, in the order of Sealed.Dest. The access layer selects
// them in its own queries so that a read of a secret together with its
// shares, or of a group's secrets, is one statement:
//
//	SELECT <Columns>, sh.role FROM secrets AS sec JOIN acl_shares AS sh ...
//
// A query that selects them must also skip deleted secrets
// (sec.deleted_at IS NULL) when it wants live ones only.
func (s *Store) Columns() string {
	if s.dialect == SQLite {
		return fmt.Sprintf(columns, "CAST(sec.created_at AS TEXT)", "CAST(sec.updated_at AS TEXT)")
	}
	return fmt.Sprintf(columns, "sec.created_at", "sec.updated_at")
}

// columns are Columns with the timestamps left to fill in. On SQLite
// they are read as text and parsed with the one layout they are written
// in: the driver would otherwise try several layouts for each, which
// costs more than the rest of a row.
const columns = "sec.id, sec.type, sec.version, %s, %s, " +
	"sec.format, sec.key_version, sec.wrapped_key, sec.nonce, sec.ciphertext"

// Sealed is one secret's row as read through Columns, still encrypted.
// Store.Open decrypts it.
type Sealed struct {
	row secretRow
}

// Dest returns the scan destinations for Columns, in their order.
func (r *Sealed) Dest() []any {
	return []any{
		&r.row.ID, &r.row.Type, &r.row.Version,
		timestampDest{&r.row.CreatedAt}, timestampDest{&r.row.UpdatedAt},
		&r.row.Format, &r.row.KeyVersion, &r.row.WrappedKey, &r.row.Nonce, &r.row.Ciphertext,
	}
}

// Meta returns the secret's metadata, which is stored in clear.
func (r *Sealed) Meta() kind.Meta {
	return r.row.meta()
}

// timestampDest scans a timestamp that PostgreSQL returns as a time and
// Columns on SQLite as text, in the layout that both the driver and bun
// write (a fraction of a second and an offset).
type timestampDest struct {
	t *time.Time
}

const timestampLayout = "2006-01-02 15:04:05.999999999-07:00"

func (d timestampDest) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*d.t = v
		return nil
	case string:
		return d.parse(v)
	case []byte:
		return d.parse(string(v))
	}
	return fmt.Errorf("store: timestamp of type %T, want text or a time", src)
}

func (d timestampDest) parse(s string) error {
	t, err := time.Parse(timestampLayout, s)
	if err != nil {
		return fmt.Errorf("store: timestamp %q: %w", s, err)
	}
	*d.t = t
	return nil
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
