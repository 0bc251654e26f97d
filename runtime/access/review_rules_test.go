package access_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/secretgen/secretgen/runtime/access"
	"github.com/secretgen/secretgen/runtime/kind"
)

// jira creates a Jira secret owned by sub.
func (w *world) jira(t *testing.T, sub access.Subject, name string) access.Secret {
	t.Helper()
	payload := `{"Name":"` + name + `","EMail":"a@example.com","Token":"token-of-` + name + `"}`
	sec, err := w.svc.Create(w.ctx, sub, "Jira", []byte(payload), nil)
	if err != nil {
		t.Fatalf("create Jira %q: %v", name, err)
	}
	return sec
}

// ownersOf returns the owners of a secret as the first of readers who may
// read it sees them; nil when none of them may.
func (w *world) ownersOf(t *testing.T, id string, readers ...access.Subject) []string {
	t.Helper()
	for _, r := range readers {
		sec, err := w.svc.Get(w.ctx, r, id)
		if err != nil {
			continue
		}
		var out []string
		for _, u := range sec.Users {
			if u.Role == access.Owner {
				out = append(out, u.UserID)
			}
		}
		return out
	}
	return nil
}

// A secret always keeps at least one owner (DESIGN.md). An owner id that
// names no user is no owner: once alice hands the secret to it, nobody
// can read, share or delete the secret again.
func TestReviewOwnershipNeverGoesToAnUnknownUser(t *testing.T) {
	cases := []struct {
		name   string
		handOn func(w *world, id string) error
	}{
		{"transfer", func(w *world, id string) error {
			return w.svc.Transfer(w.ctx, w.alice, id, "no-such-user")
		}},
		{"save shares", func(w *world, id string) error {
			return w.svc.SaveShares(w.ctx, w.alice, id, []access.UserShare{{UserID: "no-such-user", Role: access.Owner}}, nil)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := sqliteWorld(t)
			sec := w.jira(t, w.alice, "tracker")

			err := c.handOn(w, sec.ID)
			var invalid *access.InvalidError
			if !errors.As(err, &invalid) || !strings.Contains(err.Error(), `"no-such-user"`) {
				t.Errorf("handing the secret to an unknown user: err %v, want an *access.InvalidError naming the id", err)
			}
			if got := w.ownersOf(t, sec.ID, w.alice, w.bob, w.carol); !slices.Contains(got, w.alice.UserID) {
				t.Errorf("after the refused hand-over alice is no longer owner; owners readable: %q", got)
			}
		})
	}
}

// bobOpensTheShareDialog makes alice's Jira secret tracker, co-owned by
// bob, and returns it with its shares as bob's dialog loads them.
func (w *world) bobOpensTheShareDialog(t *testing.T) (access.Secret, access.Shares) {
	t.Helper()
	sec := w.jira(t, w.alice, "tracker")
	if err := w.svc.Share(w.ctx, w.alice, sec.ID, w.bob.UserID, access.Owner); err != nil {
		t.Fatal(err)
	}
	loaded, err := w.svc.Get(w.ctx, w.bob, sec.ID)
	if err != nil {
		t.Fatal(err)
	}
	return sec, access.Shares{Users: loaded.Users, Groups: loaded.Groups}
}

// Updates carry the version they change; a stale one is a conflict, never
// a silent overwrite (DESIGN.md). An owner who saves the share dialog
// loaded before another owner shared the secret must not silently take
// that share away: SaveSharesFrom changes only what the dialog changed.
func TestReviewStaleShareDialogDoesNotDropANewShare(t *testing.T) {
	w := sqliteWorld(t)
	sec, shown := w.bobOpensTheShareDialog(t)

	// Meanwhile alice shares it with carol.
	if err := w.svc.Share(w.ctx, w.alice, sec.ID, w.carol.UserID, access.Viewer); err != nil {
		t.Fatal(err)
	}

	// bob saves the dialog as he loaded it, changing nothing.
	err := w.svc.SaveSharesFrom(w.ctx, w.bob, sec.ID, shown, shown)
	if errors.Is(err, kind.ErrConflict) {
		return // the stale save was detected
	}
	if err != nil {
		t.Fatalf("save shares: %v", err)
	}
	if _, err := w.svc.Get(w.ctx, w.carol, sec.ID); err != nil {
		t.Errorf("bob's save of a stale dialog dropped carol's share without a conflict: %v", err)
	}
}

