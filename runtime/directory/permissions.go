package directory

import (
	"context"
	"fmt"
)

// PermissionAdmin lets a user manage the directory and every secret type.
const PermissionAdmin = "admin"

// Grant gives the user a permission. Granting it twice is no error.
func (d *Directory) Grant(ctx context.Context, userID, permission string) error {
	if err := checkName("permission", permission); err != nil {
		return fmt.Errorf("directory: grant: %w", err)
	}
	if _, err := d.User(ctx, userID); err != nil {
		return fmt.Errorf("directory: grant %q: %w", permission, err)
	}

	row := permissionRow{UserID: userID, Permission: permission}
	_, err := d.db.NewInsert().Model(&row).On("CONFLICT DO NOTHING").Exec(ctx)
	if err != nil {
		return fmt.Errorf("directory: grant %q to user %q: %w", permission, userID, err)
	}
	return nil
}

// Revoke takes a permission from the user. Revoking one the user does not
// have is no error; a permission name that breaks the name rules is a
// *kind.ValidationError.
func (d *Directory) Revoke(ctx context.Context, userID, permission string) error {
	if err := checkName("permission", permission); err != nil {
		return fmt.Errorf("directory: revoke: %w", err)
	}
	if _, err := d.User(ctx, userID); err != nil {
		return fmt.Errorf("directory: revoke %q: %w", permission, err)
	}

	_, err := d.db.NewDelete().Model((*permissionRow)(nil)).
		Where("user_id = ? AND permission = ?", userID, permission).Exec(ctx)
	if err != nil {
		return fmt.Errorf("directory: revoke %q from user %q: %w", permission, userID, err)
	}
	return nil
}

// SetAdmin grants or revokes PermissionAdmin.
func (d *Directory) SetAdmin(ctx context.Context, userID string, admin bool) error {
	if admin {
		return d.Grant(ctx, userID, PermissionAdmin)
	}
	return d.Revoke(ctx, userID, PermissionAdmin)
}

// Permissions returns the user's permissions, sorted. Like GroupsOf it
// reads the database on every call; an unknown user has none.
func (d *Directory) Permissions(ctx context.Context, userID string) ([]string, error) {
	perms := []string{}
	if !isID(userID) {
		return perms, nil
	}

	err := d.db.NewSelect().Model((*permissionRow)(nil)).Column("permission").
		Where("user_id = ?", userID).Order("permission").Scan(ctx, &perms)
	if err != nil {
		return nil, fmt.Errorf("directory: permissions of user %q: %w", userID, err)
	}
	return perms, nil
}
