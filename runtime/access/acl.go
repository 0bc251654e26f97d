package access

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/uptrace/bun"

	"github.com/secretgen/secretgen/runtime/kind"
)

// acl is who may use one live secret: its user shares and its groups.
type acl struct {
	id      string
	typ     string
	version int64
	users   []UserShare // sorted by user id
	groups  []string    // sorted
}

func (a *acl) meta() kind.Meta {
	return kind.Meta{ID: a.id, Type: a.typ, Version: a.version}
}

// role returns the user's own role, or "" when the secret is not shared
// with the user or a is nil.
func (a *acl) role(user string) Role {
	if a == nil {
		return ""
	}
	for _, u := range a.users {
		if u.UserID == user {
			return u.Role
		}
	}
	return ""
}

// owners counts the owners.
func (a *acl) owners() int {
	n := 0
	for _, u := range a.users {
		if u.Role == Owner {
			n++
		}
	}
	return n
}

// visible returns the shares that a subject with role may see: owners see
// all; others see their own share and the groups they belong to.
func (a *acl) visible(user string, role Role, member []string) ([]UserShare, []string) {
	if role == Owner {
		return slices.Clone(a.users), slices.Clone(a.groups)
	}

	var users []UserShare
	if role != "" {
		users = []UserShare{{UserID: user, Role: role}}
	}
	var groups []string
	for _, g := range a.groups {
		if slices.Contains(member, g) {
			groups = append(groups, g)
		}
	}
	return users, groups
}

func (a *acl) add(r shareRow) {
	if r.Kind == principalGroup {
		a.groups = append(a.groups, r.Principal)
		return
	}
	a.users = append(a.users, UserShare{UserID: r.Principal, Role: Role(r.Role)})
}

// secretsTable is the store's table of current versions; the access layer
// joins it to skip deleted secrets without decrypting anything.
const secretsTable = "secrets"

// aclOf reads the shares of a live secret. With lock on PostgreSQL the
// secret's row stays locked until the transaction ends, so concurrent
// changes of its shares run one after another; SQLite's writers are
// serialised already.
func (s *Service) aclOf(ctx context.Context, db bun.IDB, id string, lock bool) (*acl, error) {
	a := &acl{id: id}
	q := db.NewSelect().Table(secretsTable).Column("type", "version").
		Where("id = ?", id).Where("deleted_at IS NULL")
	if lock && s.postgres {
		q = q.For("UPDATE")
	}
	err := q.Scan(ctx, &a.typ, &a.version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("access: secret %q: %w", id, kind.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("access: read secret %q: %w", id, err)
	}

	var rows []shareRow
	err = db.NewSelect().Model(&rows).Where("secret_id = ?", id).
		Order("principal_kind", "principal_id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("access: read shares of secret %q: %w", id, err)
	}
	for _, r := range rows {
		a.add(r)
	}
	return a, nil
}

// aclsOf reads the shares of several secrets whose metadata the caller
// already has.
func (s *Service) aclsOf(ctx context.Context, db bun.IDB, metas []kind.Meta) (map[string]*acl, error) {
	out := make(map[string]*acl, len(metas))
	ids := make([]string, len(metas))
	for i, m := range metas {
		out[m.ID] = &acl{id: m.ID, typ: m.Type, version: m.Version}
		ids[i] = m.ID
	}
	if len(ids) == 0 {
		return out, nil
	}

	var rows []shareRow
	err := db.NewSelect().Model(&rows).Where("secret_id IN (?)", bun.In(ids)).
		Order("secret_id", "principal_kind", "principal_id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("access: read shares of %d secrets: %w", len(ids), err)
	}
	for _, r := range rows {
		out[r.SecretID].add(r)
	}
	return out, nil
}

// upsertShare gives a principal a role on a secret, replacing its former
// role.
func upsertShare(ctx context.Context, db bun.IDB, r shareRow) error {
	_, err := db.NewInsert().Model(&r).
		On("CONFLICT (secret_id, principal_kind, principal_id) DO UPDATE").
		Set("role = EXCLUDED.role").Exec(ctx)
	if err != nil {
		return fmt.Errorf("access: save share of secret %q: %w", r.SecretID, err)
	}
	return nil
}

// deleteShare removes a principal's share of a secret.
func deleteShare(ctx context.Context, db bun.IDB, id, principalKind, principal string) error {
	_, err := db.NewDelete().Model((*shareRow)(nil)).
		Where("secret_id = ?", id).Where("principal_kind = ?", principalKind).
		Where("principal_id = ?", principal).Exec(ctx)
	if err != nil {
		return fmt.Errorf("access: remove share of secret %q: %w", id, err)
	}
	return nil
}

// sortedSet returns the distinct non-empty strings of lists, sorted.
func sortedSet(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		for _, v := range l {
			if v != "" && !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
	}
	sort.Strings(out)
	return out
}
