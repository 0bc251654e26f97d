package configurator_test

import (
	"context"
	"encoding/hex"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/secretgen/secretgen/configurator"
	"github.com/secretgen/secretgen/generated"
	"github.com/secretgen/secretgen/runtime/access"
	"github.com/secretgen/secretgen/runtime/mail"
	"github.com/secretgen/secretgen/std"
)

func newConfigurator(t *testing.T, opts configurator.Options) *configurator.Configurator {
	t.Helper()
	if opts.DataDir == "" {
		opts.DataDir = filepath.Join(t.TempDir(), "data")
	}
	cfg := configurator.New(opts)
	t.Cleanup(func() { cfg.Close() })
	return cfg
}

func TestSecretManagementEnablesUserAndGroupManagement(t *testing.T) {
	cfg := newConfigurator(t, configurator.Options{})
	if cfg.UserManagementActive() || cfg.GroupManagementActive() {
		t.Fatal("a new configurator has user or group management active")
	}

	sm := std.Must(cfg.SecretManagement())

	if !cfg.UserManagementActive() || !cfg.GroupManagementActive() {
		t.Fatal("SecretManagement left user or group management inactive")
	}
	if again := std.Must(cfg.SecretManagement()); again != sm {
		t.Error("a second SecretManagement built a second system")
	}
	if dir := std.Must(cfg.GroupManagement()); dir != sm.Directory {
		t.Error("GroupManagement after SecretManagement returns another directory")
	}
}

func TestUserManagementIsIdempotentAndLeavesGroupsOff(t *testing.T) {
	cfg := newConfigurator(t, configurator.Options{})

	first := std.Must(cfg.UserManagement())
	second := std.Must(cfg.UserManagement())

	if first != second {
		t.Error("a second UserManagement opened a second directory")
	}
	if cfg.GroupManagementActive() {
		t.Error("UserManagement enabled group management too")
	}
}

