package access

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/secretgen/secretgen/runtime/kind"
	"github.com/secretgen/secretgen/runtime/store"
)

// Create stores a new secret of type typ owned by the subject and attaches
// it to groups and to every group its type requires. The subject must be
// a member of each of them. A group listed twice, or an empty one, is an
// *InvalidError; a field styled secret that holds Mask is a
// *kind.ValidationError (rule "not_mask"), since Mask stands for a value
// and is none.
func (s *Service) Create(ctx context.Context, sub Subject, typ string, payload []byte, groups []string) (Secret, error) {
	if sub.UserID == "" {
		return Secret{}, errors.New("access: create: subject has no user id")
	}
	t, err := s.typeOf(typ)
	if err != nil {
		return Secret{}, err
	}
	if err := checkGroups("groups", groups); err != nil {
		return Secret{}, fmt.Errorf("access: create %s: %w", typ, err)
	}
	data, err := fresh(t, payload)
	if err != nil {
		return Secret{}, err
	}

	required, err := s.required(ctx, t)
	if err != nil {
		return Secret{}, err
	}
	groups = sortedSet(required, groups)
	if err := s.mayJoin(ctx, sub, t, required, groups); err != nil {
		return Secret{}, s.audited(ctx, err)
	}

	var out Secret
	err = s.change(ctx, func(tx *store.Tx, rec *recorder) error {
		meta, err := tx.Create(ctx, typ, data)
		if err != nil {
			return err
		}
		a := &acl{id: meta.ID, typ: typ, version: meta.Version, groups: groups,
			users: []UserShare{{UserID: sub.UserID, Role: Owner}}}
		if err := insertShares(ctx, tx, a); err != nil {
			return err
		}

		rec.allowed(sub.UserID, ActionCreated, meta, "groups: "+strings.Join(groups, ", "))
		out, err = s.view(t, kind.Item{Meta: meta, Payload: data}, sub, a, Owner, nil)
		return err
	})
	return out, err
}

// mayJoin refuses unless the subject belongs to every group.
func (s *Service) mayJoin(ctx context.Context, sub Subject, t kind.Type, required, groups []string) error {
	member, err := s.groupsOf(ctx, sub)
	if err != nil {
		return err
	}
	for _, g := range groups {
		if slices.Contains(member, g) {
			continue
		}
		if slices.Contains(required, g) {
			return deny(sub, ActionCreated, kind.Meta{Type: t.Name},
				"type %s requires group %q and user %q is not a member", t.Name, g, sub.UserID)
		}
		return deny(sub, ActionCreated, kind.Meta{Type: t.Name},
			"user %q is not a member of group %q", sub.UserID, g)
	}
	return nil
}

func insertShares(ctx context.Context, tx *store.Tx, a *acl) error {
	rows := make([]shareRow, 0, len(a.users)+len(a.groups))
	for _, u := range a.users {
		rows = append(rows, shareRow{SecretID: a.id, Kind: principalUser, Principal: u.UserID, Role: string(u.Role), Type: a.typ})
	}
	for _, g := range a.groups {
		rows = append(rows, shareRow{SecretID: a.id, Kind: principalGroup, Principal: g, Role: groupRole, Type: a.typ})
	}
	if _, err := tx.Bun().NewInsert().Model(&rows).Exec(ctx); err != nil {
		return fmt.Errorf("access: save shares of secret %q: %w", a.id, err)
	}
	return nil
}

// Update replaces the credentials of a secret if its current version is
// version; a stale version is an error matching kind.ErrConflict. Owners
// and editors may update. A field styled secret that is absent from
// payload, or holds Mask, keeps its stored value.
func (s *Service) Update(ctx context.Context, sub Subject, id string, version int64, payload []byte) (Secret, error) {
	var out Secret
	err := s.change(ctx, func(tx *store.Tx, rec *recorder) error {
		a, role, err := s.mayChange(ctx, tx, sub, id, ActionUpdated)
		if err != nil {
			return err
		}
		if a.version != version {
			return fmt.Errorf("access: update secret %q: have version %d, not %d: %w", id, a.version, version, kind.ErrConflict)
		}
		t, err := s.typeOf(a.typ)
		if err != nil {
			return err
		}

		cur, err := tx.Get(ctx, a.typ, id)
		if err != nil {
			return err
		}
		in, err := merged(t, cur.Payload, payload)
		if err != nil {
			return err
		}
		data, err := canonical(t, in)
		if err != nil {
			return err
		}
		meta, err := tx.Update(ctx, a.typ, id, version, data)
		if err != nil {
			return err
		}

		rec.allowed(sub.UserID, ActionUpdated, meta, "")
		out, err = s.view(t, kind.Item{Meta: meta, Payload: data}, sub, a, role, nil)
		return err
	})
	return out, s.audited(ctx, err)
}

