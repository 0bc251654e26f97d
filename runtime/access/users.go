package access

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/secretgen/secretgen/runtime/kind"
)

// SoleOwnerError refuses to delete a user who alone owns secrets. It
// matches kind.ErrConflict.
type SoleOwnerError struct {
	UserID  string
	Secrets []Candidate
}

// Error names every secret the user alone owns.
func (e *SoleOwnerError) Error() string {
	names := make([]string, len(e.Secrets))
	for i, c := range e.Secrets {
		names[i] = fmt.Sprintf("%q (%s)", c.Name, c.ID)
	}
	return fmt.Sprintf("access: user %q alone owns %d secrets; transfer them first: %s",
		e.UserID, len(e.Secrets), strings.Join(names, ", "))
}

// Unwrap makes the error match kind.ErrConflict.
func (e *SoleOwnerError) Unwrap() error { return kind.ErrConflict }

// RefuseSoleOwner fits directory.Directory.BeforeDeleteUser: it refuses
// with a *SoleOwnerError when the user alone owns secrets, and otherwise
// removes the user's own shares. Shares with groups stay.
//
//	dir.BeforeDeleteUser = svc.RefuseSoleOwner
func (s *Service) RefuseSoleOwner(ctx context.Context, tx bun.Tx, userID string) error {
	return s.ReleaseUser(ctx, tx, "", userID, "")
}

// ReleaseUser prepares, inside the transaction tx that deletes userID,
// the user's secrets: those the user alone owns go to the user toUserID,
// or, when toUserID is "", the deletion is refused with a
// *SoleOwnerError naming them. Then the user's own shares are removed.
// Shares with groups stay, and no secret is left without an owner. Each
// transfer is audited in tx with actor as the actor.
func (s *Service) ReleaseUser(ctx context.Context, tx bun.Tx, actor, userID, toUserID string) error {
	if toUserID == userID {
		return fmt.Errorf("access: release user %q: cannot transfer to the user being deleted", userID)
	}
	if err := s.lockOwned(ctx, tx, userID); err != nil {
		return err
	}
	owned, err := soleOwned(ctx, tx, userID)
	if err != nil {
		return err
	}

	if len(owned) > 0 && toUserID == "" {
		return s.soleOwnerError(ctx, userID, owned)
	}
	if len(owned) > 0 {
		if err := s.mustExist(ctx, toUserID); err != nil {
			return fmt.Errorf("access: release user %q: transfer to: %w", userID, err)
		}
	}
	for _, r := range owned {
		if err := s.handOver(ctx, tx, actor, r, toUserID); err != nil {
			return err
		}
	}

	_, err = tx.NewDelete().Model((*shareRow)(nil)).
		Where("principal_kind = ?", principalUser).Where("principal_id = ?", userID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("access: remove shares of user %q: %w", userID, err)
	}
	return nil
}

// lockOwned locks, on PostgreSQL, the rows of the secrets userID owns,
// in id order, as every other change of owners locks its secret: a
// concurrent Unshare then waits for tx, and soleOwned reads the owners
// as they are. SQLite's writers are serialised already.
func (s *Service) lockOwned(ctx context.Context, tx bun.Tx, userID string) error {
	if !s.postgres {
		return nil
	}
	var ids []string
	err := tx.NewSelect().Table(secretsTable).Column("id").
		Where("id IN (SELECT secret_id FROM acl_shares WHERE principal_kind = ?"+
			" AND principal_id = ? AND role = ?)", principalUser, userID, string(Owner)).
		Order("id").For("UPDATE").Scan(ctx, &ids)
	if err != nil {
		return fmt.Errorf("access: lock secrets owned by user %q: %w", userID, err)
	}
	return nil
}

// soleOwned returns the owner shares of userID on stored secrets that have
// no other owner. Deleted secrets count, as they may be undeleted; purged
// ones do not.
func soleOwned(ctx context.Context, db bun.IDB, userID string) ([]shareRow, error) {
	var rows []shareRow
	err := db.NewSelect().Model(&rows).
		Where("principal_kind = ?", principalUser).Where("principal_id = ?", userID).
		Where("role = ?", string(Owner)).
		Where("NOT EXISTS (SELECT 1 FROM acl_shares AS o WHERE o.secret_id = share_row.secret_id"+
			" AND o.principal_kind = ? AND o.role = ? AND o.principal_id <> ?)",
			principalUser, string(Owner), userID).
		Where("EXISTS (SELECT 1 FROM " + secretsTable + " AS sec WHERE sec.id = share_row.secret_id)").
		Order("secret_id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("access: find secrets owned by user %q alone: %w", userID, err)
	}
	return rows, nil
}

// soleOwnerError names the secrets. Their names are read outside tx;
// deleted ones have none.
func (s *Service) soleOwnerError(ctx context.Context, userID string, owned []shareRow) error {
	ids := make([]string, len(owned))
	for i, r := range owned {
		ids[i] = r.SecretID
	}
	live, err := s.inClear(ctx, ids)
	if err != nil {
		return err
	}

	names := map[string]string{}
	for _, sec := range live {
		names[sec.ID] = sec.Name
	}
	e := &SoleOwnerError{UserID: userID}
	for _, id := range ids {
		e.Secrets = append(e.Secrets, Candidate{ID: id, Name: names[id]})
	}
	return e
}

func (s *Service) handOver(ctx context.Context, tx bun.Tx, actor string, r shareRow, toUserID string) error {
	row := shareRow{SecretID: r.SecretID, Kind: principalUser, Principal: toUserID, Role: string(Owner), Type: r.Type}
	if err := upsertShare(ctx, tx, row); err != nil {
		return err
	}

	audit := auditRow{
		At: time.Now().UTC(), Actor: actor, Action: string(ActionTransferred),
		SecretID: r.SecretID, Type: r.Type, Outcome: string(Allowed),
		Detail: fmt.Sprintf("from deleted user %q to user %q", r.Principal, toUserID),
	}
	if _, err := tx.NewInsert().Model(&audit).Exec(ctx); err != nil {
		return fmt.Errorf("access: write audit: %w", err)
	}
	return nil
}

// TransferOnDelete returns a directory.Directory.BeforeDeleteUser hook
// that hands the secrets the deleted user alone owns to toUserID.
func (s *Service) TransferOnDelete(actor, toUserID string) func(ctx context.Context, tx bun.Tx, userID string) error {
	return func(ctx context.Context, tx bun.Tx, userID string) error {
		return s.ReleaseUser(ctx, tx, actor, userID, toUserID)
	}
}