func TestSMTPIsRegisteredByDefault(t *testing.T) {
	tests := []struct {
		name     string
		registry bool
		want     []string
	}{
		{name: "no platform types", want: []string{"SMTP"}},
		{name: "with the generated types", registry: true, want: []string{"Jira", "SMTP"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := configurator.Options{}
			if tt.registry {
				opts.Registry = generated.Registry()
			}
			sm := std.Must(newConfigurator(t, opts).SecretManagement())

			if got := sm.Registry.Names(); !slices.Equal(got, tt.want) {
				t.Errorf("registered types %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDefaultKeyFileIsCreatedOwnerOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	std.Must(newConfigurator(t, configurator.Options{DataDir: dir}).SecretManagement())

	info, err := os.Stat(filepath.Join(dir, configurator.KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("key file mode %o, want 600", mode)
	}
}

func TestKeyFromEnvironmentWritesNoKeyFile(t *testing.T) {
	t.Setenv("CONFIGURATOR_TEST_KEY", hex.EncodeToString(make([]byte, 32)))
	dir := filepath.Join(t.TempDir(), "data")

	std.Must(newConfigurator(t, configurator.Options{
		DataDir: dir,
		Key:     configurator.KeySource{Env: "CONFIGURATOR_TEST_KEY"},
	}).SecretManagement())

	if _, err := os.Stat(filepath.Join(dir, configurator.KeyFile)); !os.IsNotExist(err) {
		t.Errorf("a key file exists although the key came from the environment (stat: %v)", err)
	}
}

func TestTwoKeySourcesAreRefused(t *testing.T) {
	cfg := newConfigurator(t, configurator.Options{
		Key: configurator.KeySource{Env: "SOME_KEY", Passphrase: []byte("correct horse")},
	})

	_, err := cfg.SecretManagement()
	if err == nil || !strings.Contains(err.Error(), "not both") {
		t.Fatalf("err = %v, want one that says to choose one key source", err)
	}
}

// TestMailerSendsThroughTheSMTPSecretOfGroupSystem stores an SMTP secret
// in group system and sends through the system's Mailer to a real SMTP
// server on loopback, which must see the stored password in AUTH.
func TestMailerSendsThroughTheSMTPSecretOfGroupSystem(t *testing.T) {
	ctx := context.Background()
	server := startSMTP(t, "CANARY-7f3a")
	sm := std.Must(newConfigurator(t, configurator.Options{}).SecretManagement())

	alice := std.Must(sm.Directory.CreateUser(ctx, "alice", "alice-password"))
	if err := sm.Directory.AddMember(ctx, sm.SystemGroup, alice.ID); err != nil {
		t.Fatal(err)
	}
	payload := `{"Name":"Mail","Host":"127.0.0.1","Port":` + server.port +
		`,"Username":"mailer","Password":"CANARY-7f3a","SenderAddress":"noreply@example.com"}`
	if _, err := sm.Access.Create(ctx, access.Subject{UserID: alice.ID}, "SMTP", []byte(payload), nil); err != nil {
		t.Fatal(err)
	}

	err := sm.Mailer.Send(ctx, mail.Message{To: []string{"bob@example.com"}, Subject: "Welcome", Body: "Hello Bob."})
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	server.mu.Lock()
	defer server.mu.Unlock()
	if server.password != "CANARY-7f3a" || server.username != "mailer" {
		t.Errorf("AUTH PLAIN as %q with the stored password: %v; want mailer with it", server.username, server.password == "CANARY-7f3a")
	}
	if !strings.Contains(server.data, "Subject: Welcome") || !slices.Equal(server.to, []string{"bob@example.com"}) {
		t.Errorf("the server received to %q:\n%s", server.to, server.data)
	}
}

// smtpServer is a real SMTP server on loopback that remembers the last
// login and message.
type smtpServer struct {
	port string

	mu                 sync.Mutex
	username, password string
	to                 []string
	data               string
}

func startSMTP(t *testing.T, password string) *smtpServer {
	t.Helper()
	ts := &smtpServer{}
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &smtpSession{ts: ts, password: password}, nil
	}))
	s.Domain = "localhost"
	s.AllowInsecureAuth = true // loopback only
	s.ReadTimeout, s.WriteTimeout = 10*time.Second, 10*time.Second

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, ts.port, _ = net.SplitHostPort(l.Addr().String())
	go s.Serve(l)
	t.Cleanup(func() { s.Close() })
	return ts
}

type smtpSession struct {
	ts       *smtpServer
	password string
}

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, username, password string) error {
		s.ts.mu.Lock()
		s.ts.username, s.ts.password = username, password
		s.ts.mu.Unlock()
		if password != s.password {
			return smtp.ErrAuthFailed
		}
		return nil
	}), nil
}

func (s *smtpSession) Mail(string, *smtp.MailOptions) error { return nil }

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.ts.mu.Lock()
	s.ts.to = append(s.ts.to, to)
	s.ts.mu.Unlock()
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	s.ts.mu.Lock()
	s.ts.data = string(b)
	s.ts.mu.Unlock()
	return err
}

func (s *smtpSession) Reset()        {}
func (s *smtpSession) Logout() error { return nil }

func TestPassphraseUnlocksTheKeyFileAndAWrongOneDoesNot(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	withPassphrase := func(p string) configurator.Options {
		return configurator.Options{DataDir: dir, Key: configurator.KeySource{Passphrase: []byte(p)}}
	}

	first := configurator.New(withPassphrase("correct horse battery staple"))
	sm := std.Must(first.SecretManagement())
	alice := std.Must(sm.Directory.CreateUser(ctx, "alice", "alice-password"))
	if err := sm.Directory.AddMember(ctx, sm.SystemGroup, alice.ID); err != nil {
		t.Fatal(err)
	}
	sub := access.Subject{UserID: alice.ID}
	sec := std.Must(sm.Access.Create(ctx, sub, "SMTP", []byte(`{"Name":"kept","Host":"127.0.0.1","Port":25}`), nil))
	first.Close()

	if _, err := newConfigurator(t, withPassphrase("wrong horse")).SecretManagement(); err == nil {
		t.Error("a wrong passphrase opened the keyring")
	}

	again := std.Must(newConfigurator(t, withPassphrase("correct horse battery staple")).SecretManagement())
	if _, err := again.Access.Reveal(ctx, sub, sec.ID); err != nil {
		t.Fatalf("the secret after reopening with the passphrase: %v", err)
	}
}
