package main

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/secretgen/secretgen/runtime/access"
)

var (
	shareDialog  = regexp.MustCompile(`(?s)<dialog id="share">.*?</dialog>`)
	hiddenInput  = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
	roleSelect   = regexp.MustCompile(`(?s)<select name="(role:[^"]+)".*?</select>`)
	selectedRole = regexp.MustCompile(`<option value="([^"]+)" selected>`)
	checkedGroup = regexp.MustCompile(`<input type="checkbox" name="group" value="([^"]+)"[^>]* checked[ >]`)
)

// shareDialogForm opens the share dialog of a secret as c's user and
// returns what the browser would send from it unchanged: the hidden
// fields, each user's selected role and the checked groups.
func shareDialogForm(t *testing.T, c *client, id string) url.Values {
	t.Helper()
	dialog := shareDialog.FindString(c.get("/secrets/" + id).body)
	if dialog == "" {
		t.Fatalf("the page of secret %s has no share dialog", id)
	}

	form := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(dialog, -1) {
		form.Add(m[1], html.UnescapeString(m[2]))
	}
	for _, m := range roleSelect.FindAllStringSubmatch(dialog, -1) {
		if role := selectedRole.FindStringSubmatch(m[0]); role != nil {
			form.Set(html.UnescapeString(m[1]), role[1])
		}
	}
	for _, m := range checkedGroup.FindAllStringSubmatch(dialog, -1) {
		form.Add("group", m[1])
	}
	return form
}

// sharesOf returns a secret's users as "name:role" and its groups by
// name, both sorted.
func (d *testDaemon) sharesOf(id string) (users, groups []string) {
	d.t.Helper()
	ctx := d.t.Context()
	sec, err := d.svc.Get(ctx, d.subject("admin"), id)
	if err != nil {
		d.t.Fatal(err)
	}

	for _, u := range sec.Users {
		user, err := d.dir.User(ctx, u.UserID)
		if err != nil {
			d.t.Fatal(err)
		}
		users = append(users, user.Name+":"+string(u.Role))
	}
	for _, id := range sec.Groups {
		g, err := d.dir.Group(ctx, id)
		if err != nil {
			d.t.Fatal(err)
		}
		groups = append(groups, g.Name)
	}
	slices.Sort(users)
	slices.Sort(groups)
	return users, groups
}

// A share dialog saves only what its user changed in it: a share another
// owner added while it was open survives, a user or a group, and a
// removal in it still removes. The other owner is admin again, in a
// second session: the dialog cannot tell the two apart.
func TestShareDialogKeepsSharesAddedMeanwhile(t *testing.T) {
	d := startTestDaemon(t, serverOptions{})
	d.user("bob")
	d.user("carol")
	dave := d.user("dave")
	d.join("ops", d.subject("admin").UserID)
	admin := d.client()
	admin.login("admin", adminPassword)
	id := createSMTP(t, admin, "office")
	if err := d.svc.SaveShares(t.Context(), d.subject("admin"), id, []access.UserShare{
		{UserID: d.subject("admin").UserID, Role: access.Owner},
		{UserID: dave.ID, Role: access.Editor},
	}, nil); err != nil {
		t.Fatal(err)
	}

	stale := shareDialogForm(t, admin, id)

	other := d.client()
	other.login("admin", adminPassword)
	meanwhile := shareDialogForm(t, other, id)
	meanwhile.Set("new_user", "carol")
	meanwhile.Set("new_role", "viewer")
	meanwhile.Add("group", groupID(t, d, "ops"))
	if res := other.post("/secrets/"+id+"/share", meanwhile); res.status != http.StatusSeeOther {
		t.Fatalf("share with carol: status %d, want 303\n%s", res.status, res.body)
	}

	stale.Set("new_user", "bob")
	stale.Set("new_role", "editor")
	stale.Set("role:"+dave.ID, "none")
	if res := admin.post("/secrets/"+id+"/share", stale); res.status != http.StatusSeeOther {
		t.Fatalf("share with bob from the stale dialog: status %d, want 303\n%s", res.status, res.body)
	}

	users, groups := d.sharesOf(id)
	want := []string{"admin:owner", "bob:editor", "carol:viewer"}
	if !slices.Equal(users, want) {
		t.Errorf("users after both dialogs: %v, want %v", users, want)
	}
	if !slices.Equal(groups, []string{"ops", "system"}) {
		t.Errorf("groups after both dialogs: %v, want ops, added meanwhile, and system, which SMTP requires", groups)
	}
}

// The shares a dialog loaded travel in the form, so anyone can rewrite
// them: a list the dialog cannot have rendered is refused with a message
// and changes nothing.
func TestShareDialogRefusesATamperedLoadedList(t *testing.T) {
	d := startTestDaemon(t, serverOptions{})
	d.user("bob")
	c := d.client()
	c.login("admin", adminPassword)
	id := createSMTP(t, c, "office")
	admin := d.subject("admin").UserID

	tests := []struct {
		name   string
		change func(url.Values)
		want   string
	}{
		{"no loaded users", func(f url.Values) { f.Del("loaded_user") }, "does not say which shares it loaded"},
		{"a loaded role that is none of the three", func(f url.Values) { f.Set("loaded_role:"+admin, "root") }, `"root" is not one of`},
		{"a loaded user without a role", func(f url.Values) { f.Del("loaded_role:" + admin) }, `"" is not one of`},
		{"a loaded user listed twice", func(f url.Values) { f.Add("loaded_user", admin) }, "listed twice"},
		{"a loaded user without an id", func(f url.Values) { f.Add("loaded_user", "") }, "a user without an id"},
		{"a loaded group without an id", func(f url.Values) { f.Add("loaded_group", "") }, "a group without an id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := shareDialogForm(t, c, id)
			form.Set("new_user", "bob")
			form.Set("new_role", "viewer")
			tt.change(form)

			res := c.post("/secrets/"+id+"/share", form)

			if res.status != http.StatusUnprocessableEntity {
				t.Errorf("status %d, want 422", res.status)
			}
			if !strings.Contains(html.UnescapeString(res.body), tt.want) {
				t.Errorf("the page does not say %s:\n%s", tt.want, res.body)
			}
			if users, _ := d.sharesOf(id); !slices.Equal(users, []string{"admin:owner"}) {
				t.Errorf("users after the tampered form: %v, want admin's alone", users)
			}
		})
	}
}
