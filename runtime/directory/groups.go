package directory

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/secretgen/secretgen/runtime/kind"
)

// CreateGroup adds a group. The name must be unused.
func (d *Directory) CreateGroup(ctx context.Context, name string) (Group, error) {
	if err := checkName("group", name); err != nil {
		return Group{}, fmt.Errorf("directory: create group: %w", err)
	}

	row := groupRow{ID: newID(), Name: name, CreatedAt: now()}
	if err := insertNew(ctx, d.db, &row, "group", name); err != nil {
		return Group{}, err
	}
	return row.group(), nil
}

// ensureGroup creates the group name unless it exists.
func ensureGroup(ctx context.Context, db bun.IDB, name string) error {
	row := groupRow{ID: newID(), Name: name, CreatedAt: now()}
	_, err := db.NewInsert().Model(&row).On("CONFLICT DO NOTHING").Exec(ctx)
	if err != nil {
		return fmt.Errorf("ensure group %q: %w", name, err)
	}
	return nil
}

// Group returns the group with the given id.
func (d *Directory) Group(ctx context.Context, id string) (Group, error) {
	row, err := one[groupRow](ctx, d.db, "group", "id", id)
	return row.group(), err
}

// GroupByName returns the group with the given name.
func (d *Directory) GroupByName(ctx context.Context, name string) (Group, error) {
	row, err := one[groupRow](ctx, d.db, "group", "name", name)
	return row.group(), err
}

// Groups returns every group, sorted by name.
func (d *Directory) Groups(ctx context.Context) ([]Group, error) {
	return all(ctx, d.db, "group", groupRow.group)
}

// AddMember puts a user into a group. Adding a member twice changes
// nothing and is no error.
func (d *Directory) AddMember(ctx context.Context, groupID, userID string) error {
	if err := d.checkPair(ctx, groupID, userID); err != nil {
		return fmt.Errorf("directory: add member: %w", err)
	}

	row := memberRow{GroupID: groupID, UserID: userID}
	_, err := d.db.NewInsert().Model(&row).On("CONFLICT DO NOTHING").Exec(ctx)
	if err != nil {
		return fmt.Errorf("directory: add user %q to group %q: %w", userID, groupID, err)
	}
	return nil
}

// RemoveMember takes a user out of a group. It returns an error matching
// kind.ErrNotFound when the user is not a member.
func (d *Directory) RemoveMember(ctx context.Context, groupID, userID string) error {
	if !isID(groupID) || !isID(userID) {
		return fmt.Errorf("directory: remove member: %w", d.checkPair(ctx, groupID, userID))
	}

	res, err := d.db.NewDelete().Model((*memberRow)(nil)).
		Where("group_id = ? AND user_id = ?", groupID, userID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("directory: remove user %q from group %q: %w", userID, groupID, err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}

	if err := d.checkPair(ctx, groupID, userID); err != nil {
		return fmt.Errorf("directory: remove member: %w", err)
	}
	return fmt.Errorf("directory: user %q is not a member of group %q: %w",
		userID, groupID, kind.ErrNotFound)
}

// checkPair reports which of group and user does not exist.
func (d *Directory) checkPair(ctx context.Context, groupID, userID string) error {
	if _, err := d.Group(ctx, groupID); err != nil {
		return err
	}
	_, err := d.User(ctx, userID)
	return err
}

// GroupsOf returns the ids of the groups the user belongs to, sorted. It
// reads the database on every call, so a user who leaves a group loses
// what the group gave them at once. An unknown user has no groups.
func (d *Directory) GroupsOf(ctx context.Context, userID string) ([]string, error) {
	ids := []string{}
	if !isID(userID) {
		return ids, nil
	}

	err := d.db.NewSelect().Model((*memberRow)(nil)).Column("group_id").
		Where("user_id = ?", userID).Order("group_id").Scan(ctx, &ids)
	if err != nil {
		return nil, fmt.Errorf("directory: groups of user %q: %w", userID, err)
	}
	return ids, nil
}

// IsMember reports whether the user belongs to the group.
func (d *Directory) IsMember(ctx context.Context, userID, groupID string) (bool, error) {
	if !isID(userID) || !isID(groupID) {
		return false, nil
	}

	ok, err := d.db.NewSelect().Model((*memberRow)(nil)).
		Where("group_id = ? AND user_id = ?", groupID, userID).Exists(ctx)
	if err != nil {
		return false, fmt.Errorf("directory: is user %q in group %q: %w", userID, groupID, err)
	}
	return ok, nil
}

// Members returns the users in the group, sorted by name.
func (d *Directory) Members(ctx context.Context, groupID string) ([]User, error) {
	if _, err := d.Group(ctx, groupID); err != nil {
		return nil, err
	}

	var rows []userRow
	err := d.db.NewSelect().Model(&rows).
		Where("id IN (?)", d.db.NewSelect().Model((*memberRow)(nil)).
			Column("user_id").Where("group_id = ?", groupID)).
		Order("name").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("directory: members of group %q: %w", groupID, err)
	}

	users := make([]User, len(rows))
	for i, r := range rows {
		users[i] = r.user()
	}
	return users, nil
}
