package main

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Browsers drop tabs and line breaks from a URL before they resolve it,
// so "/\t/evil.example" in a Location header leads to //evil.example.
func TestLoginNextWithControlCharactersStaysOnTheSite(t *testing.T) {
	d := startTestDaemon(t, serverOptions{})
	for _, next := range []string{"/\t/evil.example/", "/\n/evil.example/", "/\r/evil.example/", "\t//evil.example/", "/\x00/evil.example/"} {
		c := d.client()
		token := c.csrf("/login")
		form := url.Values{"csrf": {token}, "name": {"admin"}, "password": {adminPassword}, "next": {next}}
		status, location := c.rawPost("/login", form)

		if status != http.StatusSeeOther || location != "/" {
			t.Errorf("next=%q: status %d, Location %q, want 303 to \"/\"", next, status, location)
		}
	}
}

// rawPost sends a form with the client's cookies and returns the status
// and the Location header as sent, which http.Client would refuse to
// parse when it holds control characters.
func (c *client) rawPost(path string, form url.Values) (int, string) {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, ck := range c.http.Jar.Cookies(req.URL) {
		req.AddCookie(ck)
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		c.t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode, res.Header.Get("Location")
}

// The share dialog is a form anyone can rewrite: a role that is not one of
// owner, editor and viewer, or a user listed twice, is the sender's
// mistake, answered with a message, never a 500, and changes nothing.
func TestShareDialogWithABadRoleSaysWhatIsWrong(t *testing.T) {
	d := startTestDaemon(t, serverOptions{})
	d.user("bob")
	c := d.client()
	c.login("admin", adminPassword)
	res := c.post("/new/SMTP", smtpForm(c.csrf("/new/SMTP"), "office", "587"))
	if res.status != http.StatusSeeOther {
		t.Fatalf("create: status %d", res.status)
	}
	page, _, _ := strings.Cut(res.location, "?")
	admin := d.subject("admin").UserID

	tests := []struct {
		name string
		form url.Values
		want string
	}{
		{"unknown role of the new user", url.Values{"user": {admin}, "role:" + admin: {"owner"}, "new_user": {"bob"}, "new_role": {"admin"}}, `"admin" is not one of`},
		{"no role for the new user", url.Values{"user": {admin}, "role:" + admin: {"owner"}, "new_user": {"bob"}}, `"" is not one of`},
		{"unknown role of a listed user", url.Values{"user": {admin}, "role:" + admin: {"root"}}, `"root" is not one of`},
		{"new user already listed", url.Values{"user": {admin}, "role:" + admin: {"owner"}, "new_user": {"admin"}, "new_role": {"viewer"}}, "listed twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.form.Set("csrf", c.csrf(page))
			res := c.post(page+"/share", tt.form)

			if res.status != http.StatusUnprocessableEntity {
				t.Errorf("status %d, want 422", res.status)
			}
			if !strings.Contains(html.UnescapeString(res.body), tt.want) {
				t.Errorf("the page does not say %s:\n%s", tt.want, res.body)
			}
			if got := d.mine("bob"); len(got) != 0 {
				t.Errorf("bob's secrets: %q, want none", got)
			}
		})
	}
}

// Login names come from the form, up to its 64 KiB: the limiter keeps
// only as much of each as a real user name can hold.
func TestLoginLimiterKeepsShortKeysForHugeNames(t *testing.T) {
	l := newLoginLimiter(newFakeClock().now)
	for i := range 50 {
		l.allow(strings.Repeat("x", maxForm-10)+itoa(i), addrN(i))
	}

	held := 0
	for key := range l.byName.buckets {
		held += len(key)
	}
	if held > 50*maxNameKey {
		t.Errorf("the limiter holds %d bytes of names for 50 attempts, want at most %d", held, 50*maxNameKey)
	}
}

