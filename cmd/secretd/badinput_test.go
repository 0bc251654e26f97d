package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/secretgen/secretgen/internal/testenv"
)

// onEachDaemon runs test against a secretd on SQLite and one on
// PostgreSQL, which treat odd bytes differently.
func onEachDaemon(t *testing.T, test func(t *testing.T, d *testDaemon)) {
	t.Run("sqlite", func(t *testing.T) {
		test(t, startTestDaemon(t, serverOptions{}))
	})
	t.Run("postgres", func(t *testing.T) {
		c := testConfig(t)
		c.dsn = testenv.Postgres(t)
		test(t, startDaemon(t, c, serverOptions{}))
	})
}

// oddNames are user names and ids no row can hold; a NUL byte once made
// PostgreSQL fail the query and secretd answer 500.
var oddNames = []string{"ad\x00min", "ad\xffmin", "ad'min"}

func TestLoginWithAnImpossibleNameIsWrongCredentials(t *testing.T) {
	onEachDaemon(t, func(t *testing.T, d *testDaemon) {
		for _, name := range oddNames {
			res := d.client().tryLogin(name, adminPassword)
			if res.status != http.StatusUnauthorized || !strings.Contains(res.body, "Wrong user name or password.") {
				t.Errorf("login as %q: status %d, want 401 saying wrong user name or password\n%s", name, res.status, res.body)
			}
		}
	})
}

func TestSharingWithAnImpossibleUserSaysSo(t *testing.T) {
	onEachDaemon(t, func(t *testing.T, d *testDaemon) {
		c := d.client()
		c.login("admin", adminPassword)
		id := createSMTP(t, c, "office")

		for _, name := range oddNames {
			byName := d.shareForm(c, name, "viewer")
			byID := d.shareForm(c, "", "viewer")
			byID.Add("user", name)
			byID.Set("role:"+name, "viewer")
			for form, says := range map[*url.Values]string{
				&byName: "There is no user named",
				&byID:   "names no user",
			} {
				res := c.post("/secrets/"+id+"/share", *form)
				if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, says) {
					t.Errorf("share with %q: status %d, want 422 saying %q\n%s", name, res.status, says, res.body)
				}
			}
		}
	})
}

func TestImpossibleSecretIDsAreNotFound(t *testing.T) {
	onEachDaemon(t, func(t *testing.T, d *testDaemon) {
		c := d.client()
		c.login("admin", adminPassword)
		token := c.csrf("/")
		form := url.Values{csrfField: {token}, "version": {"1"}, "from": {"1"}}

		for _, id := range []string{"a%00b", "a%FFb", "a%27b", strings.Repeat("a", 129)} {
			for _, path := range []string{"", "/history", "/delete"} {
				if res := c.get("/secrets/" + id + path); res.status != http.StatusNotFound {
					t.Errorf("GET /secrets/%s%s: status %d, want 404", id, path, res.status)
				}
			}
			for _, path := range []string{"", "/share", "/restore", "/delete", "/reveal"} {
				if res := c.post("/secrets/"+id+path, form); res.status != http.StatusNotFound {
					t.Errorf("POST /secrets/%s%s: status %d, want 404", id, path, res.status)
				}
			}
		}
	})
}
