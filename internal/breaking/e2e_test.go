package breaking

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/secretgen/secretgen/internal/gen"
	"github.com/secretgen/secretgen/internal/testenv"
)

// The type package before and after a change: Mailbox gains a field and
// renames Server to Host with formerKeys; Bridge retypes Port; Pager is
// removed.
const (
	typesV1 = `package acct

import "github.com/secretgen/secretgen/enum"

var (
	_ = enum.Variant[Credentials, Mailbox]()
	_ = enum.Variant[Credentials, Bridge]()
	_ = enum.Variant[Credentials, Pager]()
)

type Credentials interface{ Credentials() bool }

type Pager struct {
	Token string ` + "`style:\"secret\"`" + `
}

func (Pager) Credentials() bool { return true }

type Mailbox struct {
	Name     string ` + "`validate:\"required\"`" + `
	Server   string
	Password string ` + "`style:\"secret\"`" + `
}

type Bridge struct {
	Name string
	Port int ` + "`value:\"8080\"`" + `
}

func (Mailbox) Credentials() bool { return true }
func (Bridge) Credentials() bool  { return true }
`
	typesV2 = `package acct

import "github.com/secretgen/secretgen/enum"

var (
	_ = enum.Variant[Credentials, Mailbox]()
	_ = enum.Variant[Credentials, Bridge]()
)

type Credentials interface{ Credentials() bool }

type Mailbox struct {
	Name     string ` + "`validate:\"required\"`" + `
	Host     string ` + "`formerKeys:\"Server\"`" + `
	Password string ` + "`style:\"secret\"`" + `
	Folder   string ` + "`value:\"INBOX\"`" + `
}

type Bridge struct {
	Name string
	Port string ` + "`value:\"8080\"`" + `
}

func (Mailbox) Credentials() bool { return true }
func (Bridge) Credentials() bool  { return true }
`
)

// storeV1 stores one secret of each type with the code generated from
// typesV1 and prints their ids.
const storeV1 = `package main

import (
	"context"
	"encoding/json"
	"os"

	"example.com/e2e/acct"
	"example.com/e2e/generated"
	"github.com/secretgen/secretgen/runtime/keyring"
	"github.com/secretgen/secretgen/runtime/store"
)

func main() {
	ctx := context.Background()
	kr, err := keyring.FromFile(os.Args[2], keyring.FileOptions{Create: true})
	if err != nil {
		panic(err)
	}
	st, err := store.Open(ctx, store.Config{DSN: os.Args[1], Keyring: kr})
	if err != nil {
		panic(err)
	}
	repos := generated.NewRepositories(st)
	m, err := repos.Mailbox.Create(ctx, acct.Mailbox{Name: "team", Server: "imap.example.com", Password: "pw-1234"})
	if err != nil {
		panic(err)
	}
	b, err := repos.Bridge.Create(ctx, acct.Bridge{Name: "edge", Port: 8443})
	if err != nil {
		panic(err)
	}
	p, err := repos.Pager.Create(ctx, acct.Pager{Token: "tok-5678"})
	if err != nil {
		panic(err)
	}
	json.NewEncoder(os.Stdout).Encode([]string{m.ID, b.ID, p.ID})
}
`

