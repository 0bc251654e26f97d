package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestRefusalsByRoleSayWhoMayAndHoldNoIDs(t *testing.T) {
	tests := []struct {
		role, path, says string
	}{
		{"viewer", "", "You are a viewer of this secret; only owners and editors may change it. Nothing was changed."},
		{"viewer", "/restore", "You are a viewer of this secret; only owners and editors may restore an earlier version. Nothing was changed."},
		{"viewer", "/delete", "You are a viewer of this secret; only owners may delete it. Nothing was changed."},
		{"editor", "/delete", "You are an editor of this secret; only owners may delete it. Nothing was changed."},
	}
	for _, tt := range tests {
		t.Run(tt.role+tt.path, func(t *testing.T) {
			d := startTestDaemon(t, serverOptions{})
			bobID := d.user("bob").ID
			admin := d.client()
			admin.login("admin", adminPassword)
			id := createSMTP(t, admin, "shared")
			admin.post("/secrets/"+id+"/share", d.shareForm(admin, "bob", tt.role))

			bob := d.client()
			bob.login("bob", "bob-password")
			form := smtpForm(bob.csrf("/secrets/"+id), "changed by bob", "25")
			form.Set("version", "1")
			form.Set("from", "1")
			res := bob.post("/secrets/"+id+tt.path, form)

			if res.status != http.StatusForbidden || !strings.Contains(res.body, tt.says) {
				t.Errorf("status %d, want 403 saying %q\n%s", res.status, tt.says, res.body)
			}
			for _, internal := range []string{"&#34;" + id, bobID, "forbidden", "Access:"} {
				if strings.Contains(res.body, internal) {
					t.Errorf("the page holds the access layer's %q", internal)
				}
			}
			if got := d.reveal("admin", id); !strings.Contains(got, `"shared"`) {
				t.Errorf("the secret is %s after the refusal, want it unchanged", got)
			}
		})
	}
}

func TestRestoreWithoutAVersionToRestoreSaysSo(t *testing.T) {
	d := startTestDaemon(t, serverOptions{})
	c := d.client()
	c.login("admin", adminPassword)
	id := createSMTP(t, c, "office")

	for _, from := range []string{"", "x", "0"} {
		res := c.post("/secrets/"+id+"/restore", url.Values{csrfField: {c.csrf("/")}, "version": {"1"}, "from": {from}})
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, "does not say which version to restore") {
			t.Errorf("from=%q: status %d, want 400 saying which version is missing\n%s", from, res.status, res.body)
		}
	}
}