// Flags read their defaults from the environment, and flag's usage text
// prints every default: a password or a DSN with one must not be in it.
func TestUsageShowsNoSecretFromTheEnvironment(t *testing.T) {
	const canary = "CANARY-7f3a"
	t.Setenv("SECRETD_ADMIN_PASSWORD", canary)
	t.Setenv("SECRETD_DSN", "postgres://secretgen:"+canary+"@127.0.0.1:1/secretgen")

	for _, args := range [][]string{{"-h"}, {"-no-such-flag"}} {
		var stdout, stderr strings.Builder
		run(args, &stdout, &stderr)

		if strings.Contains(stdout.String()+stderr.String(), canary) {
			t.Errorf("secretd %s prints the secret from the environment:\n%s%s", args[0], stdout.String(), stderr.String())
		}
	}
}

// A secret's page answers a user it is not shared with exactly as it
// answers an id that names nothing, as the JSON API does: guessing ids
// tells nobody which exist.
func TestSecretPagesOfOthersReadAsNotFound(t *testing.T) {
	d := startTestDaemon(t, serverOptions{})
	d.user("mallory")
	admin := d.client()
	admin.login("admin", adminPassword)
	res := admin.post("/new/SMTP", smtpForm(admin.csrf("/new/SMTP"), "office", "587"))
	page, _, _ := strings.Cut(res.location, "?")

	c := d.client()
	c.login("mallory", "mallory-password")
	missing := c.get("/secrets/00000000-0000-0000-0000-000000000000")
	for _, path := range []string{page, page + "/history", page + "/delete"} {
		got := c.get(path)
		if got.status != missing.status || got.status != http.StatusNotFound {
			t.Errorf("GET %s as mallory: status %d; a missing secret answers %d, want both 404", path, got.status, missing.status)
		}
	}
	token := c.csrf("/new")
	got := c.post(page, url.Values{"csrf": {token}, "version": {"1"}, "Name": {"x"}})
	if got.status != http.StatusNotFound {
		t.Errorf("POST %s as mallory: status %d, want 404", page, got.status)
	}
}

// The share dialog lists the users a secret is shared with by id; an id
// the directory does not know is a forged form, refused without a change.
func TestShareDialogRefusesAnUnknownUserID(t *testing.T) {
	d := startTestDaemon(t, serverOptions{})
	c := d.client()
	c.login("admin", adminPassword)
	res := c.post("/new/SMTP", smtpForm(c.csrf("/new/SMTP"), "office", "587"))
	page, _, _ := strings.Cut(res.location, "?")
	admin := d.subject("admin").UserID

	form := url.Values{"csrf": {c.csrf(page)}, "user": {admin, "no-such-user"},
		"role:" + admin: {"owner"}, "role:no-such-user": {"owner"}}
	got := c.post(page+"/share", form)

	if got.status != http.StatusUnprocessableEntity {
		t.Errorf("status %d, want 422", got.status)
	}
	sec, err := d.svc.Get(t.Context(), d.subject("admin"), strings.TrimPrefix(page, "/secrets/"))
	if err != nil {
		t.Fatal(err)
	}
	if len(sec.Users) != 1 {
		t.Errorf("shares after the forged form: %v, want admin's alone", sec.Users)
	}
}

// One IPv6 client usually holds a whole /64: limiting each address alone
// would give it 2^64 budgets.
func TestLoginAddressOfIPv6ClientsIsTheirSlash64(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{"[2001:db8:1:2::1]:4000", "[2001:db8:1:2:ffff::9]:4001", true},
		{"[2001:db8:1:2::1]:4000", "[2001:db8:1:3::1]:4000", false},
		{"192.0.2.7:4000", "192.0.2.7:5000", true},
		{"192.0.2.7:4000", "192.0.2.8:4000", false},
		{"[::ffff:192.0.2.7]:4000", "[::ffff:192.0.2.8]:4000", false},
	}
	for _, tt := range tests {
		a := clientAddr(&http.Request{RemoteAddr: tt.a})
		b := clientAddr(&http.Request{RemoteAddr: tt.b})
		if (a == b) != tt.same {
			t.Errorf("%s -> %q and %s -> %q: same bucket %v, want %v", tt.a, a, tt.b, b, a == b, tt.same)
		}
	}
}