// readV2 reads both secrets with the code generated from typesV2, then
// converts the Bridge with the migrate helper, and prints what it saw.
const readV2 = `package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"

	"example.com/e2e/generated"
	"github.com/secretgen/secretgen/runtime/kind"
	"github.com/secretgen/secretgen/runtime/migrate"
	"github.com/secretgen/secretgen/runtime/keyring"
	"github.com/secretgen/secretgen/runtime/store"
)

type report struct {
	Mailbox        any
	BridgeError    string
	BridgeKey      string
	Raw            string
	Migrated       any
	AfterUpdate    any
	Versions       int
	KeptRaw        string
	PagerKnown     bool
	PagerRaw       string
}

func main() {
	ctx := context.Background()
	kr, err := keyring.FromFile(os.Args[2], keyring.FileOptions{Create: true})
	if err != nil {
		panic(err)
	}
	st, err := store.Open(ctx, store.Config{DSN: os.Args[1], Keyring: kr})
	must(err)
	repos := generated.NewRepositories(st)
	mailboxID, bridgeID, pagerID := os.Args[3], os.Args[4], os.Args[5]
	var r report

	m, err := repos.Mailbox.Get(ctx, mailboxID)
	must(err)
	r.Mailbox = m.Credentials

	_, err = repos.Bridge.Get(ctx, bridgeID)
	if err != nil {
		r.BridgeError = err.Error()
	}
	var de *kind.DecodeError
	if errors.As(err, &de) {
		r.BridgeKey = de.Key
	}

	raw, err := st.GetVersion(ctx, bridgeID, 1)
	must(err)
	r.Raw = string(raw.Payload)
	fixed, err := migrate.Convert(raw.Payload, "Port", migrate.StringFromNumber)
	must(err)
	b, err := generated.DecodeBridge(fixed, false)
	must(err)
	r.Migrated = b

	_, err = repos.Bridge.Update(ctx, bridgeID, raw.Version, b)
	must(err)
	after, err := repos.Bridge.Get(ctx, bridgeID)
	must(err)
	r.AfterUpdate = after.Credentials
	history, err := st.History(ctx, bridgeID)
	must(err)
	r.Versions = len(history)
	kept, err := st.GetVersion(ctx, bridgeID, 1)
	must(err)
	r.KeptRaw = string(kept.Payload)

	_, r.PagerKnown = generated.Registry().Lookup("Pager")
	pager, err := st.Get(ctx, "Pager", pagerID)
	must(err)
	r.PagerRaw = string(pager.Payload)

	json.NewEncoder(os.Stdout).Encode(r)
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}
`

