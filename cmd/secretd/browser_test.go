package main

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/secretgen/secretgen/internal/testenv"
)

var screenshot = flag.Bool("screenshot", false, "write the vault page to docs/vault.png during TestBrowser")

// TestBrowser walks through the web UI in headless Chromium: log in,
// create an SMTP secret, meet the validation message for port 70000, fix
// it, share the secret with bob and with group ops; bob then sees it in
// his list and carol, a member of ops, does not.
func TestBrowser(t *testing.T) {
	chromium := testenv.Chromium(t)
	d := startTestDaemon(t, serverOptions{})
	admin, err := d.dir.UserByName(context.Background(), "admin")
	if err != nil {
		t.Fatal(err)
	}
	d.user("bob")
	d.user("carol", "ops")
	d.join("ops", admin.ID)

	b := &browserRun{t: t, ctx: newBrowser(t, chromium), base: d.url()}

	b.login("admin", adminPassword)
	b.createSMTPWithPortFixed()
	b.revealPassword()
	b.share("bob", "ops")
	b.screenshotVault()
	b.logout()

	b.login("bob", "bob-password")
	if list := b.text(chromedp.CSS("main")); !strings.Contains(list, "Office mail") {
		t.Errorf("bob's list does not show the secret shared with him:\n%s", list)
	}
	b.logout()

	b.login("carol", "carol-password")
	if list := b.text(chromedp.CSS("main")); strings.Contains(list, "Office mail") {
		t.Errorf("carol's list shows a secret shared only with her group:\n%s", list)
	}
	usable, err := d.svc.GroupSecrets(context.Background(), d.subject("carol"), groupID(t, d, "ops"), "SMTP")
	if err != nil || len(usable) != 1 {
		t.Errorf("systems acting for carol find %d secrets in ops (err %v), want the one shared with ops", len(usable), err)
	}
}

// newBrowser starts a headless Chromium that resolves no host name but
// 127.0.0.1, so the test sends no packet off this machine.
func newBrowser(t *testing.T, path string) context.Context {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1100, 760),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium %s: %v", path, err)
	}
	return ctx
}

// browserRun drives one browser tab through the UI.
type browserRun struct {
	t    *testing.T
	ctx  context.Context
	base string
}

// stepTimeout bounds each step, so a missing element fails the test
// instead of hanging it.
const stepTimeout = 20 * time.Second

func (b *browserRun) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v\npage now:\n%s", step, err, b.page())
	}
}

