package main

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestExpiredSessionIsRefusedAndChangesNothing(t *testing.T) {
	clock := newFakeClock()
	d := startTestDaemon(t, serverOptions{SessionTTL: time.Hour, Now: clock.now})
	c := d.client()
	c.login("admin", adminPassword)
	token := c.csrf("/new/SMTP")

	clock.advance(time.Hour + time.Second)

	if res := c.get("/"); res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/login") {
		t.Errorf("GET / after expiry: status %d to %q, want 303 to /login", res.status, res.location)
	}
	if res := c.post("/new/SMTP", smtpForm(token, "late", "25")); res.status != http.StatusUnauthorized {
		t.Errorf("POST /new/SMTP after expiry: status %d, want 401", res.status)
	}
	res := c.api("POST", "/api/secrets/SMTP", `{"data":{"Name":"late","Host":"127.0.0.1","Port":25}}`, csrfHeader, token)
	if res.status != http.StatusUnauthorized || !strings.Contains(res.body, "log in again") {
		t.Errorf("API create after expiry: status %d, want 401 saying to log in again\n%s", res.status, res.body)
	}
	if got := d.mine("admin"); len(got) != 0 {
		t.Errorf("admin's secrets after refused requests: %q, want none", got)
	}
}

func TestSessionEndsAtLogout(t *testing.T) {
	d := startTestDaemon(t, serverOptions{})
	c := d.client()
	c.login("admin", adminPassword)
	stolen := c.http.Jar.Cookies(mustURL(t, d.url()))

	c.post("/logout", url.Values{csrfField: {c.csrf("/")}})

	replay := d.client()
	replay.http.Jar.SetCookies(mustURL(t, d.url()), stolen)
	if res := replay.get("/"); res.status != http.StatusSeeOther {
		t.Fatalf("GET / with the cookie of a logged-out session: status %d, want 303 to login", res.status)
	}
}

func TestFormsRefuseAMissingOrWrongCSRFToken(t *testing.T) {
	d := startTestDaemon(t, serverOptions{})
	d.user("mallory")
	c := d.client()
	c.login("admin", adminPassword)
	good := c.csrf("/new/SMTP")

	other := d.client()
	other.login("mallory", "mallory-password")
	othersToken := other.csrf("/")

	tests := []struct {
		name   string
		token  string
		origin string
	}{
		{name: "missing token", token: ""},
		{name: "wrong token", token: "not-the-token"},
		{name: "token of another session", token: othersToken},
		{name: "right token from another site", token: good, origin: "https://evil.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", d.url()+"/new/SMTP", strings.NewReader(smtpForm(tt.token, "forged", "25").Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tt.origin != "" {
				req.Header.Set("Origin", tt.origin)
			}
			res := c.do(req)

			if res.status != http.StatusForbidden || !strings.Contains(res.body, "nothing was changed") {
				t.Errorf("status %d, want 403 saying nothing was changed\n%s", res.status, res.body)
			}
			if got := d.mine("admin"); len(got) != 0 {
				t.Errorf("admin's secrets: %q, want none", got)
			}
		})
	}

	if res := c.post("/new/SMTP", smtpForm(good, "genuine", "25")); res.status != http.StatusSeeOther {
		t.Fatalf("the same form with the right token: status %d, want 303\n%s", res.status, res.body)
	}
	if got := d.mine("admin"); !slices.Equal(got, []string{"genuine"}) {
		t.Fatalf("admin's secrets: %q, want [genuine]", got)
	}
}

func TestAPICallsWithTheCookieNeedTheCSRFHeader(t *testing.T) {
	d := startTestDaemon(t, serverOptions{})
	c := d.client()
	c.login("admin", adminPassword)
	token := c.csrf("/")
	body := `{"data":{"Name":"via api","Host":"127.0.0.1","Port":25}}`

	for _, header := range [][]string{nil, {csrfHeader, "wrong"}} {
		res := c.api("POST", "/api/secrets/SMTP", body, header...)
		if res.status != http.StatusForbidden || !strings.Contains(res.body, csrfHeader) {
			t.Errorf("create with header %q: status %d, want 403 naming %s\n%s", header, res.status, csrfHeader, res.body)
		}
	}
	if got := d.mine("admin"); len(got) != 0 {
		t.Fatalf("admin's secrets after refused calls: %q, want none", got)
	}

	if res := c.api("GET", "/api/secrets", ""); res.status != http.StatusOK {
		t.Errorf("GET without the header: status %d, want 200 (reads need no token)", res.status)
	}
	if res := c.api("POST", "/api/secrets/SMTP", body, csrfHeader, token); res.status != http.StatusCreated {
		t.Fatalf("create with the token: status %d, want 201\n%s", res.status, res.body)
	}
}

