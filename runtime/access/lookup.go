package access

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"github.com/secretgen/secretgen/runtime/kind"
	"github.com/secretgen/secretgen/runtime/store"
)

// GroupSecrets returns the secrets attached to a group, of type typ or of
// every type when typ is "", in clear and sorted by name: they are for
// systems acting for the group's members. The subject must be a member.
// One statement reads them through the index of acl_shares; only they are
// decrypted.
func (s *Service) GroupSecrets(ctx context.Context, sub Subject, groupID, typ string) ([]Secret, error) {
	if err := s.mayUseGroup(ctx, sub, groupID, typ); err != nil {
		return nil, err
	}

	items, err := s.groupItems(ctx, groupID, typ)
	if err != nil {
		return nil, err
	}
	return s.viewAll(items, Subject{}, nil, nil)
}

// GroupSecretRefs returns the metadata of the secrets that GroupSecrets
// returns, sorted by id, without decrypting any: for a system that picks
// one by id and then reads only that one (Match with the id as hint). The
// subject must be a member of the group.
func (s *Service) GroupSecretRefs(ctx context.Context, sub Subject, groupID, typ string) ([]kind.Meta, error) {
	if err := s.mayUseGroup(ctx, sub, groupID, typ); err != nil {
		return nil, err
	}
	return s.groupRefs(ctx, groupID, typ)
}

// mayUseGroup refuses, and audits the refusal, unless the subject is a
// member of the group; typ must be "" or a registered type.
func (s *Service) mayUseGroup(ctx context.Context, sub Subject, groupID, typ string) error {
	if typ != "" {
		if _, err := s.typeOf(typ); err != nil {
			return err
		}
	}
	ok, err := s.isMember(ctx, sub, groupID)
	if err != nil {
		return err
	}
	if !ok {
		return s.audited(ctx, notMember(sub, typ, groupID))
	}
	return nil
}

// notMember refuses a system acting for sub the secrets of a group.
func notMember(sub Subject, typ, groupID string) error {
	return deny(sub, ActionUsed, kind.Meta{Type: typ}, "user %q is not a member of group %q", sub.UserID, groupID)
}

// groupIDs returns the ids of the secrets attached to any of groups, of
// type typ ("" for all), and equal to id when id is set. It reads the
// covering index of acl_shares only; deleted secrets are among them until
// store.GetMany, which joins by id, leaves them out.
func (s *Service) groupIDs(ctx context.Context, groups []string, typ, id string) ([]string, error) {
	if len(groups) == 0 {
		return nil, nil
	}
	q := s.store.DB().NewSelect().Distinct().
		TableExpr("acl_shares AS sh").ColumnExpr("sh.secret_id").
		Where("sh.principal_kind = ?", principalGroup).
		Where("sh.principal_id IN (?)", bun.In(groups))
	if typ != "" {
		q = q.Where("sh.type = ?", typ)
	}
	if id != "" {
		q = q.Where("sh.secret_id = ?", id)
	}

	var ids []string
	if err := q.OrderExpr("sh.secret_id").Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("access: find secrets of groups %q: %w", groups, err)
	}
	return slices.Compact(ids), nil
}

// inClear decrypts the secrets with the given ids for a system: every
// field in clear, no role, sorted by name.
func (s *Service) inClear(ctx context.Context, ids []string) ([]Secret, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	items, err := s.store.GetMany(ctx, ids)
	if err != nil {
		return nil, err
	}

	return s.viewAll(items, Subject{}, nil, nil)
}

// Match returns the one secret of a type that a system acting for the
// subject should use, in clear. It decides in this order: a hint (a
// secret id, else a name) wins; else the default an owner set for the
// group and type; else the only candidate. Several candidates are an
// *AmbiguousError naming them. No candidate is an error matching
// kind.ErrNotFound when q.Expect is set, and a zero Secret otherwise.
func (s *Service) Match(ctx context.Context, sub Subject, q MatchQuery) (Secret, error) {
	if _, err := s.typeOf(q.Type); err != nil {
		return Secret{}, err
	}
	groups, err := s.matchGroups(ctx, sub, q)
	if err != nil {
		return Secret{}, err
	}

	found, err := s.match(ctx, groups, q)
	if err != nil {
		return Secret{}, err
	}
	if len(found) == 1 && found[0].Unreadable != "" {
		return Secret{}, &UnreadableError{ID: found[0].ID, Type: found[0].Type, Reason: found[0].Unreadable}
	}
	if len(found) == 1 && q.Masked {
		return s.maskedUse(ctx, sub, found[0])
	}
	if len(found) == 1 {
		return found[0], nil
	}
	if len(found) > 1 {
		return Secret{}, ambiguous(q, found)
	}
	if !q.Expect {
		return Secret{}, nil
	}
	return Secret{}, notFound(q)
}