// TestStoredSecretsOutliveAChangeOfTheirType stores secrets of a type,
// changes the type, and reads them back: an added field reads as its zero
// value, a renamed field reads the value stored under its former key, and
// a retyped field fails with an error naming the field and why, while the
// raw version stays in the store and the migrate helper converts it; the
// secrets of a removed type stay stored as they were. The breaking check,
// run between the two versions, names each change.
func TestStoredSecretsOutliveAChangeOfTheirType(t *testing.T) {
	if testing.Short() {
		t.Skip("builds programs in a temporary module")
	}
	t.Run("sqlite", func(t *testing.T) {
		outliveAChange(t, filepath.Join(t.TempDir(), "secrets.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		outliveAChange(t, testenv.Postgres(t))
	})
}

// outliveAChange runs the programs on the database db, with a master key
// file of their own.
func outliveAChange(t *testing.T, db string) {
	m := newModule(t)
	key := filepath.Join(t.TempDir(), "master.key")

	m.write("acct/acct.go", typesV1)
	m.generate()
	m.git("init", "-q")
	m.git("add", ".")
	m.git("commit", "-qm", "v1")
	m.write("app/main.go", storeV1)
	var ids []string
	if err := json.Unmarshal(m.run(db, key), &ids); err != nil || len(ids) != 3 {
		t.Fatalf("store program printed ids %v: %v", ids, err)
	}

	m.write("acct/acct.go", typesV2)
	m.checkBreaking()
	m.generate()
	m.write("app/main.go", readV2)
	var got struct {
		Mailbox                map[string]string
		BridgeError, BridgeKey string
		Raw, KeptRaw           string
		Migrated, AfterUpdate  map[string]string
		Versions               int
		PagerKnown             bool
		PagerRaw               string
	}
	if err := json.Unmarshal(m.run(append([]string{db, key}, ids...)...), &got); err != nil {
		t.Fatal(err)
	}

	want := map[string]string{"Name": "team", "Host": "imap.example.com", "Password": "pw-1234", "Folder": ""}
	for k, v := range want {
		if got.Mailbox[k] != v {
			t.Errorf("Mailbox.%s read as %q, want %q", k, got.Mailbox[k], v)
		}
	}

	if got.BridgeKey != "Port" || !strings.Contains(got.BridgeError, `key "Port": want a string`) {
		t.Errorf("reading the retyped Bridge: error %q (key %q), want one naming Port and why", got.BridgeError, got.BridgeKey)
	}
	if strings.Contains(got.BridgeError, "8443") {
		t.Errorf("error %q shows the stored value", got.BridgeError)
	}
	if got.Raw != `{"Name":"edge","Port":8443}` {
		t.Errorf("raw version 1 = %s, want the payload as stored", got.Raw)
	}
	if got.Migrated["Port"] != "8443" || got.AfterUpdate["Port"] != "8443" {
		t.Errorf("migrated Port = %q, after update %q; want \"8443\"", got.Migrated["Port"], got.AfterUpdate["Port"])
	}
	if got.Versions != 2 || got.KeptRaw != got.Raw {
		t.Errorf("history holds %d versions, version 1 = %s; want 2 with the raw version kept", got.Versions, got.KeptRaw)
	}

	if got.PagerKnown || got.PagerRaw != `{"Token":"tok-5678"}` {
		t.Errorf("removed type: registry knows Pager %v, stored payload %s; want unknown and kept", got.PagerKnown, got.PagerRaw)
	}
}

// isolated is the environment of everything run in the module: the
// module cache only, no workspace, no user's git configuration.
var isolated = []string{
	"GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off",
	"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
	"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
	"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com",
}

// module is a temporary Go module whose secretgen dependency is this
// repository.
type module struct {
	t   *testing.T
	dir string
	env []string
}

func newModule(t *testing.T) *module {
	root := moduleRoot(t)
	m := &module{t: t, dir: t.TempDir()}
	m.env = append(os.Environ(), isolated...)

	m.write("go.mod", "module example.com/e2e\n\ngo 1.26.0\n\n"+
		"require github.com/secretgen/secretgen v0.0.0-00010101000000-000000000000\n\n"+
		"replace github.com/secretgen/secretgen => "+root+"\n")
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	m.write("go.sum", string(sum))
	return m
}

func (m *module) write(name, data string) {
	m.t.Helper()
	path := filepath.Join(m.dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		m.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		m.t.Fatal(err)
	}
}

// generate runs the generator on ./acct into ./generated.
func (m *module) generate() {
	m.t.Helper()
	out, ds, err := gen.Generate(gen.Config{
		Dir:  m.dir,
		Out:  filepath.Join(m.dir, "generated"),
		Docs: filepath.Join(m.dir, "docs", "types.md"),
	}, "./acct")
	if err != nil || len(ds) > 0 {
		m.t.Fatalf("generate: %v %v", err, ds)
	}
	if _, _, err := out.Write(); err != nil {
		m.t.Fatal(err)
	}
}

func (m *module) git(args ...string) {
	m.t.Helper()
	m.command("git", args...)
}

// run runs ./app with args and returns what it printed.
func (m *module) run(args ...string) []byte {
	m.t.Helper()
	return m.command("go", append([]string{"run", "./app"}, args...)...)
}

func (m *module) command(name string, args ...string) []byte {
	m.t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = m.dir, m.env
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		m.t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, &stderr)
	}
	return stdout.Bytes()
}

// checkBreaking runs the check in the module against its last commit.
func (m *module) checkBreaking() {
	m.t.Helper()
	m.t.Chdir(m.dir)
	for _, kv := range isolated {
		k, v, _ := strings.Cut(kv, "=")
		m.t.Setenv(k, v)
	}

	var stdout, stderr bytes.Buffer
	code := Run([]string{"-against", "HEAD", "./acct"}, &stdout, &stderr)
	m.t.Logf("secretgen breaking -against HEAD ./acct:\n%s", &stdout)
	if code != 1 {
		m.t.Errorf("exit code %d, want 1; stderr:\n%s", code, &stderr)
	}
	for _, want := range []string{
		"acct/acct.go:21:2: Bridge.Port: field retyped: integer (int) to string (string)",
		`acct/acct.go:14:2: Mailbox.Host: json key renamed: from "Server"`,
		"acct/acct.go:16:2: Mailbox.Folder: field added",
		"HEAD:generated/schemas/Pager.schema.json: Pager: type removed: secrets stored as Pager no longer find their type (breaks stored data)",
		"3 breaking changes (stored data: 2, API clients: 1)",
	} {
		if !strings.Contains(stdout.String(), want) {
			m.t.Errorf("report lacks %q:\n%s", want, &stdout)
		}
	}
}
