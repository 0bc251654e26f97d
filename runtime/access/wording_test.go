package access_test

import (
	"strings"
	"testing"

	"github.com/secretgen/secretgen/runtime/access"
)

// Refusals read as sentences: the right article before a role, and no
// empty type where a lookup covered every type.
func TestRefusalsReadAsSentences(t *testing.T) {
	w := sqliteWorld(t)
	w.join(t, w.alice, w.ops)
	sec := w.jira(t, w.alice, "tracker")
	if err := w.svc.Share(w.ctx, w.alice, sec.ID, w.bob.UserID, access.Editor); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Share(w.ctx, w.alice, sec.ID, w.carol.UserID, access.Viewer); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name string
		do   func() error
		want string
	}{
		{"editor shares", func() error {
			return w.svc.Share(w.ctx, w.bob, sec.ID, w.carol.UserID, access.Owner)
		}, `user "` + w.bob.UserID + `" is an editor; only owners`},
		{"viewer changes", func() error {
			_, err := w.svc.Update(w.ctx, w.carol, sec.ID, sec.Version, []byte(`{}`))
			return err
		}, `user "` + w.carol.UserID + `" is a viewer; only owners and editors`},
		{"stranger lists a group's secrets of every type", func() error {
			_, err := w.svc.GroupSecrets(w.ctx, w.carol, w.ops, "")
			return err
		}, `access: used: user "` + w.carol.UserID + `" is not a member of group`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.do()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err %v, want it to say %q", err, c.want)
			}
		})
	}
}