// maskedUse returns the secret a person found through a group with its
// fields styled secret masked, once the lookup is on record.
func (s *Service) maskedUse(ctx context.Context, sub Subject, sec Secret) (Secret, error) {
	t, err := s.typeOf(sec.Type)
	if err != nil {
		return Secret{}, err
	}
	payload, err := masked(t, sec.Payload)
	if err != nil {
		return Secret{}, err
	}

	err = s.change(ctx, func(tx *store.Tx, rec *recorder) error {
		rec.allowed(sub.UserID, ActionUsed, sec.Meta, "matched through a group; secret fields masked")
		return nil
	})
	if err != nil {
		return Secret{}, err
	}
	sec.Payload, sec.Masked = payload, true
	return sec, nil
}

// matchGroups returns the groups Match searches: q.Group, of which the
// subject must be a member, or all of the subject's groups.
func (s *Service) matchGroups(ctx context.Context, sub Subject, q MatchQuery) ([]string, error) {
	member, err := s.groupsOf(ctx, sub)
	if err != nil {
		return nil, err
	}
	if q.Group == "" {
		return member, nil
	}
	if !slices.Contains(member, q.Group) {
		return nil, s.audited(ctx, notMember(sub, q.Type, q.Group))
	}
	return []string{q.Group}, nil
}

// match returns the secrets that the first deciding rule yields.
func (s *Service) match(ctx context.Context, groups []string, q MatchQuery) ([]Secret, error) {
	if q.Hint != "" {
		return s.byHint(ctx, groups, q)
	}

	defaults, err := s.defaultIDs(ctx, groups, q.Type)
	if err != nil {
		return nil, err
	}
	if found, err := s.inClear(ctx, defaults); err != nil || len(found) > 0 {
		return found, err
	}

	ids, err := s.groupIDs(ctx, groups, q.Type, "")
	if err != nil {
		return nil, err
	}
	return s.inClear(ctx, ids)
}

// byHint returns the candidate whose id is the hint, else those whose
// name is.
func (s *Service) byHint(ctx context.Context, groups []string, q MatchQuery) ([]Secret, error) {
	ids, err := s.groupIDs(ctx, groups, q.Type, q.Hint)
	if err != nil || len(ids) > 0 {
		return s.inClearOrErr(ctx, ids, err)
	}

	ids, err = s.groupIDs(ctx, groups, q.Type, "")
	if err != nil {
		return nil, err
	}
	all, err := s.inClear(ctx, ids)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(sec Secret) bool { return sec.Name != q.Hint }), nil
}

func (s *Service) inClearOrErr(ctx context.Context, ids []string, err error) ([]Secret, error) {
	if err != nil {
		return nil, err
	}
	return s.inClear(ctx, ids)
}

// defaultIDs returns the defaults set for typ in any of groups whose
// secret is still attached to that group and alive.
func (s *Service) defaultIDs(ctx context.Context, groups []string, typ string) ([]string, error) {
	if len(groups) == 0 {
		return nil, nil
	}
	var ids []string
	err := s.store.DB().NewSelect().
		TableExpr("acl_defaults AS d").ColumnExpr("d.secret_id").
		Join("JOIN acl_shares AS sh ON sh.secret_id = d.secret_id"+
			" AND sh.principal_kind = ? AND sh.principal_id = d.group_id", principalGroup).
		Join("JOIN "+secretsTable+" AS sec ON sec.id = d.secret_id").
		Where("d.type = ?", typ).
		Where("d.group_id IN (?)", bun.In(groups)).
		Where("sec.deleted_at IS NULL").
		OrderExpr("d.secret_id").Scan(ctx, &ids)
	if err != nil {
		return nil, fmt.Errorf("access: find default %s of groups %q: %w", typ, groups, err)
	}
	return slices.Compact(ids), nil
}

