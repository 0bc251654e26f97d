package access

import (
	"context"
	"fmt"
	"slices"

	"github.com/secretgen/secretgen/runtime/kind"
	"github.com/secretgen/secretgen/runtime/store"
)

// Share gives a user a role on a secret, replacing the role the user had.
// Only owners may share; the last owner may not lose the role.
func (s *Service) Share(ctx context.Context, sub Subject, id, userID string, role Role) error {
	if err := checkShare(UserShare{UserID: userID, Role: role}); err != nil {
		return fmt.Errorf("access: share secret %q: %w", id, err)
	}
	if err := s.mustExist(ctx, userID); err != nil {
		return fmt.Errorf("access: share secret %q: %w", id, err)
	}

	err := s.change(ctx, func(tx *store.Tx, rec *recorder) error {
		a, err := s.mayOwn(ctx, tx, sub, id, ActionShared)
		if err != nil {
			return err
		}
		if a.role(userID) == Owner && role != Owner && a.owners() == 1 {
			return deny(sub, ActionShared, a.meta(), "user %q is its only owner; a secret keeps at least one", userID)
		}

		row := shareRow{SecretID: id, Kind: principalUser, Principal: userID, Role: string(role), Type: a.typ}
		if err := upsertShare(ctx, tx.Bun(), row); err != nil {
			return err
		}
		rec.allowed(sub.UserID, ActionShared, a.meta(), fmt.Sprintf("user %q as %s", userID, role))
		return nil
	})
	return s.audited(ctx, err)
}

// checkShare says what is wrong with a share a client sent.
func checkShare(u UserShare) error {
	if u.UserID == "" {
		return &InvalidError{Rule: "required", Reason: "empty user id"}
	}
	if !u.Role.Valid() {
		return &InvalidError{UserID: u.UserID, Rule: "oneof",
			Reason: fmt.Sprintf("role %q is not one of owner, editor, viewer", u.Role)}
	}
	return nil
}

// Unshare takes a user's role on a secret away. Owners may unshare anyone,
// and every user may unshare themselves; the last owner stays.
func (s *Service) Unshare(ctx context.Context, sub Subject, id, userID string) error {
	err := s.change(ctx, func(tx *store.Tx, rec *recorder) error {
		a, err := s.aclOf(ctx, tx.Bun(), id, true)
		if err != nil {
			return err
		}
		if sub.UserID != userID && a.role(sub.UserID) != Owner {
			return deny(sub, ActionUnshared, a.meta(), "user %q is %s; only owners may unshare others", sub.UserID, describe(a.role(sub.UserID)))
		}
		if a.role(userID) == "" {
			return nil
		}
		if a.role(userID) == Owner && a.owners() == 1 {
			return deny(sub, ActionUnshared, a.meta(), "user %q is its only owner; a secret keeps at least one", userID)
		}

		if err := deleteShare(ctx, tx.Bun(), id, principalUser, userID); err != nil {
			return err
		}
		rec.allowed(sub.UserID, ActionUnshared, a.meta(), fmt.Sprintf("user %q", userID))
		return nil
	})
	return s.audited(ctx, err)
}

// AddGroup attaches a secret to a group, so that systems acting for the
// group's members can use it. Only an owner who is a member of the group
// may add it.
func (s *Service) AddGroup(ctx context.Context, sub Subject, id, groupID string) error {
	member, err := s.groupsOf(ctx, sub)
	if err != nil {
		return err
	}

	err = s.change(ctx, func(tx *store.Tx, rec *recorder) error {
		a, err := s.mayOwn(ctx, tx, sub, id, ActionGroupAdded)
		if err != nil {
			return err
		}
		if !slices.Contains(member, groupID) {
			return deny(sub, ActionGroupAdded, a.meta(), "user %q is not a member of group %q", sub.UserID, groupID)
		}
		if slices.Contains(a.groups, groupID) {
			return nil
		}
		return s.addGroup(ctx, tx, rec, sub, a, groupID)
	})
	return s.audited(ctx, err)
}

