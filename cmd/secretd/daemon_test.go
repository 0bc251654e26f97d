package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/secretgen/secretgen/runtime/access"
	"github.com/secretgen/secretgen/runtime/directory"
)

const adminPassword = "admin-password-for-tests"

// testDaemon is a real secretd serving on 127.0.0.1 with its data in a
// temporary directory.
type testDaemon struct {
	*daemon
	t   *testing.T
	dir *directory.Directory
	svc *access.Service
}

func startTestDaemon(t *testing.T, opt serverOptions) *testDaemon {
	t.Helper()
	return startDaemon(t, testConfig(t), opt)
}

// testConfig is a secretd on a free loopback port with its data in a
// temporary directory.
func testConfig(t *testing.T) config {
	return config{
		addr:          "127.0.0.1:0",
		dataDir:       t.TempDir(),
		adminPassword: adminPassword,
		sessionTTL:    time.Hour,
	}
}

func startDaemon(t *testing.T, c config, opt serverOptions) *testDaemon {
	t.Helper()
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))

	d, err := start(context.Background(), c, opt, io.Discard, log)
	if err != nil {
		t.Fatalf("start secretd: %v", err)
	}
	t.Cleanup(func() {
		if err := d.stop(5 * time.Second); err != nil {
			t.Errorf("stop secretd: %v", err)
		}
	})
	return &testDaemon{daemon: d, t: t, dir: d.server.dir, svc: d.server.svc}
}

// user creates a user with password name+"-password" in the given groups.
func (d *testDaemon) user(name string, groups ...string) directory.User {
	d.t.Helper()
	ctx := context.Background()
	u, err := d.dir.CreateUser(ctx, name, name+"-password")
	if err != nil {
		d.t.Fatal(err)
	}
	for _, g := range groups {
		d.join(g, u.ID)
	}
	return u
}

// join adds a user to a group, creating the group when missing.
func (d *testDaemon) join(group, userID string) {
	d.t.Helper()
	ctx := context.Background()
	g, err := d.dir.GroupByName(ctx, group)
	if err != nil {
		g, err = d.dir.CreateGroup(ctx, group)
	}
	if err != nil {
		d.t.Fatal(err)
	}
	if err := d.dir.AddMember(ctx, g.ID, userID); err != nil {
		d.t.Fatal(err)
	}
}

func (d *testDaemon) subject(name string) access.Subject {
	d.t.Helper()
	u, err := d.dir.UserByName(context.Background(), name)
	if err != nil {
		d.t.Fatal(err)
	}
	sub, err := d.server.subject(context.Background(), u.ID)
	if err != nil {
		d.t.Fatal(err)
	}
	return sub
}

// mine returns the names of the secrets in a user's own list.
func (d *testDaemon) mine(name string) []string {
	d.t.Helper()
	list, err := d.svc.Mine(context.Background(), d.subject(name))
	if err != nil {
		d.t.Fatal(err)
	}
	names := make([]string, len(list))
	for i, s := range list {
		names[i] = s.Name
	}
	return names
}

// client is a cookie-keeping HTTP client that does not follow redirects.
type client struct {
	t    *testing.T
	base string
	http *http.Client
}

func (d *testDaemon) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: d.t, base: d.url(), http: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// response is what a test looks at.
type response struct {
	status   int
	body     string
	location string
	header   http.Header
}

func (c *client) do(req *http.Request) response {
	c.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, body: string(b), location: res.Header.Get("Location"), header: res.Header}
}

func (c *client) get(path string) response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values) response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func (c *client) api(method, path, body string, header ...string) response {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return c.do(req)
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf returns the CSRF token of the page at path.
func (c *client) csrf(path string) string {
	c.t.Helper()
	m := csrfInput.FindStringSubmatch(c.get(path).body)
	if m == nil {
		c.t.Fatalf("page %s has no CSRF token", path)
	}
	return m[1]
}

// tryLogin sends the login form and returns the answer.
func (c *client) tryLogin(name, password string) response {
	c.t.Helper()
	token := c.csrf("/login")
	return c.post("/login", url.Values{"csrf": {token}, "name": {name}, "password": {password}, "next": {"/"}})
}

func (c *client) login(name, password string) {
	c.t.Helper()
	if res := c.tryLogin(name, password); res.status != http.StatusSeeOther {
		c.t.Fatalf("login as %s: status %d, want 303\n%s", name, res.status, res.body)
	}
}

// smtpForm is a valid SMTP form; port overrides the port.
func smtpForm(token, name, port string) url.Values {
	return url.Values{
		"csrf": {token}, "Name": {name}, "Host": {"127.0.0.1"}, "Port": {port},
		"Username": {"mailer"}, "Password": {"pw-" + name},
	}
}
