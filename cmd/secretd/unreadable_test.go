package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/secretgen/secretgen/configurator"
	"github.com/secretgen/secretgen/runtime/kind"
)

// retypedPort is an SMTP payload whose port is stored as text: the type
// wants a number, so the secret no longer reads.
const retypedPort = `{"Name":"office","Host":"127.0.0.1","Port":"port-as-text","Username":"mailer","Password":"pw-office"}`

// breakSecret writes version+1 of a secret through the store, past the
// access layer, with a payload its type no longer reads.
func (d *testDaemon) breakSecret(id string, version int64) {
	d.t.Helper()
	_, err := d.server.sm.Store.Update(context.Background(), "SMTP", id, version, []byte(retypedPort))
	if err != nil {
		d.t.Fatal(err)
	}
}

// unreadableSecret is an SMTP secret of admin's whose version 1 reads
// and version 2 does not.
func unreadableSecret(t *testing.T) (*testDaemon, *client, string) {
	d := startTestDaemon(t, serverOptions{})
	c := d.client()
	c.login("admin", adminPassword)
	id := createSMTP(t, c, "office")
	d.breakSecret(id, 1)
	return d, c, id
}

// holdsNoValue fails when a page shows a value of the stored payload.
func holdsNoValue(t *testing.T, what, page string) {
	t.Helper()
	for _, value := range []string{"port-as-text", "pw-office", "mailer"} {
		if strings.Contains(page, value) {
			t.Errorf("%s holds the stored value %q", what, value)
		}
	}
}

func TestUnreadableSecretIsMarkedInTheListWithItsReason(t *testing.T) {
	_, c, id := unreadableSecret(t)

	res := c.get("/")

	if res.status != http.StatusOK {
		t.Fatalf("list: status %d, want 200\n%s", res.status, res.body)
	}
	for _, want := range []string{"/secrets/" + id, "Unreadable SMTP outgoing server secret",
		`cannot be read: decode SMTP: key &#34;Port&#34;: want a number`} {
		if !strings.Contains(res.body, want) {
			t.Errorf("the list does not show %q\n%s", want, res.body)
		}
	}
	holdsNoValue(t, "the list", res.body)
}

func TestUnreadableSecretPagesExplainAndOfferHistoryAndDelete(t *testing.T) {
	tests := []struct {
		path string
		says []string
	}{
		{"", []string{`This secret cannot be read: <span id="reason">decode SMTP: key &#34;Port&#34;: want a number`, "/secrets/{id}/history", "/secrets/{id}/delete"}},
		{"/history", []string{"The current version cannot be read", `name="from" value="1"`, "Restore"}},
		{"/delete", []string{"Delete Unreadable SMTP outgoing server secret?", `name="version" value="2"`}},
	}
	for _, tt := range tests {
		t.Run("page"+tt.path, func(t *testing.T) {
			_, c, id := unreadableSecret(t)

			res := c.get("/secrets/" + id + tt.path)

			if res.status != http.StatusOK {
				t.Fatalf("status %d, want 200\n%s", res.status, res.body)
			}
			for _, says := range tt.says {
				if says = strings.ReplaceAll(says, "{id}", id); !strings.Contains(res.body, says) {
					t.Errorf("the page does not say %q\n%s", says, res.body)
				}
			}
			holdsNoValue(t, "the page", res.body)
		})
	}
}

func TestRestoringAVersionThatReadsMakesTheSecretReadable(t *testing.T) {
	d, c, id := unreadableSecret(t)

	res := c.post("/secrets/"+id+"/restore", url.Values{
		csrfField: {c.csrf("/secrets/" + id + "/history")}, "version": {"2"}, "from": {"1"}})

	if res.status != http.StatusSeeOther {
		t.Fatalf("restore: status %d, want 303\n%s", res.status, res.body)
	}
	if got := d.reveal("admin", id); !strings.Contains(got, `"pw-office"`) || !strings.Contains(got, `"Port":25`) {
		t.Errorf("after the restore the secret is %s, want version 1's values", got)
	}
}

func TestRestoringAVersionThatDoesNotReadChangesNothing(t *testing.T) {
	d, c, id := unreadableSecret(t)
	d.breakSecret(id, 2)

	res := c.post("/secrets/"+id+"/restore", url.Values{
		csrfField: {c.csrf("/secrets/" + id + "/history")}, "version": {"3"}, "from": {"2"}})

	if res.status != http.StatusConflict || !strings.Contains(res.body, "That version cannot be read either") {
		t.Fatalf("restore: status %d, want 409 saying the version does not read\n%s", res.status, res.body)
	}
	holdsNoValue(t, "the page", res.body)
	history, err := d.svc.History(context.Background(), d.subject("admin"), id)
	if err != nil || len(history) != 3 {
		t.Errorf("after the refused restore the history is %v (%v), want the 3 versions only", history, err)
	}
}