func (s *Service) addGroup(ctx context.Context, tx *store.Tx, rec *recorder, sub Subject, a *acl, groupID string) error {
	row := shareRow{SecretID: a.id, Kind: principalGroup, Principal: groupID, Role: groupRole, Type: a.typ}
	if err := upsertShare(ctx, tx.Bun(), row); err != nil {
		return err
	}
	rec.allowed(sub.UserID, ActionGroupAdded, a.meta(), fmt.Sprintf("group %q", groupID))
	return nil
}

// RemoveGroup detaches a secret from a group. Any owner may, member of
// the group or not, unless the secret's type requires the group.
func (s *Service) RemoveGroup(ctx context.Context, sub Subject, id, groupID string) error {
	err := s.change(ctx, func(tx *store.Tx, rec *recorder) error {
		a, err := s.mayOwn(ctx, tx, sub, id, ActionGroupRemoved)
		if err != nil {
			return err
		}
		if !slices.Contains(a.groups, groupID) {
			return nil
		}
		if err := s.mayLeave(ctx, sub, a, groupID); err != nil {
			return err
		}
		return s.removeGroup(ctx, tx, rec, sub, a, groupID)
	})
	return s.audited(ctx, err)
}

// mayLeave refuses to detach a secret from a group its type requires.
func (s *Service) mayLeave(ctx context.Context, sub Subject, a *acl, groupID string) error {
	required, err := s.requiredOf(ctx, a.typ)
	if err != nil {
		return err
	}
	if slices.Contains(required, groupID) {
		return deny(sub, ActionGroupRemoved, a.meta(), "type %s requires group %q", a.typ, groupID)
	}
	return nil
}

// requiredOf returns the ids of the groups the type named typ requires.
func (s *Service) requiredOf(ctx context.Context, typ string) ([]string, error) {
	t, err := s.typeOf(typ)
	if err != nil {
		return nil, err
	}
	return s.required(ctx, t)
}

func (s *Service) removeGroup(ctx context.Context, tx *store.Tx, rec *recorder, sub Subject, a *acl, groupID string) error {
	if err := deleteShare(ctx, tx.Bun(), a.id, principalGroup, groupID); err != nil {
		return err
	}
	_, err := tx.Bun().NewDelete().Model((*defaultRow)(nil)).
		Where("group_id = ?", groupID).Where("secret_id = ?", a.id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("access: clear default of group %q: %w", groupID, err)
	}
	rec.allowed(sub.UserID, ActionGroupRemoved, a.meta(), fmt.Sprintf("group %q", groupID))
	return nil
}

// SaveShares sets the user shares and groups of a secret as a form shows
// them. Only owners may save. It never drops what the saver could not see
// or set: a group the saver is not a member of stays, and so does a group
// the type requires. At least one owner must remain. It replaces the
// shares as they are when it runs; a form should rather use
// SaveSharesFrom, which keeps what others changed since it loaded.
func (s *Service) SaveShares(ctx context.Context, sub Subject, id string, users []UserShare, groups []string) error {
	return s.saveShares(ctx, sub, id, Shares{Users: users, Groups: groups}, nil)
}

// Shares are the user shares and groups of a secret as a form shows them.
type Shares struct {
	Users  []UserShare `json:"users"`
	Groups []string    `json:"groups"`
}

// SaveSharesFrom is SaveShares for a form that loaded the shares as
// loaded and now shows them as saved: it changes only what differs
// between the two, so that a share another owner added or changed in the
// meantime survives. A user or group in loaded and not in saved is
// removed; one whose role differs, or that is new, is set.
func (s *Service) SaveSharesFrom(ctx context.Context, sub Subject, id string, loaded, saved Shares) error {
	if err := checkShares(loaded.Users); err != nil {
		return fmt.Errorf("access: save shares of secret %q: loaded shares: %w", id, err)
	}
	if err := checkGroups("loaded.groups", loaded.Groups); err != nil {
		return fmt.Errorf("access: save shares of secret %q: loaded shares: %w", id, err)
	}
	return s.saveShares(ctx, sub, id, saved, &loaded)
}

