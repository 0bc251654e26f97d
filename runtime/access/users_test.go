package access_test

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/secretgen/secretgen/runtime/access"
	"github.com/secretgen/secretgen/runtime/kind"
	"github.com/secretgen/secretgen/runtime/mail"
	"github.com/secretgen/secretgen/secret"
)

func TestAliceDeletedWhileSoleOwnerOfSystemSMTPIsRefusedOrTransferredAndMailKeepsWorking(t *testing.T) {
	const password = "stored-smtp-password"
	tests := []struct {
		name     string
		transfer bool
	}{
		{"refused with the list", false},
		{"transferred to bob", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := sqliteWorld(t)
			server := startSMTP(t)
			postmaster := w.user(t, "postmaster")
			w.join(t, w.alice, w.system)
			w.join(t, postmaster, w.system)
			relay := w.smtpAt(t, w.alice, "relay", server.port, password)
			mailer := mail.New(func(ctx context.Context) (secret.SMTP, error) {
				return access.MatchCredentials[secret.SMTP](ctx, w.svc, postmaster,
					access.MatchQuery{Group: w.system, Expect: true})
			})

			w.dir.BeforeDeleteUser = w.svc.RefuseSoleOwner
			if tt.transfer {
				w.dir.BeforeDeleteUser = w.svc.TransferOnDelete(postmaster.UserID, w.bob.UserID)
			}
			err := w.dir.DeleteUser(w.ctx, w.alice.UserID)

			var sole *access.SoleOwnerError
			switch {
			case tt.transfer && err != nil:
				t.Fatalf("DeleteUser with a transfer to bob: %v", err)
			case !tt.transfer && !errors.As(err, &sole):
				t.Fatalf("DeleteUser of the sole owner: err = %v, want a SoleOwnerError", err)
			case !tt.transfer:
				want := []access.Candidate{{ID: relay.ID, Name: "relay"}}
				if len(sole.Secrets) != 1 || sole.Secrets[0] != want[0] || !strings.Contains(err.Error(), relay.ID) {
					t.Errorf("refusal lists %v (%v), want %v", sole.Secrets, err, want)
				}
				if _, err := w.dir.User(w.ctx, w.alice.UserID); err != nil {
					t.Errorf("alice after the refusal: %v", err)
				}
			}

			owner := w.alice
			if tt.transfer {
				owner = w.bob
			}
			got, err := w.svc.Get(w.ctx, owner, relay.ID)
			if err != nil || got.Role != access.Owner {
				t.Errorf("Get by the owner = role %q, %v; want owner", got.Role, err)
			}
			if tt.transfer && count(w.audit(t, w.bob, relay.ID), access.ActionTransferred, access.Allowed) != 1 {
				t.Errorf("the transfer is not audited")
			}

			err = mailer.Send(w.ctx, mail.Message{To: []string{"bob@example.com"}, Subject: "still here", Body: "mail keeps working"})
			if err != nil {
				t.Fatalf("send after deleting alice: %v", err)
			}
			logins, mails := server.received()
			if len(mails) != 1 || !strings.Contains(mails[0], "mail keeps working") {
				t.Errorf("server received %q, want the message", mails)
			}
			if len(logins) != 1 || logins[0] != "mailer:"+password {
				t.Errorf("AUTH PLAIN saw %q, want the stored user and password", logins)
			}
		})
	}
}

func TestDeletingAUserWhoSharesWithOthersLeavesNoSecretOwnerless(t *testing.T) {
	w := sqliteWorld(t)
	w.join(t, w.alice, w.system)
	relay := w.smtp(t, w.alice, "relay", "pw")
	if err := w.svc.Share(w.ctx, w.alice, relay.ID, w.bob.UserID, access.Owner); err != nil {
		t.Fatal(err)
	}
	w.dir.BeforeDeleteUser = w.svc.RefuseSoleOwner

	if err := w.dir.DeleteUser(w.ctx, w.alice.UserID); err != nil {
		t.Fatalf("deleting a co-owner: %v", err)
	}

	got, err := w.svc.Get(w.ctx, w.bob, relay.ID)
	if err != nil || len(got.Users) != 1 || got.Users[0].UserID != w.bob.UserID {
		t.Errorf("shares after deleting alice = %v, %v; want bob alone", got.Users, err)
	}
	inSystem, err := w.svc.GroupSecrets(w.ctx, w.bob, w.system, "SMTP")
	if err == nil {
		t.Errorf("bob is not in system, yet GroupSecrets gave %d secrets", len(inSystem))
	}
	if err := w.svc.Unshare(w.ctx, w.bob, relay.ID, w.bob.UserID); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("the last owner unsharing himself: err = %v, want ErrForbidden", err)
	}
	if _, err := w.svc.Get(w.ctx, w.alice, relay.ID); !errors.Is(err, access.ErrForbidden) && !errors.Is(err, kind.ErrNotFound) {
		t.Errorf("deleted alice still reads the secret: %v", err)
	}
}

// smtpAt creates an SMTP secret pointing at a server on 127.0.0.1.
func (w *world) smtpAt(t *testing.T, sub access.Subject, name string, port int, password string) access.Secret {
	t.Helper()
	payload := withField(t, withField(t, []byte(`{"Name":"`+name+`","Host":"127.0.0.1","Username":"mailer","SenderAddress":"noreply@example.com"}`),
		"Port", port), "Password", password)
	sec, err := w.svc.Create(w.ctx, sub, "SMTP", payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	return sec
}

// smtpServer is a go-smtp server on a free loopback port that records the
// logins and messages it gets.
type smtpServer struct {
	port   int
	mu     sync.Mutex
	logins []string // "user:password"
	mails  []string
}

func startSMTP(t *testing.T) *smtpServer {
	t.Helper()
	rec := &smtpServer{}
	srv := smtp.NewServer(rec)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true // loopback only
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rec.port = l.Addr().(*net.TCPAddr).Port
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return rec
}

func (r *smtpServer) received() (logins, mails []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.logins...), append([]string(nil), r.mails...)
}

func (r *smtpServer) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &smtpSession{server: r}, nil
}

type smtpSession struct{ server *smtpServer }

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, password string) error {
		s.server.mu.Lock()
		defer s.server.mu.Unlock()
		s.server.logins = append(s.server.logins, user+":"+password)
		return nil
	}), nil
}

func (s *smtpSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *smtpSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *smtpSession) Reset()                               {}
func (s *smtpSession) Logout() error                        { return nil }

func (s *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.server.mu.Lock()
	defer s.server.mu.Unlock()
	s.server.mails = append(s.server.mails, string(b))
	return nil
}

func TestAPurgedSecretDoesNotHoldUpDeletingItsOwner(t *testing.T) {
	w := sqliteWorld(t)
	w.join(t, w.alice, w.system)
	relay := w.smtp(t, w.alice, "relay", "pw")
	if err := w.store.Purge(w.ctx, relay.ID); err != nil {
		t.Fatal(err)
	}
	w.dir.BeforeDeleteUser = w.svc.RefuseSoleOwner

	if err := w.dir.DeleteUser(w.ctx, w.alice.UserID); err != nil {
		t.Errorf("deleting alice, whose only secret was purged: %v", err)
	}
}
