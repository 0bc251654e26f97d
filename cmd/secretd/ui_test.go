package main

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// createSMTP saves an SMTP form as c's user and returns the new id.
func createSMTP(t *testing.T, c *client, name string) string {
	t.Helper()
	res := c.post("/new/SMTP", smtpForm(c.csrf("/new/SMTP"), name, "25"))
	if res.status != http.StatusSeeOther {
		t.Fatalf("create %s: status %d, want 303\n%s", name, res.status, res.body)
	}
	return strings.TrimSuffix(strings.TrimPrefix(res.location, "/secrets/"), "?notice=created")
}

// shareForm is the share dialog of a secret admin owns alone, adding a
// user by name with a role.
func (d *testDaemon) shareForm(c *client, user, role string) url.Values {
	admin := d.subject("admin").UserID
	return url.Values{
		csrfField: {c.csrf("/")},
		"user":    {admin}, "role:" + admin: {"owner"},
		"new_user": {user}, "new_role": {role},
		"loaded_user": {admin}, "loaded_role:" + admin: {"owner"},
	}
}

func (d *testDaemon) reveal(user, id string) string {
	d.t.Helper()
	sec, err := d.svc.Reveal(context.Background(), d.subject(user), id)
	if err != nil {
		d.t.Fatal(err)
	}
	return string(sec.Payload)
}

func TestSavingTheMaskedFormKeepsThePassword(t *testing.T) {
	d := startTestDaemon(t, serverOptions{})
	c := d.client()
	c.login("admin", adminPassword)
	id := createSMTP(t, c, "office")

	page := c.get("/secrets/" + id).body
	if strings.Contains(page, "pw-office") {
		t.Fatal("the edit page holds the stored password in clear")
	}
	form := smtpForm(c.csrf("/secrets/"+id), "office renamed", "2525")
	form.Set("Password", "••••••••")
	form.Set("version", "1")
	if res := c.post("/secrets/"+id, form); res.status != http.StatusSeeOther {
		t.Fatalf("update: status %d, want 303\n%s", res.status, res.body)
	}

	got := d.reveal("admin", id)
	if !strings.Contains(got, "pw-office") || !strings.Contains(got, "office renamed") {
		t.Fatalf("after saving the masked form the secret is %s; want the new name and the old password", got)
	}
}

func TestStaleFormIsAConflictAndChangesNothing(t *testing.T) {
	d := startTestDaemon(t, serverOptions{})
	c := d.client()
	c.login("admin", adminPassword)
	id := createSMTP(t, c, "office")
	token := c.csrf("/secrets/" + id)

	form := smtpForm(token, "first edit", "25")
	form.Set("version", "1")
	c.post("/secrets/"+id, form)
	form = smtpForm(token, "stale edit", "25")
	form.Set("version", "1")
	res := c.post("/secrets/"+id, form)

	if res.status != http.StatusConflict || !strings.Contains(res.body, "changed this secret since you opened it") {
		t.Fatalf("stale update: status %d, want 409 explaining the conflict\n%s", res.status, res.body)
	}
	if got := d.reveal("admin", id); !strings.Contains(got, "first edit") {
		t.Fatalf("the secret is %s, want the first edit kept", got)
	}
}

var restoreForm = regexp.MustCompile(`name="from" value="(\d+)"`)

func TestHistoryRestoresAnEarlierVersion(t *testing.T) {
	d := startTestDaemon(t, serverOptions{})
	c := d.client()
	c.login("admin", adminPassword)
	id := createSMTP(t, c, "original")
	form := smtpForm(c.csrf("/secrets/"+id), "changed", "25")
	form.Set("version", "1")
	c.post("/secrets/"+id, form)

	history := c.get("/secrets/" + id + "/history").body
	m := restoreForm.FindStringSubmatch(history)
	if m == nil || m[1] != "1" {
		t.Fatalf("history offers no restore of version 1:\n%s", history)
	}
	res := c.post("/secrets/"+id+"/restore", url.Values{csrfField: {c.csrf("/secrets/" + id)}, "version": {"2"}, "from": {"1"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("restore: status %d, want 303\n%s", res.status, res.body)
	}

	if got := d.reveal("admin", id); !strings.Contains(got, `"original"`) {
		t.Fatalf("after restoring version 1 the secret is %s", got)
	}
}

func TestDeleteAsksFirstThenDeletes(t *testing.T) {
	d := startTestDaemon(t, serverOptions{})
	c := d.client()
	c.login("admin", adminPassword)
	id := createSMTP(t, c, "doomed")

	confirm := c.get("/secrets/" + id + "/delete")
	if confirm.status != http.StatusOK || !strings.Contains(confirm.body, "Delete doomed?") {
		t.Fatalf("confirmation page: status %d\n%s", confirm.status, confirm.body)
	}
	if got := d.mine("admin"); len(got) != 1 {
		t.Fatalf("asking deleted something: %q left", got)
	}

	res := c.post("/secrets/"+id+"/delete", url.Values{csrfField: {c.csrf("/")}, "version": {"1"}})
	if res.status != http.StatusSeeOther || res.location != "/?notice=deleted" {
		t.Fatalf("delete: status %d to %q, want 303 to /?notice=deleted", res.status, res.location)
	}
	if got := d.mine("admin"); len(got) != 0 {
		t.Fatalf("after delete admin still has %q", got)
	}
}

func TestViewerSeesAReadOnlyFormWithoutSharing(t *testing.T) {
	d := startTestDaemon(t, serverOptions{})
	d.user("bob")
	c := d.client()
	c.login("admin", adminPassword)
	id := createSMTP(t, c, "shared")
	res := c.post("/secrets/"+id+"/share", d.shareForm(c, "bob", "viewer"))
	if res.status != http.StatusSeeOther {
		t.Fatalf("share: status %d\n%s", res.status, res.body)
	}

	bob := d.client()
	bob.login("bob", "bob-password")
	page := bob.get("/secrets/" + id).body
	for _, absent := range []string{`id="save"`, `id="share-open"`, `id="delete"`, "pw-shared"} {
		if strings.Contains(page, absent) {
			t.Errorf("bob's view as a viewer contains %q", absent)
		}
	}
	form := smtpForm(bob.csrf("/secrets/"+id), "hijacked", "25")
	form.Set("version", "1")
	if res := bob.post("/secrets/"+id, form); res.status != http.StatusForbidden {
		t.Errorf("update by a viewer: status %d, want 403", res.status)
	}
}

func TestSharingWithAnUnknownUserSaysSo(t *testing.T) {
	d := startTestDaemon(t, serverOptions{})
	c := d.client()
	c.login("admin", adminPassword)
	id := createSMTP(t, c, "office")

	res := c.post("/secrets/"+id+"/share", d.shareForm(c, "nobody", "viewer"))

	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "There is no user named &#34;nobody&#34;") {
		t.Fatalf("status %d, want 422 naming the unknown user\n%s", res.status, res.body)
	}
}

func TestUnknownSecretIsNotFound(t *testing.T) {
	d := startTestDaemon(t, serverOptions{})
	c := d.client()
	c.login("admin", adminPassword)

	for _, path := range []string{"/secrets/no-such-secret", "/secrets/no-such-secret/history", "/new/NoSuchType"} {
		if res := c.get(path); res.status != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", path, res.status)
		}
	}
}