// saveShares saves the shares, as they are or, with loaded, as the
// changes from loaded to saved applied to the current shares.
func (s *Service) saveShares(ctx context.Context, sub Subject, id string, saved Shares, loaded *Shares) error {
	if err := checkShares(saved.Users); err != nil {
		return fmt.Errorf("access: save shares of secret %q: %w", id, err)
	}
	if err := checkGroups("groups", saved.Groups); err != nil {
		return fmt.Errorf("access: save shares of secret %q: %w", id, err)
	}
	if err := s.mustExist(ctx, userIDs(saved.Users)...); err != nil {
		return fmt.Errorf("access: save shares of secret %q: %w", id, err)
	}
	member, err := s.groupsOf(ctx, sub)
	if err != nil {
		return err
	}

	err = s.change(ctx, func(tx *store.Tx, rec *recorder) error {
		a, err := s.mayOwn(ctx, tx, sub, id, ActionShared)
		if err != nil {
			return err
		}
		want := saved
		if loaded != nil {
			want = rebase(a, *loaded, saved)
		}
		if !hasOwner(want.Users) {
			return deny(sub, ActionShared, a.meta(), "no owner in the saved shares; a secret keeps at least one")
		}
		if err := s.saveUsers(ctx, tx, rec, sub, a, want.Users); err != nil {
			return err
		}
		return s.saveGroups(ctx, tx, rec, sub, a, sortedSet(want.Groups), member)
	})
	return s.audited(ctx, err)
}

// rebase applies the changes from loaded to saved to the current shares
// of a, and returns the shares to save.
func rebase(a *acl, loaded, saved Shares) Shares {
	users := slices.Clone(a.users)
	for _, l := range loaded.Users {
		if !slices.ContainsFunc(saved.Users, sameUser(l.UserID)) {
			users = slices.DeleteFunc(users, sameUser(l.UserID))
		}
	}
	for _, u := range saved.Users {
		if slices.Contains(loaded.Users, u) {
			continue
		}
		users = append(slices.DeleteFunc(users, sameUser(u.UserID)), u)
	}

	var groups []string
	for _, g := range a.groups {
		if slices.Contains(saved.Groups, g) || !slices.Contains(loaded.Groups, g) {
			groups = append(groups, g)
		}
	}
	for _, g := range saved.Groups {
		if !slices.Contains(loaded.Groups, g) {
			groups = append(groups, g)
		}
	}
	return Shares{Users: users, Groups: groups}
}

func sameUser(id string) func(UserShare) bool {
	return func(u UserShare) bool { return u.UserID == id }
}

// checkShares says what is wrong with a list of shares a client sent.
func checkShares(users []UserShare) error {
	seen := map[string]bool{}
	for _, u := range users {
		if err := checkShare(u); err != nil {
			return err
		}
		if seen[u.UserID] {
			return &InvalidError{UserID: u.UserID, Rule: "unique", Reason: "listed twice"}
		}
		seen[u.UserID] = true
	}
	return nil
}

// checkGroups says what is wrong with a list of group ids a client sent
// under key: an empty id, or one listed twice, as checkShares refuses
// users.
func checkGroups(key string, groups []string) error {
	seen := map[string]bool{}
	for _, g := range groups {
		if g == "" {
			return &InvalidError{Key: key, Rule: "required", Reason: "empty group id"}
		}
		if seen[g] {
			return &InvalidError{GroupID: g, Key: key, Rule: "unique", Reason: "listed twice"}
		}
		seen[g] = true
	}
	return nil
}

func userIDs(users []UserShare) []string {
	ids := make([]string, len(users))
	for i, u := range users {
		ids[i] = u.UserID
	}
	return ids
}

func hasOwner(users []UserShare) bool {
	return slices.ContainsFunc(users, func(u UserShare) bool { return u.Role == Owner })
}

func (s *Service) saveUsers(ctx context.Context, tx *store.Tx, rec *recorder, sub Subject, a *acl, users []UserShare) error {
	for _, have := range a.users {
		if slices.ContainsFunc(users, func(u UserShare) bool { return u.UserID == have.UserID }) {
			continue
		}
		if err := deleteShare(ctx, tx.Bun(), a.id, principalUser, have.UserID); err != nil {
			return err
		}
		rec.allowed(sub.UserID, ActionUnshared, a.meta(), fmt.Sprintf("user %q", have.UserID))
	}

	for _, u := range users {
		if a.role(u.UserID) == u.Role {
			continue
		}
		row := shareRow{SecretID: a.id, Kind: principalUser, Principal: u.UserID, Role: string(u.Role), Type: a.typ}
		if err := upsertShare(ctx, tx.Bun(), row); err != nil {
			return err
		}
		rec.allowed(sub.UserID, ActionShared, a.meta(), fmt.Sprintf("user %q as %s", u.UserID, u.Role))
	}
	return nil
}

