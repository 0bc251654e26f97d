package access_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/secretgen/secretgen/internal/testenv"
	"github.com/secretgen/secretgen/runtime/access"
)

// A secret always keeps at least one owner, also when two processes
// change its owners at once (DESIGN.md, "Scale"). alice is being deleted
// while bob, her co-owner, leaves the secret in another process: each
// sees the other as the remaining owner unless one waits for the other.
// SQLite serialises the two writers; on PostgreSQL ReleaseUser reads the
// owners without locking the secret, so both commit and no owner is left.
func TestReviewDeletingAUserWhileTheCoOwnerLeavesKeepsAnOwner(t *testing.T) {
	w := newWorld(t, testenv.Postgres(t), testKeys(t))
	sec := w.jira(t, w.alice, "tracker")
	if err := w.svc.Share(w.ctx, w.alice, sec.ID, w.bob.UserID, access.Owner); err != nil {
		t.Fatal(err)
	}
	other := w.service(t, nil) // the second process

	w.dir.BeforeDeleteUser = func(ctx context.Context, tx bun.Tx, userID string) error {
		if err := w.svc.ReleaseUser(ctx, tx, "admin", userID, ""); err != nil {
			return err
		}
		// Before alice's deletion commits, bob leaves in the other process.
		// If ReleaseUser had locked the secret, this would wait for it
		// and then find bob the only owner; give it a deadline instead.
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		other.Unshare(ctx, w.bob, sec.ID, w.bob.UserID)
		return nil
	}
	if err := w.dir.DeleteUser(w.ctx, w.alice.UserID); err != nil {
		t.Logf("delete alice: %v", err)
	}

	var owners int
	err := w.store.DB().NewSelect().Table("acl_shares").ColumnExpr("count(*)").
		Where("secret_id = ?", sec.ID).Where("principal_kind = 'user'").Where("role = 'owner'").
		Scan(w.ctx, &owners)
	if err != nil {
		t.Fatal(err)
	}
	if owners == 0 {
		t.Errorf("secret %q has no owner after alice's deletion and bob's leaving", sec.ID)
	}
}
