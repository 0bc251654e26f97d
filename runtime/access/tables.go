package access

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// Principal kinds in acl_shares.
const (
	principalUser  = "user"
	principalGroup = "group"
)

// groupRole is the role column of a group share: groups hold no user role.
const groupRole = "member"

// shareRow gives a user a role on a secret, or attaches the secret to a
// group. Type repeats the secret's type so that lookups by group and type
// are one indexed query.
type shareRow struct {
	bun.BaseModel `bun:"table:acl_shares"`

	SecretID  string `bun:"secret_id,pk"`
	Kind      string `bun:"principal_kind,pk"`
	Principal string `bun:"principal_id,pk"`
	Role      string `bun:"role,notnull"`
	Type      string `bun:"type,notnull"`
}

// defaultRow names the secret that Match picks for a group and a type
// when no hint is given.
type defaultRow struct {
	bun.BaseModel `bun:"table:acl_defaults"`

	GroupID  string `bun:"group_id,pk"`
	Type     string `bun:"type,pk"`
	SecretID string `bun:"secret_id,notnull"`
}

// auditRow is one audit entry. It never holds a value.
type auditRow struct {
	bun.BaseModel `bun:"table:acl_audit"`

	ID       int64     `bun:"id,pk,autoincrement"`
	At       time.Time `bun:"at,notnull"`
	Actor    string    `bun:"actor,notnull"`
	Action   string    `bun:"action,notnull"`
	SecretID string    `bun:"secret_id,notnull"`
	Type     string    `bun:"type,notnull"`
	Version  int64     `bun:"version,notnull"`
	Outcome  string    `bun:"outcome,notnull"`
	Detail   string    `bun:"detail,notnull"`
}

func (r auditRow) entry() AuditEntry {
	return AuditEntry{
		ID: r.ID, At: r.At, Actor: r.Actor, Action: Action(r.Action),
		SecretID: r.SecretID, Type: r.Type, Version: r.Version,
		Outcome: Outcome(r.Outcome), Detail: r.Detail,
	}
}

// indexes lists the access layer's indexes: shares by principal and type
// (Match, GroupSecrets, Mine), defaults by secret (clean-up) and audit by
// secret.
var indexes = []struct {
	model   any
	name    string
	columns []string
}{
	{(*shareRow)(nil), "acl_shares_principal_idx", []string{"principal_kind", "principal_id", "type", "secret_id"}},
	{(*defaultRow)(nil), "acl_defaults_secret_idx", []string{"secret_id"}},
	{(*auditRow)(nil), "acl_audit_secret_idx", []string{"secret_id", "id"}},
}

// createTables creates the acl_ tables and their indexes when missing.
// On PostgreSQL an advisory lock keeps two processes starting at once
// from colliding on CREATE ... IF NOT EXISTS.
func createTables(ctx context.Context, tx bun.Tx, postgres bool) error {
	if postgres {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(7346213)"); err != nil {
			return err
		}
	}

	for _, m := range []any{(*shareRow)(nil), (*defaultRow)(nil), (*auditRow)(nil)} {
		if _, err := tx.NewCreateTable().Model(m).IfNotExists().Exec(ctx); err != nil {
			return err
		}
	}

	for _, ix := range indexes {
		_, err := tx.NewCreateIndex().Model(ix.model).IfNotExists().
			Index(ix.name).Column(ix.columns...).Exec(ctx)
		if err != nil {
			return err
		}
	}
	return nil
}