func TestLoginIsRateLimitedPerUserName(t *testing.T) {
	clock := newFakeClock()
	d := startTestDaemon(t, serverOptions{Now: clock.now})
	c := d.client()

	for i := range 5 {
		if res := c.tryLogin("admin", "guess"); res.status != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: status %d, want 401", i+1, res.status)
		}
	}
	res := c.tryLogin("admin", adminPassword)
	if res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") == "" {
		t.Fatalf("sixth attempt, right password: status %d, Retry-After %q; want 429 with Retry-After",
			res.status, res.header.Get("Retry-After"))
	}
	if !strings.Contains(res.body, "Too many login attempts") {
		t.Errorf("the 429 page does not say why:\n%s", res.body)
	}

	clock.advance(30 * time.Second)
	c.login("admin", adminPassword)
}

func TestLoginFormNeedsItsOwnCSRFCookie(t *testing.T) {
	d := startTestDaemon(t, serverOptions{})
	token := d.client().csrf("/login") // a token from someone else's browser

	res := d.client().post("/login", url.Values{"csrf": {token}, "name": {"admin"}, "password": {adminPassword}})
	if res.status != http.StatusForbidden {
		t.Fatalf("login with a foreign token: status %d, want 403", res.status)
	}
}

func TestLoginSendsTheBrowserOnlyWithinTheSite(t *testing.T) {
	d := startTestDaemon(t, serverOptions{})
	tests := []struct{ next, want string }{
		{"/new", "/new"},
		{"//evil.example/", "/"},
		{"https://evil.example/", "/"},
		{`/\evil.example`, "/"},
	}
	for _, tt := range tests {
		c := d.client()
		token := c.csrf("/login")
		res := c.post("/login", url.Values{"csrf": {token}, "name": {"admin"}, "password": {adminPassword}, "next": {tt.next}})
		if res.location != tt.want {
			t.Errorf("next=%q: redirected to %q, want %q", tt.next, res.location, tt.want)
		}
	}
}

func TestSessionCookieIsHttpOnlyAndSameSite(t *testing.T) {
	d := startTestDaemon(t, serverOptions{})
	c := d.client()
	res := c.tryLogin("admin", adminPassword)

	cookie := res.header.Get("Set-Cookie")
	for _, want := range []string{sessionCookie + "=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("Set-Cookie %q lacks %q", cookie, want)
		}
	}
}

func TestValidationMessageStandsBesideItsField(t *testing.T) {
	d := startTestDaemon(t, serverOptions{})
	c := d.client()
	c.login("admin", adminPassword)
	tests := []struct {
		port, message string
	}{
		{"70000", "must be at most 65535"},
		{"0", "must be at least 1"},
		{"abc", "want a number"},
		{"2.5", "want an integer"},
	}
	for _, tt := range tests {
		t.Run(tt.port, func(t *testing.T) {
			res := c.post("/new/SMTP", smtpForm(c.csrf("/new/SMTP"), "office", tt.port))

			if res.status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422", res.status)
			}
			if !strings.Contains(res.body, `id="error-Port" role="alert">`+tt.message+`<`) {
				t.Errorf("the page does not show %q beside Port:\n%s", tt.message, res.body)
			}
			if !strings.Contains(res.body, `value="`+tt.port+`"`) {
				t.Error("the page does not keep the value typed into Port")
			}
			if got := d.mine("admin"); len(got) != 0 {
				t.Errorf("admin's secrets: %q, want none", got)
			}
		})
	}
}

func TestNewFormShowsTheDefaults(t *testing.T) {
	d := startTestDaemon(t, serverOptions{})
	c := d.client()
	c.login("admin", adminPassword)

	page := c.get("/new/SMTP").body

	for _, want := range []string{
		`id="f-Name" name="Name" value="My SMTP server"`,
		`id="f-Port" name="Port" value="587"`,
		`id="f-Host" name="Host" value=""`,
		`type="password" id="f-Password"`,
		"The From address of mail sent through this server.",
		"Sender address",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the new SMTP form lacks %q", want)
		}
	}
}

func TestOversizedFormIsRefusedAndChangesNothing(t *testing.T) {
	d := startTestDaemon(t, serverOptions{})
	c := d.client()
	c.login("admin", adminPassword)
	form := smtpForm(c.csrf("/new/SMTP"), "huge", "25")
	form.Set("Username", strings.Repeat("x", maxForm))

	res := c.post("/new/SMTP", form)

	if res.status != http.StatusRequestEntityTooLarge || !strings.Contains(res.body, "at most 64 KiB") {
		t.Fatalf("status %d, want 413 naming the limit\n%s", res.status, res.body)
	}
	if got := d.mine("admin"); len(got) != 0 {
		t.Errorf("admin's secrets: %q, want none", got)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