// mayChange locks the secret's shares and refuses unless the subject is
// an owner or an editor.
func (s *Service) mayChange(ctx context.Context, tx *store.Tx, sub Subject, id string, a Action) (*acl, Role, error) {
	acl, err := s.aclOf(ctx, tx.Bun(), id, true)
	if err != nil {
		return nil, "", err
	}
	role := acl.role(sub.UserID)
	if role != Owner && role != Editor {
		return nil, "", deny(sub, a, acl.meta(), "user %q is %s; only owners and editors may change it", sub.UserID, describe(role))
	}
	return acl, role, nil
}

// mayOwn locks the secret's shares and refuses unless the subject is an
// owner.
func (s *Service) mayOwn(ctx context.Context, tx *store.Tx, sub Subject, id string, a Action) (*acl, error) {
	acl, err := s.aclOf(ctx, tx.Bun(), id, true)
	if err != nil {
		return nil, err
	}
	if role := acl.role(sub.UserID); role != Owner {
		return nil, deny(sub, a, acl.meta(), "user %q is %s; only owners may do this", sub.UserID, describe(role))
	}
	return acl, nil
}

// describe names a role in a sentence.
func describe(r Role) string {
	switch r {
	case "":
		return "not shared with"
	case Owner, Editor:
		return "an " + string(r)
	}
	return "a " + string(r)
}

// Delete deletes a secret if its current version is version. Only owners
// may delete.
func (s *Service) Delete(ctx context.Context, sub Subject, id string, version int64) error {
	err := s.change(ctx, func(tx *store.Tx, rec *recorder) error {
		a, err := s.mayOwn(ctx, tx, sub, id, ActionDeleted)
		if err != nil {
			return err
		}
		if err := tx.Delete(ctx, a.typ, id, version); err != nil {
			return err
		}
		rec.allowed(sub.UserID, ActionDeleted, kind.Meta{ID: id, Type: a.typ, Version: version}, "")
		return nil
	})
	return s.audited(ctx, err)
}

// Get returns a secret shared with the subject as a user. For viewers the
// fields styled secret hold Mask; Reveal returns them.
func (s *Service) Get(ctx context.Context, sub Subject, id string) (Secret, error) {
	return s.read(ctx, sub, id, false)
}

// Reveal returns a secret shared with the subject as a user with every
// field in clear, and audits that it did.
func (s *Service) Reveal(ctx context.Context, sub Subject, id string) (Secret, error) {
	return s.read(ctx, sub, id, true)
}

func (s *Service) read(ctx context.Context, sub Subject, id string, reveal bool) (Secret, error) {
	member, err := s.groupsOf(ctx, sub)
	if err != nil {
		return Secret{}, err
	}
	a, sealed, err := s.readSecret(ctx, id)
	if err != nil {
		return Secret{}, err
	}
	role := a.role(sub.UserID)
	if role == "" && reveal {
		return Secret{}, s.audited(ctx, deny(sub, ActionRevealed, a.meta(), "user %q is not shared with", sub.UserID))
	}
	if role == "" {
		return Secret{}, s.audited(ctx, deny(sub, ActionUsed, a.meta(), "user %q is not shared with", sub.UserID))
	}

	item, err := s.store.Open(sealed)
	if err != nil {
		return Secret{}, err
	}
	out, data, err := s.viewItem(item, sub, a, role, member)
	if err != nil || !reveal {
		return out, err
	}

	// The value leaves only once its reveal is on record.
	err = s.change(ctx, func(tx *store.Tx, rec *recorder) error {
		rec.allowed(sub.UserID, ActionRevealed, item.Meta, "")
		return nil
	})
	if err != nil {
		return Secret{}, err
	}
	out.Payload, out.Masked = data, false
	return out, nil
}

// view is a secret as a subject with role sees it: read through the
// type's codec, masked for viewers, with the shares the subject may see.
func (s *Service) view(t kind.Type, item kind.Item, sub Subject, a *acl, role Role, member []string) (Secret, error) {
	out, _, err := s.viewAs(t, item, sub, a, role, member)
	return out, err
}

// viewItem is view for an item of any type; it also returns the
// canonical payload in clear, for Reveal.
// A secret that does not read is an *UnreadableError whose Secret holds
// what the subject may still see of it: metadata, role and shares.
func (s *Service) viewItem(item kind.Item, sub Subject, a *acl, role Role, member []string) (Secret, []byte, error) {
	var (
		out  Secret
		data []byte
		err  error
	)
	if t, ok := s.reg.Lookup(item.Type); ok {
		out, data, err = s.viewAs(t, item, sub, a, role, member)
	} else {
		err = &UnreadableError{ID: item.ID, Type: item.Type, Reason: "the type is not registered"}
	}

	var ue *UnreadableError
	if errors.As(err, &ue) {
		ue.Secret = Secret{Meta: item.Meta, Role: role, Unreadable: ue.Reason}
		if a != nil {
			ue.Secret.Users, ue.Secret.Groups = a.visible(sub.UserID, role, member)
		}
	}
	return out, data, err
}