// page returns the text of the page the browser shows, for failures.
func (b *browserRun) page() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText`))
	if err != nil {
		return "(unreadable: " + err.Error() + ")"
	}
	return text
}

func get[T any](b *browserRun, what string, action chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, action)
	if err != nil {
		b.t.Fatalf("read %s: %v", what, err)
	}
	return v
}

func (b *browserRun) text(sel chromedp.CSS) string {
	b.t.Helper()
	return get(b, string(sel), chromedp.Text(sel))
}

func (b *browserRun) login(name, password string) {
	b.t.Helper()
	b.do("log in as "+name,
		chromedp.Navigate(b.base+"/login"),
		chromedp.WaitVisible(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), name),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.ID("login")),
		chromedp.WaitVisible(chromedp.ID("logout")),
	)
}

func (b *browserRun) logout() {
	b.t.Helper()
	b.do("log out",
		chromedp.Click(chromedp.ID("logout")),
		chromedp.WaitVisible(chromedp.ID("name")),
	)
}

// createSMTPWithPortFixed picks the SMTP card, saves port 70000, reads
// the message beside the port and saves again with port 2525.
func (b *browserRun) createSMTPWithPortFixed() {
	b.t.Helper()
	b.do("open the create page",
		chromedp.Click(chromedp.CSS(`a[href="/new"]`)),
		chromedp.WaitVisible(chromedp.ID("type-SMTP")),
		// The logo's host does not resolve here, so the initials stand in.
		chromedp.WaitVisible(chromedp.CSS("#type-SMTP .logo.broken .initials")),
	)
	titles := get(b, "type cards", chromedp.Evaluate[[]string](
		`[...document.querySelectorAll(".cards strong")].map(e => e.textContent)`))
	lower := func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }
	if len(titles) < 2 || !slices.IsSortedFunc(titles, lower) {
		b.t.Errorf("type cards %q are not sorted by name", titles)
	}

	b.do("fill the SMTP form with port 70000",
		chromedp.Click(chromedp.ID("type-SMTP")),
		chromedp.WaitVisible(chromedp.ID("f-Host")),
		chromedp.SetValue(chromedp.ID("f-Name"), "Office mail"),
		chromedp.SendKeys(chromedp.ID("f-Host"), "127.0.0.1"),
		chromedp.SetValue(chromedp.ID("f-Port"), "70000"),
		chromedp.SendKeys(chromedp.ID("f-Username"), "mailer"),
		chromedp.SendKeys(chromedp.ID("f-Password"), "CANARY-7f3a-pw"),
		chromedp.Click(chromedp.ID("save")),
		chromedp.WaitVisible(chromedp.ID("error-Port")),
	)
	if msg := b.text("#error-Port"); !strings.Contains(msg, "65535") {
		b.t.Errorf("message beside Port = %q, want the rule's limit 65535", msg)
	}

	b.do("fix the port and save",
		chromedp.SetValue(chromedp.ID("f-Port"), "2525"),
		chromedp.Click(chromedp.ID("save")),
		chromedp.WaitVisible(chromedp.ID("notice-created")),
	)
}

// revealPassword checks that the stored password arrives masked and that
// the reveal button shows it.
func (b *browserRun) revealPassword() {
	b.t.Helper()
	before := get(b, "masked password", chromedp.Value(chromedp.ID("f-Password")))
	b.do("reveal the password",
		chromedp.Click(chromedp.CSS(`button.reveal[data-field="Password"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-Password[type="text"]`)),
	)
	after := get(b, "revealed password", chromedp.Value(chromedp.ID("f-Password")))
	if before == "CANARY-7f3a-pw" || after != "CANARY-7f3a-pw" {
		b.t.Errorf("password before reveal %q, after %q; want it masked, then shown", before, after)
	}
}

func (b *browserRun) share(user, group string) {
	b.t.Helper()
	b.do("share with "+user+" and group "+group,
		chromedp.Click(chromedp.ID("share-open")),
		chromedp.WaitVisible(chromedp.ID("share-user")),
		chromedp.SendKeys(chromedp.ID("share-user"), user),
		chromedp.SetValue(chromedp.ID("share-role"), "viewer"),
		chromedp.Click(chromedp.ID("group-"+group)),
		chromedp.Click(chromedp.ID("share-save")),
		chromedp.WaitVisible(chromedp.ID("notice-shared")),
	)
}

// screenshotVault writes the vault page to docs/vault.png when the test
// runs with -screenshot.
func (b *browserRun) screenshotVault() {
	b.t.Helper()
	if !*screenshot {
		return
	}
	b.do("add a Jira secret, so the vault shows two types",
		chromedp.Navigate(b.base+"/new/Jira"),
		chromedp.WaitVisible(chromedp.ID("f-EMail")),
		chromedp.SetValue(chromedp.ID("f-Name"), "Team Jira"),
		chromedp.SendKeys(chromedp.ID("f-EMail"), "ops@example.com"),
		chromedp.SendKeys(chromedp.ID("f-Token"), "jira-token"),
		chromedp.Click(chromedp.ID("save")),
		chromedp.WaitVisible(chromedp.ID("notice-created")),
	)
	b.do("open the vault page",
		chromedp.Navigate(b.base+"/"),
		chromedp.WaitVisible(chromedp.ID("secrets")),
	)
	png := get(b, "screenshot", chromedp.FullScreenshot(100)) // quality 100 is PNG
	if err := os.WriteFile(filepath.Join("..", "..", "docs", "vault.png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

func groupID(t *testing.T, d *testDaemon, name string) string {
	t.Helper()
	g, err := d.dir.GroupByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return g.ID
}
