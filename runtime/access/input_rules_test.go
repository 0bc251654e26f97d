package access_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/secretgen/secretgen/runtime/access"
	"github.com/secretgen/secretgen/runtime/kind"
)

// smtpPayload is an SMTP payload with the given username, port and
// password.
func smtpPayload(username string, port int, password string) []byte {
	return fmt.Appendf(nil, `{"Name":"relay","Host":"127.0.0.1","Port":%d,"Username":%q,"Password":%q}`,
		port, username, password)
}

// Mask stands for a value a subject may not see. Stored as the value of a
// secret field, it would read as masked for good, so Create refuses it
// with a field error, alone or beside the type's own.
func TestCreatingASecretFieldHoldingTheMaskIsRefused(t *testing.T) {
	cases := []struct {
		name    string
		payload []byte
		fields  []kind.FieldError // nil: created
	}{
		{"password is the mask", smtpPayload("mailer", 2525, access.Mask),
			[]kind.FieldError{{Field: "Password", Rule: "not_mask"}}},
		{"password is the mask and the port too high", smtpPayload("mailer", 70000, access.Mask),
			[]kind.FieldError{{Field: "Port", Rule: "max=65535"}, {Field: "Password", Rule: "not_mask"}}},
		{"password holds the mask and more", smtpPayload("mailer", 2525, access.Mask+"x"), nil},
		{"a field not styled secret is the mask", smtpPayload(access.Mask, 2525, "pw"), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := sqliteWorld(t)
			w.join(t, w.alice, w.system)

			_, err := w.svc.Create(w.ctx, w.alice, "SMTP", c.payload, nil)

			if c.fields == nil {
				if err != nil {
					t.Fatalf("create: %v, want it created", err)
				}
				return
			}
			var invalid *kind.ValidationError
			if !errors.As(err, &invalid) {
				t.Fatalf("create: err %v, want a *kind.ValidationError", err)
			}
			if got := ruleList(invalid.Fields); got != ruleList(c.fields) {
				t.Errorf("fields %s, want %s", got, ruleList(c.fields))
			}
			if !strings.Contains(err.Error(), "Password: is the mask placeholder, not a value (not_mask)") {
				t.Errorf("error %q does not say that Password is the mask", err)
			}
			if mine, _ := w.svc.Mine(w.ctx, w.alice); len(mine) != 0 || len(w.events.all()) != 0 {
				t.Errorf("after the refused create: %d secrets, %d events; want none", len(mine), len(w.events.all()))
			}
		})
	}
}

// ruleList reads fields as "field:rule" pairs.
func ruleList(fields []kind.FieldError) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = f.Field + ":" + f.Rule
	}
	return strings.Join(parts, " ")
}

// A user listed twice in shares is refused (InvalidError); a group listed
// twice is too, at create and when saving shares, and nothing changes.
func TestAGroupListedTwiceIsRefusedLikeAUserListedTwice(t *testing.T) {
	cases := []struct {
		name  string
		do    func(w *world, id string) error
		group string // the group the error names; "" for an empty id
		key   string
		rule  string
	}{
		{"create", func(w *world, _ string) error {
			_, err := w.svc.Create(w.ctx, w.alice, "Jira", jiraPayload("second"), []string{w.ops, w.ops})
			return err
		}, "ops", "groups", "unique"},
		{"create with an empty group", func(w *world, _ string) error {
			_, err := w.svc.Create(w.ctx, w.alice, "Jira", jiraPayload("second"), []string{w.ops, ""})
			return err
		}, "", "groups", "required"},
		{"save shares", func(w *world, id string) error {
			return w.svc.SaveShares(w.ctx, w.alice, id, ownerAlice(w), []string{w.ops, w.ops})
		}, "ops", "groups", "unique"},
		{"save shares from a dialog", func(w *world, id string) error {
			loaded := access.Shares{Users: ownerAlice(w)}
			return w.svc.SaveSharesFrom(w.ctx, w.alice, id, loaded, access.Shares{Users: ownerAlice(w), Groups: []string{w.ops, w.ops}})
		}, "ops", "groups", "unique"},
		{"save shares from a dialog that loaded a group twice", func(w *world, id string) error {
			loaded := access.Shares{Users: ownerAlice(w), Groups: []string{w.ops, w.ops}}
			return w.svc.SaveSharesFrom(w.ctx, w.alice, id, loaded, access.Shares{Users: ownerAlice(w), Groups: []string{w.ops}})
		}, "ops", "loaded.groups", "unique"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := sqliteWorld(t)
			w.join(t, w.alice, w.ops)
			sec := w.jira(t, w.alice, "tracker")
			before := w.allRows(t, "acl_shares") + w.allRows(t, "secrets")

			err := c.do(w, sec.ID)

			var invalid *access.InvalidError
			if !errors.As(err, &invalid) {
				t.Fatalf("err %v, want an *access.InvalidError", err)
			}
			group := map[string]string{"ops": w.ops}[c.group]
			if invalid.GroupID != group || invalid.Key != c.key || invalid.Rule != c.rule || invalid.UserID != "" {
				t.Errorf("error %+v, want group %q, key %q, rule %q", *invalid, group, c.key, c.rule)
			}
			if group != "" && !strings.Contains(err.Error(), fmt.Sprintf("group %q: listed twice", group)) {
				t.Errorf("error %q does not name the group listed twice", err)
			}
			if after := w.allRows(t, "acl_shares") + w.allRows(t, "secrets"); after != before {
				t.Errorf("the refused input changed the stored shares or secrets")
			}
		})
	}
}

func jiraPayload(name string) []byte {
	return []byte(`{"Name":"` + name + `","EMail":"a@example.com","Token":"token-of-` + name + `"}`)
}

func ownerAlice(w *world) []access.UserShare {
	return []access.UserShare{{UserID: w.alice.UserID, Role: access.Owner}}
}

// Listing the group a type requires is no duplicate of the requirement.
func TestCreatingAnSMTPSecretThatNamesGroupSystemItselfSucceeds(t *testing.T) {
	w := sqliteWorld(t)
	w.join(t, w.alice, w.system)

	sec := w.smtp(t, w.alice, "relay", "pw", w.system)

	if len(sec.Groups) != 1 || sec.Groups[0] != w.system {
		t.Errorf("groups %q, want only system", sec.Groups)
	}
}

// Match without a group searches every group of the caller; when that
// finds several, the error says so rather than naming an empty group.
func TestAmbiguousMatchSaysWhereItSearched(t *testing.T) {
	w := sqliteWorld(t)
	w.join(t, w.alice, w.system, w.ops)
	w.smtp(t, w.alice, "first relay", "pw")
	w.smtp(t, w.alice, "second relay", "pw", w.ops)

	cases := []struct {
		name  string
		group string
		want  string
	}{
		{"without a group", "", "2 SMTP secrets in the groups of the caller and no hint or default"},
		{"in group system", w.system, fmt.Sprintf("2 SMTP secrets in group %q and no hint", w.system)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := w.svc.Match(w.ctx, w.alice, access.MatchQuery{Type: "SMTP", Group: c.group, Expect: true})

			var ambiguous *access.AmbiguousError
			if !errors.As(err, &ambiguous) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err %v, want an *access.AmbiguousError saying %q", err, c.want)
			}
			if strings.Contains(fmt.Sprint(err), `group ""`) {
				t.Errorf("error %q names an empty group", err)
			}
		})
	}
}
