package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/secretgen/secretgen/runtime/directory"
)

const reasonSystem = "Requires membership in group system."

func TestTypesANonMemberMayNotCreateAreShownDisabledWithTheReason(t *testing.T) {
	d := startTestDaemon(t, serverOptions{})
	d.user("dave")
	dave := d.client()
	dave.login("dave", "dave-password")
	admin := d.client()
	admin.login("admin", adminPassword)

	page := dave.get("/new").body
	if strings.Contains(page, `href="/new/SMTP"`) {
		t.Error("dave, not in group system, is offered a link to the SMTP form")
	}
	if !strings.Contains(page, `id="refused-SMTP">`+reasonSystem+"<") {
		t.Errorf("dave's create page does not say why SMTP is disabled:\n%s", page)
	}
	if !strings.Contains(page, `href="/new/Jira"`) {
		t.Error("dave is not offered Jira, which requires no group")
	}

	page = admin.get("/new").body
	if !strings.Contains(page, `href="/new/SMTP"`) || strings.Contains(page, "refused-SMTP") {
		t.Errorf("admin, a member of system, is not offered SMTP:\n%s", page)
	}
}

func TestNewFormOfATypeANonMemberMayNotCreateIsReadOnlyWithTheReason(t *testing.T) {
	d := startTestDaemon(t, serverOptions{})
	d.user("dave")
	c := d.client()
	c.login("dave", "dave-password")

	page := c.get("/new/SMTP").body

	if !strings.Contains(page, `id="message">You cannot create this secret. `+reasonSystem+"<") {
		t.Errorf("the SMTP form does not tell dave why he cannot create it:\n%s", page)
	}
	if strings.Contains(page, `id="save"`) {
		t.Error("the SMTP form offers dave a Save button")
	}
}

func TestRefusedCreateKeepsWhatWasTyped(t *testing.T) {
	d := startTestDaemon(t, serverOptions{})
	u := d.user("dave", "system")
	c := d.client()
	c.login("dave", "dave-password")
	token := c.csrf("/new/SMTP")

	// dave leaves system while the form is open.
	system, err := d.dir.GroupByName(t.Context(), directory.SystemGroup)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.dir.RemoveMember(t.Context(), system.ID, u.ID); err != nil {
		t.Fatal(err)
	}
	form := smtpForm(token, "typed by dave", "2525")
	form.Set("Host", "mail.dave.test")
	res := c.post("/new/SMTP", form)

	if res.status != http.StatusForbidden {
		t.Fatalf("status %d, want 403\n%s", res.status, res.body)
	}
	if !strings.Contains(res.body, `id="message">Nothing was saved. `+reasonSystem+"<") {
		t.Errorf("the page does not say why nothing was saved:\n%s", res.body)
	}
	for _, kept := range []string{`value="typed by dave"`, `value="mail.dave.test"`, `value="2525"`, `id="save"`} {
		if !strings.Contains(res.body, kept) {
			t.Errorf("the form sent again lacks %s", kept)
		}
	}
	if got := d.mine("dave"); len(got) != 0 {
		t.Errorf("dave's secrets: %q, want none", got)
	}
}