func TestChangingAnUnreadableSecretIsAConflictAndChangesNothing(t *testing.T) {
	d, c, id := unreadableSecret(t)
	form := smtpForm(c.csrf("/secrets/"+id), "overwrite", "25")
	form.Set("version", "2")

	res := c.post("/secrets/"+id, form)

	if res.status != http.StatusConflict || !strings.Contains(res.body, "it cannot be changed. Nothing was changed.") {
		t.Fatalf("update: status %d, want 409\n%s", res.status, res.body)
	}
	if reveal := c.post("/secrets/"+id+"/reveal", url.Values{csrfField: {c.csrf("/")}}); reveal.status != http.StatusConflict {
		t.Errorf("reveal: status %d, want 409\n%s", reveal.status, reveal.body)
	}
	history, err := d.svc.History(context.Background(), d.subject("admin"), id)
	if err != nil || len(history) != 2 {
		t.Errorf("after the refused change the history is %v (%v), want the 2 versions only", history, err)
	}
}

func TestDeletingAnUnreadableSecretRemovesIt(t *testing.T) {
	d, c, id := unreadableSecret(t)

	res := c.post("/secrets/"+id+"/delete", url.Values{
		csrfField: {c.csrf("/secrets/" + id + "/delete")}, "version": {"2"}})

	if res.status != http.StatusSeeOther {
		t.Fatalf("delete: status %d, want 303\n%s", res.status, res.body)
	}
	if mine := d.mine("admin"); len(mine) != 0 {
		t.Errorf("after the delete admin's list holds %q", mine)
	}
}

func TestAViewerOfAnUnreadableSecretIsOfferedNoDelete(t *testing.T) {
	d, admin, id := unreadableSecret(t)
	d.user("bob")
	admin.post("/secrets/"+id+"/share", d.shareForm(admin, "bob", "viewer"))
	bob := d.client()
	bob.login("bob", "bob-password")

	page := bob.get("/secrets/" + id)
	refused := bob.post("/secrets/"+id+"/delete", url.Values{
		csrfField: {bob.csrf("/")}, "version": {"2"}})

	if page.status != http.StatusOK || strings.Contains(page.body, `id="delete"`) ||
		!strings.Contains(page.body, "only its owners may delete it") {
		t.Errorf("the viewer's page: status %d, want 200 without delete\n%s", page.status, page.body)
	}
	if refused.status != http.StatusForbidden || !strings.Contains(refused.body, "only owners may delete it") {
		t.Errorf("the viewer's delete: status %d, want 403\n%s", refused.status, refused.body)
	}
}

// startWithoutJira stores a Jira secret of admin's in c's data, then
// starts secretd on it with SMTP as its only type, as a server does once
// a type is removed. It returns the secret's id.
func startWithoutJira(t *testing.T, c config) (*testDaemon, string) {
	t.Helper()
	id := storeJira(t, c)

	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	opts, err := c.options(log)
	if err != nil {
		t.Fatal(err)
	}
	opts.Registry = kind.Registry{}
	d, err := startWith(context.Background(), configurator.New(opts), c, serverOptions{}, io.Discard, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := d.stop(5 * time.Second); err != nil {
			t.Errorf("stop secretd: %v", err)
		}
	})
	return &testDaemon{daemon: d, t: t, dir: d.server.dir, svc: d.server.svc}, id
}

func storeJira(t *testing.T, c config) string {
	t.Helper()
	opts, err := c.options(slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return storeSecret(t, opts, "Jira", `{"Name":"tracker","EMail":"ops@example.com","Token":"jira-token"}`)
}

func TestSecretOfARemovedTypeOffersDeleteButNoRestore(t *testing.T) {
	d, id := startWithoutJira(t, testConfig(t))
	c := d.client()
	c.login("admin", adminPassword)

	list := c.get("/")
	page := c.get("/secrets/" + id)
	history := c.get("/secrets/" + id + "/history")
	restore := c.post("/secrets/"+id+"/restore", url.Values{
		csrfField: {c.csrf("/")}, "version": {"1"}, "from": {"1"}})

	if !strings.Contains(list.body, "cannot be read: the type is not registered") {
		t.Errorf("the list does not mark the secret\n%s", list.body)
	}
	if page.status != http.StatusOK || !strings.Contains(page.body, "Its type Jira is no longer registered") ||
		!strings.Contains(page.body, `id="delete"`) {
		t.Errorf("the page: status %d, want 200 explaining the type is gone and offering delete\n%s", page.status, page.body)
	}
	if history.status != http.StatusOK || strings.Contains(history.body, "Restore</button>") {
		t.Errorf("the history: status %d, want 200 without restore\n%s", history.status, history.body)
	}
	if restore.status != http.StatusConflict || !strings.Contains(restore.body, "No version can be restored") {
		t.Errorf("a restore: status %d, want 409 saying no version can be restored\n%s", restore.status, restore.body)
	}
	for _, res := range []response{list, page, history, restore} {
		if strings.Contains(res.body, "jira-token") || strings.Contains(res.body, "tracker") {
			t.Errorf("a page holds a stored value\n%s", res.body)
		}
	}
}