func (s *Service) viewAs(t kind.Type, item kind.Item, sub Subject, a *acl, role Role, member []string) (Secret, []byte, error) {
	data, name, err := readable(t, item)
	if err != nil {
		return Secret{}, nil, err
	}

	out := Secret{Meta: item.Meta, Name: name, Payload: data, Role: role}
	if role == Viewer {
		m, err := masked(t, data)
		if err != nil {
			return Secret{}, nil, err
		}
		out.Payload, out.Masked = m, true
	}
	if a != nil {
		out.Users, out.Groups = a.visible(sub.UserID, role, member)
	}
	return out, data, nil
}

// Mine returns the secrets shared with the subject as a user, owned or
// not, sorted by name. Secrets shared only with the subject's groups are
// not in it: those are for systems (GroupSecrets, Match).
func (s *Service) Mine(ctx context.Context, sub Subject) ([]Secret, error) {
	member, err := s.groupsOf(ctx, sub)
	if err != nil {
		return nil, err
	}

	var rows []shareRow
	err = s.store.DB().NewSelect().Model(&rows).
		Where("principal_kind = ?", principalUser).Where("principal_id = ?", sub.UserID).
		Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("access: list secrets of user %q: %w", sub.UserID, err)
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.SecretID
	}

	items, err := s.store.GetMany(ctx, ids)
	if err != nil {
		return nil, err
	}
	return s.views(ctx, items, sub, member)
}

// views turns items into the secrets the subject sees, sorted by name.
func (s *Service) views(ctx context.Context, items []kind.Item, sub Subject, member []string) ([]Secret, error) {
	metas := make([]kind.Meta, len(items))
	for i, it := range items {
		metas[i] = it.Meta
	}
	acls, err := s.aclsOf(ctx, s.store.DB(), metas)
	if err != nil {
		return nil, err
	}

	return s.viewAll(items, sub, member, acls)
}

// viewAll turns items into secrets sorted by name. Without an acl an
// item is seen as a system sees it: in clear, with no role or shares. An
// item that does not read is in the list with Unreadable set and no
// payload, so that one such secret hides none of the others.
func (s *Service) viewAll(items []kind.Item, sub Subject, member []string, acls map[string]*acl) ([]Secret, error) {
	out := make([]Secret, 0, len(items))
	for _, it := range items {
		sec, err := s.listed(it, sub, acls[it.ID], member)
		if err != nil {
			return nil, err
		}
		out = append(out, sec)
	}
	sortSecrets(out)
	return out, nil
}

// listed is one item of a list: its view, or, when it does not read, its
// metadata, role and shares with the reason in Unreadable.
func (s *Service) listed(it kind.Item, sub Subject, a *acl, member []string) (Secret, error) {
	role := a.role(sub.UserID)
	sec, _, err := s.viewItem(it, sub, a, role, member)
	var ue *UnreadableError
	if errors.As(err, &ue) {
		return ue.Secret, nil
	}
	return sec, err
}

// sortSecrets orders secrets by name, then id.
func sortSecrets(list []Secret) {
	slices.SortFunc(list, func(a, b Secret) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// History returns the kept versions of a secret, newest first. Any user
// the secret is shared with may read it.
func (s *Service) History(ctx context.Context, sub Subject, id string) ([]kind.Meta, error) {
	a, err := s.aclOf(ctx, s.store.DB(), id, false)
	if err != nil {
		return nil, err
	}
	if a.role(sub.UserID) == "" {
		return nil, s.audited(ctx, deny(sub, ActionUsed, a.meta(), "user %q is not shared with", sub.UserID))
	}
	return s.store.History(ctx, id)
}

// Restore writes version expect+1 of a secret equal to its version from.
// Owners and editors may restore; a stale expect matches kind.ErrConflict.
func (s *Service) Restore(ctx context.Context, sub Subject, id string, expect, from int64) (Secret, error) {
	var out Secret
	err := s.change(ctx, func(tx *store.Tx, rec *recorder) error {
		a, role, err := s.mayChange(ctx, tx, sub, id, ActionRestored)
		if err != nil {
			return err
		}
		t, err := s.typeOf(a.typ)
		if err != nil {
			return err
		}
		if _, err := tx.Restore(ctx, id, expect, from); err != nil {
			return err
		}
		item, err := tx.Get(ctx, a.typ, id)
		if err != nil {
			return err
		}

		rec.allowed(sub.UserID, ActionRestored, item.Meta, fmt.Sprintf("from version %d", from))
		out, err = s.view(t, item, sub, a, role, nil)
		return err
	})
	return out, s.audited(ctx, err)
}