// Only a member of a group may add a secret to it (issue 4). Choosing the
// secret that a group's systems use is a change of the group as much as
// adding one: an owner who is not a member should not make the choice.
func TestReviewOnlyGroupMembersChooseTheGroupDefault(t *testing.T) {
	w := sqliteWorld(t)
	w.join(t, w.alice, w.ops, w.system)
	first := w.smtp(t, w.alice, "first", "pw-one", w.ops)
	second := w.smtp(t, w.alice, "second", "pw-two", w.ops)
	if err := w.svc.SetDefault(w.ctx, w.alice, w.ops, "SMTP", first.ID); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Share(w.ctx, w.alice, second.ID, w.bob.UserID, access.Owner); err != nil {
		t.Fatal(err)
	}

	err := w.svc.SetDefault(w.ctx, w.bob, w.ops, "SMTP", second.ID)
	if !errors.Is(err, access.ErrForbidden) {
		t.Errorf("bob, not in ops, set the default SMTP of ops: err %v, want ErrForbidden", err)
	}
	got, err := w.svc.Match(w.ctx, w.alice, access.MatchQuery{Type: "SMTP", Group: w.ops, Expect: true})
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != first.ID {
		t.Errorf("ops now uses %q, want alice's choice %q", got.Name, first.Name)
	}
}

// A stale dialog still applies its own changes: bob removes alice from a
// dialog loaded before alice shared the secret with carol and attached it
// to ops; alice goes, carol and ops stay.
func TestAStaleShareDialogAppliesItsOwnChangesOnly(t *testing.T) {
	w := sqliteWorld(t)
	w.join(t, w.alice, w.ops)
	sec, shown := w.bobOpensTheShareDialog(t)

	if err := w.svc.Share(w.ctx, w.alice, sec.ID, w.carol.UserID, access.Viewer); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.AddGroup(w.ctx, w.alice, sec.ID, w.ops); err != nil {
		t.Fatal(err)
	}

	saved := access.Shares{Users: []access.UserShare{{UserID: w.bob.UserID, Role: access.Owner}}}
	if err := w.svc.SaveSharesFrom(w.ctx, w.bob, sec.ID, shown, saved); err != nil {
		t.Fatalf("save shares: %v", err)
	}

	got, err := w.svc.Get(w.ctx, w.bob, sec.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []access.UserShare{{UserID: w.bob.UserID, Role: access.Owner}, {UserID: w.carol.UserID, Role: access.Viewer}}
	slices.SortFunc(want, func(a, b access.UserShare) int { return strings.Compare(a.UserID, b.UserID) })
	if !slices.Equal(got.Users, want) || !slices.Equal(got.Groups, []string{w.ops}) {
		t.Errorf("shares %v groups %v; want %v and group ops", got.Users, got.Groups, want)
	}
}

// Deleting a user with a transfer to an id that names nobody is refused:
// the secrets alice alone owns would otherwise be owned by nobody.
func TestDeletingAUserRefusesATransferToAnUnknownUser(t *testing.T) {
	w := sqliteWorld(t)
	sec := w.jira(t, w.alice, "tracker")
	w.dir.BeforeDeleteUser = w.svc.TransferOnDelete("admin", "no-such-user")

	err := w.dir.DeleteUser(w.ctx, w.alice.UserID)
	var invalid *access.InvalidError
	if !errors.As(err, &invalid) || !strings.Contains(err.Error(), `"no-such-user"`) {
		t.Errorf("delete alice: err %v, want an *access.InvalidError naming the id", err)
	}
	if got := w.ownersOf(t, sec.ID, w.alice); !slices.Contains(got, w.alice.UserID) {
		t.Errorf("after the refused deletion alice owns %q, want her still owner", got)
	}
}