func ambiguous(q MatchQuery, found []Secret) *AmbiguousError {
	e := &AmbiguousError{Type: q.Type, Group: q.Group}
	for _, f := range found {
		e.Candidates = append(e.Candidates, Candidate{ID: f.ID, Name: f.Name})
	}
	return e
}

func notFound(q MatchQuery) error {
	where := fmt.Sprintf("group %q", q.Group)
	if q.Group == "" {
		where = "any group of the user"
	}
	if q.Hint != "" {
		return fmt.Errorf("access: no %s secret with id or name %q in %s: %w", q.Type, q.Hint, where, kind.ErrNotFound)
	}
	return fmt.Errorf("access: no %s secret in %s: %w", q.Type, where, kind.ErrNotFound)
}

// FindGroupCredentials returns the credentials of type T attached to a
// group, decoded, for a system acting for the subject, in the order of
// GroupSecrets (by name, then id):
//
//	servers, err := access.FindGroupCredentials[secret.SMTP](ctx, svc, sub, "system")
func FindGroupCredentials[T any](ctx context.Context, s *Service, sub Subject, groupID string) ([]T, error) {
	t, err := typeFor[T](s)
	if err != nil {
		return nil, err
	}
	if err := s.mayUseGroup(ctx, sub, groupID, t.Name); err != nil {
		return nil, err
	}
	items, err := s.groupItems(ctx, groupID, t.Name)
	if err != nil {
		return nil, err
	}
	return decodeSorted[T](t, items)
}

// decodeSorted decodes each item once, where going through GroupSecrets
// would decode it twice (for its name, then as T), and sorts the values
// by name, then id.
func decodeSorted[T any](t kind.Type, items []kind.Item) ([]T, error) {
	type named struct {
		name, id string
		v        T
	}
	list := make([]named, 0, len(items))
	for _, it := range items {
		v, name, err := decodeNamed[T](t, it.ID, it.Payload)
		if err != nil {
			return nil, err
		}
		list = append(list, named{name, it.ID, v})
	}
	slices.SortFunc(list, func(a, b named) int {
		return cmp.Or(strings.Compare(a.name, b.name), strings.Compare(a.id, b.id))
	})

	out := make([]T, len(list))
	for i, n := range list {
		out[i] = n.v
	}
	return out, nil
}

// MatchCredentials is Match for the type of T, decoded. q.Type may be
// left empty.
//
//	smtp, err := access.MatchCredentials[secret.SMTP](ctx, svc, sub,
//		access.MatchQuery{Group: "system", Expect: true})
func MatchCredentials[T any](ctx context.Context, s *Service, sub Subject, q MatchQuery) (T, error) {
	var zero T
	t, err := typeFor[T](s)
	if err != nil {
		return zero, err
	}
	q.Type = t.Name
	sec, err := s.Match(ctx, sub, q)
	if err != nil || sec.ID == "" {
		return zero, err
	}
	return decodeAs[T](t, sec)
}

// typeFor finds the registered type whose values are T (or *T).
func typeFor[T any](s *Service) (kind.Type, error) {
	for _, t := range s.reg.Types {
		switch t.Defaults().(type) {
		case T, *T:
			return t, nil
		}
	}
	var zero T
	return kind.Type{}, fmt.Errorf("access: no registered secret type holds %T (known: %s): %w",
		zero, strings.Join(s.reg.Names(), ", "), kind.ErrNotFound)
}

func decodeAs[T any](t kind.Type, sec Secret) (T, error) {
	v, _, err := decodeNamed[T](t, sec.ID, sec.Payload)
	return v, err
}

// decodeNamed decodes a payload as T and returns its name as nameOf
// would.
func decodeNamed[T any](t kind.Type, id string, payload []byte) (T, string, error) {
	var zero T
	v, err := t.Decode(payload, false)
	if err != nil {
		return zero, "", fmt.Errorf("access: decode secret %q: %w", id, err)
	}
	name := ""
	if n, ok := v.(interface{ GetName() string }); ok {
		name = n.GetName()
	}
	switch v := v.(type) {
	case T:
		return v, name, nil
	case *T:
		return *v, name, nil
	}
	return zero, "", fmt.Errorf("access: secret %q of type %s does not decode to %T", id, t.Name, zero)
}