func (s *Service) saveGroups(ctx context.Context, tx *store.Tx, rec *recorder, sub Subject, a *acl, groups, member []string) error {
	required, err := s.requiredOf(ctx, a.typ)
	if err != nil {
		return err
	}

	for _, g := range a.groups {
		keep := slices.Contains(groups, g) || !slices.Contains(member, g) || slices.Contains(required, g)
		if keep {
			continue
		}
		if err := s.removeGroup(ctx, tx, rec, sub, a, g); err != nil {
			return err
		}
	}

	for _, g := range groups {
		if slices.Contains(a.groups, g) {
			continue
		}
		if !slices.Contains(member, g) {
			return deny(sub, ActionGroupAdded, a.meta(), "user %q is not a member of group %q", sub.UserID, g)
		}
		if err := s.addGroup(ctx, tx, rec, sub, a, g); err != nil {
			return err
		}
	}
	return nil
}

// Transfer makes another user owner of a secret in place of the subject,
// who keeps no share. Only owners may transfer.
func (s *Service) Transfer(ctx context.Context, sub Subject, id, toUserID string) error {
	if toUserID == "" {
		return fmt.Errorf("access: transfer secret %q: %w", id, &InvalidError{Rule: "required", Reason: "empty user id"})
	}
	if err := s.mustExist(ctx, toUserID); err != nil {
		return fmt.Errorf("access: transfer secret %q: %w", id, err)
	}

	err := s.change(ctx, func(tx *store.Tx, rec *recorder) error {
		a, err := s.mayOwn(ctx, tx, sub, id, ActionTransferred)
		if err != nil {
			return err
		}
		if toUserID == sub.UserID {
			return nil
		}

		row := shareRow{SecretID: id, Kind: principalUser, Principal: toUserID, Role: string(Owner), Type: a.typ}
		if err := upsertShare(ctx, tx.Bun(), row); err != nil {
			return err
		}
		if err := deleteShare(ctx, tx.Bun(), id, principalUser, sub.UserID); err != nil {
			return err
		}
		rec.allowed(sub.UserID, ActionTransferred, a.meta(), fmt.Sprintf("from user %q to user %q", sub.UserID, toUserID))
		return nil
	})
	return s.audited(ctx, err)
}

// SetDefault makes a secret the one Match picks for a group and a type
// when no hint is given. Only an owner who is a member of the group may
// set it, and the secret must be of that type and attached to that group.
func (s *Service) SetDefault(ctx context.Context, sub Subject, groupID, typ, id string) error {
	member, err := s.isMember(ctx, sub, groupID)
	if err != nil {
		return err
	}

	err = s.change(ctx, func(tx *store.Tx, rec *recorder) error {
		a, err := s.mayOwn(ctx, tx, sub, id, ActionDefaultSet)
		if err != nil {
			return err
		}
		if !member {
			return deny(sub, ActionDefaultSet, a.meta(), "user %q is not a member of group %q", sub.UserID, groupID)
		}
		if a.typ != typ {
			return fmt.Errorf("access: default %s of group %q: secret %q is of type %s: %w", typ, groupID, id, a.typ, kind.ErrNotFound)
		}
		if !slices.Contains(a.groups, groupID) {
			return fmt.Errorf("access: default %s of group %q: secret %q is not in the group: %w", typ, groupID, id, kind.ErrNotFound)
		}

		row := defaultRow{GroupID: groupID, Type: typ, SecretID: id}
		_, err = tx.Bun().NewInsert().Model(&row).
			On("CONFLICT (group_id, type) DO UPDATE").Set("secret_id = EXCLUDED.secret_id").Exec(ctx)
		if err != nil {
			return fmt.Errorf("access: save default %s of group %q: %w", typ, groupID, err)
		}
		rec.allowed(sub.UserID, ActionDefaultSet, a.meta(), fmt.Sprintf("group %q", groupID))
		return nil
	})
	return s.audited(ctx, err)
}
