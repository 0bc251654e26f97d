package mail_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"testing"

	"github.com/secretgen/secretgen/runtime/kind"
	"github.com/secretgen/secretgen/runtime/mail"
	"github.com/secretgen/secretgen/secret"
)

const canary = "CANARY-7f3a"

// smtpSecret is the secret a test server accepts.
func smtpSecret(ts *testServer) secret.SMTP {
	return secret.SMTP{
		Name:          "test server",
		Host:          "127.0.0.1",
		Port:          ts.port,
		Username:      "alice@example.com",
		Password:      ts.password,
		SenderAddress: "noreply@example.com",
	}
}

// fixed is a lookup that always returns s.
func fixed(s secret.SMTP) mail.Lookup {
	return func(context.Context) (secret.SMTP, error) { return s, nil }
}

// trusting makes a Mailer that trusts the test server's certificate.
func trusting(ts *testServer, lookup mail.Lookup) *mail.Mailer {
	return mail.New(lookup, mail.WithTLSConfig(&tls.Config{RootCAs: ts.roots}))
}

func TestSendDeliversOverSTARTTLSWithTheStoredPassword(t *testing.T) {
	ts := startServer(t, canary+"-password", startTLS)
	m := trusting(ts, fixed(smtpSecret(ts)))

	msg := mail.Message{
		To:      []string{"Bob <bob@example.com>", "carol@example.com"},
		Subject: "Grüße from secretgen",
		Body:    "Hello Bob,\n.\na line with a lone dot above.\n",
	}
	if err := m.Send(context.Background(), msg); err != nil {
		t.Fatalf("Send: %v", err)
	}

	_, logins, mails := ts.snapshot()
	if len(logins) != 1 || logins[0] != (login{"alice@example.com", canary + "-password"}) {
		t.Errorf("server saw logins %+v, want one as alice@example.com with the stored password", logins)
	}
	if len(mails) != 1 {
		t.Fatalf("server received %d messages, want 1", len(mails))
	}
	got := mails[0]
	if !got.tls {
		t.Error("the message travelled in clear although the server offers STARTTLS")
	}
	if got.from != "noreply@example.com" || strings.Join(got.to, ",") != "bob@example.com,carol@example.com" {
		t.Errorf("envelope from %q to %q, want noreply@example.com to bob and carol", got.from, got.to)
	}

	parsed := parseMessage(t, got.data)
	for header, want := range map[string]string{
		"From":    "<noreply@example.com>",
		"To":      `"Bob" <bob@example.com>, <carol@example.com>`,
		"Subject": msg.Subject,
	} {
		if parsed.header[header] != want {
			t.Errorf("header %s = %q, want %q", header, parsed.header[header], want)
		}
	}
	if want := strings.ReplaceAll(msg.Body, "\n", "\r\n"); parsed.body != want {
		t.Errorf("body = %q, want %q", parsed.body, want)
	}
}

type parsedMessage struct {
	header map[string]string
	body   string
}

// parseMessage reads what the server received as a mail reader would.
func parseMessage(t *testing.T, data string) parsedMessage {
	t.Helper()
	m, err := netmail.ReadMessage(strings.NewReader(data))
	if err != nil {
		t.Fatalf("received message does not parse: %v\n%s", err, data)
	}

	p := parsedMessage{header: map[string]string{}}
	var dec mime.WordDecoder
	for _, h := range []string{"From", "To", "Subject"} {
		if p.header[h], err = dec.DecodeHeader(m.Header.Get(h)); err != nil {
			t.Fatalf("header %s: %v", h, err)
		}
	}
	body, err := io.ReadAll(quotedprintable.NewReader(m.Body))
	if err != nil {
		t.Fatalf("body: %v", err)
	}
	p.body = string(body)
	return p
}

func TestSendOverImplicitTLSOnPort465(t *testing.T) {
	ts := startServer(t, canary, implicitTLS)

	err := trusting(ts, fixed(smtpSecret(ts))).Send(context.Background(), mail.Message{To: []string{"bob@example.com"}})
	if err != nil {
		t.Fatalf("Send: %v", err)
	}

	_, logins, mails := ts.snapshot()
	if len(mails) != 1 || !mails[0].tls || len(logins) != 1 || logins[0].password != canary {
		t.Errorf("server saw logins %+v and messages %+v, want one login and one message over TLS", logins, mails)
	}
}

func TestSendInClearToLoopbackServerWithoutTLS(t *testing.T) {
	ts := startServer(t, "pw-"+canary, inClear)

	cases := []struct {
		name     string
		edit     func(*secret.SMTP)
		wantFrom string
		logins   int
	}{
		{"sender address", func(*secret.SMTP) {}, "noreply@example.com", 1},
		{"username as sender", func(s *secret.SMTP) { s.SenderAddress = "" }, "alice@example.com", 1},
		{"no login", func(s *secret.SMTP) { s.Username, s.Password = "", "" }, "noreply@example.com", 0},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := smtpSecret(ts)
			c.edit(&s)
			_, before, _ := ts.snapshot()

			err := mail.New(fixed(s)).Send(context.Background(), mail.Message{To: []string{"bob@example.com"}, Subject: "hi"})
			if err != nil {
				t.Fatalf("Send: %v", err)
			}

			_, logins, mails := ts.snapshot()
			if len(mails) != i+1 || mails[i].from != c.wantFrom || mails[i].tls {
				t.Fatalf("received %+v, want message %d from %s in clear", mails, i+1, c.wantFrom)
			}
			if n := len(logins) - len(before); n != c.logins {
				t.Errorf("%d logins, want %d", n, c.logins)
			}
		})
	}
}

func TestSendWithWrongPasswordSaysSoWithoutThePassword(t *testing.T) {
	ts := startServer(t, "the right one", startTLS)
	s := smtpSecret(ts)
	s.Password = canary + "-wrong"

	err := trusting(ts, fixed(s)).Send(context.Background(), mail.Message{To: []string{"bob@example.com"}})

	if !errors.Is(err, mail.ErrAuth) {
		t.Fatalf("Send = %v, want an error matching mail.ErrAuth", err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", ts.port)
	for _, want := range []string{addr, `log in as "alice@example.com"`, "authentication failed"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if strings.Contains(err.Error(), canary) {
		t.Errorf("error %q holds the password", err)
	}
	if _, _, mails := ts.snapshot(); len(mails) != 0 {
		t.Errorf("server received %d messages after a failed login", len(mails))
	}
}

func TestSendPropagatesTheLookupError(t *testing.T) {
	notFound := fmt.Errorf("match SMTP in group system: %w", kind.ErrNotFound)
	m := mail.New(func(context.Context) (secret.SMTP, error) { return secret.SMTP{}, notFound })

	err := m.Send(context.Background(), mail.Message{To: []string{"bob@example.com"}})

	if !errors.Is(err, kind.ErrNotFound) || !strings.Contains(err.Error(), "group system") {
		t.Errorf("Send = %v, want the lookup's not-found error", err)
	}
}

func TestSendLooksTheSecretUpAtEverySend(t *testing.T) {
	first := startServer(t, "one", inClear)
	second := startServer(t, "two", inClear)
	current := smtpSecret(first)
	m := mail.New(func(context.Context) (secret.SMTP, error) { return current, nil })
	msg := mail.Message{To: []string{"bob@example.com"}}

	if err := m.Send(context.Background(), msg); err != nil {
		t.Fatalf("Send through first: %v", err)
	}
	current = smtpSecret(second)
	if err := m.Send(context.Background(), msg); err != nil {
		t.Fatalf("Send through second: %v", err)
	}

	_, _, one := first.snapshot()
	_, logins, two := second.snapshot()
	if len(one) != 1 || len(two) != 1 {
		t.Errorf("first server got %d, second %d messages; want one each", len(one), len(two))
	}
	if len(logins) != 1 || logins[0].password != "two" {
		t.Errorf("second server saw logins %+v, want the changed password", logins)
	}
}

func TestSendRefusesHeaderInjectionBeforeConnecting(t *testing.T) {
	ts := startServer(t, "pw", inClear)
	ok := mail.Message{To: []string{"bob@example.com"}, Subject: "hello"}

	cases := []struct {
		name string
		edit func(*secret.SMTP, *mail.Message)
		says string
	}{
		{"subject with CRLF", func(_ *secret.SMTP, m *mail.Message) { m.Subject = "hi\r\nBcc: eve@example.com" },
			"subject has a line break at byte 2"},
		{"subject with LF", func(_ *secret.SMTP, m *mail.Message) { m.Subject = "hi\nX-Evil: 1" },
			"subject has a line break"},
		{"recipient with CRLF", func(_ *secret.SMTP, m *mail.Message) { m.To = []string{"bob@example.com\r\nBcc: eve@example.com"} },
			"recipient 1"},
		{"sender with LF", func(s *secret.SMTP, _ *mail.Message) { s.SenderAddress = "a@example.com\nBcc: eve@example.com" },
			"sender address"},
		{"no recipient", func(_ *secret.SMTP, m *mail.Message) { m.To = nil }, "no recipient"},
		{"bad recipient", func(_ *secret.SMTP, m *mail.Message) { m.To = []string{"bob@example.com", "not an address"} },
			`recipient 2 "not an address"`},
		{"username is no address", func(s *secret.SMTP, _ *mail.Message) { s.SenderAddress, s.Username = "", "apikey" },
			`sender address "apikey"`},
		{"port out of range", func(s *secret.SMTP, _ *mail.Message) { s.Port = 70000 }, "port 70000 is outside 1-65535"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, msg := smtpSecret(ts), ok
			c.edit(&s, &msg)

			err := mail.New(fixed(s)).Send(context.Background(), msg)

			if err == nil || !strings.Contains(err.Error(), c.says) {
				t.Errorf("Send = %v, want an error saying %q", err, c.says)
			}
		})
	}
	if sessions, _, _ := ts.snapshot(); sessions != 0 {
		t.Errorf("server saw %d sessions; refused messages must not connect", sessions)
	}
}

func TestSendDoesNotFallBackToClearWhenTLSFails(t *testing.T) {
	ts := startServer(t, canary, startTLS)
	untrusting := mail.New(fixed(smtpSecret(ts))) // the system roots do not know the test CA

	err := untrusting.Send(context.Background(), mail.Message{To: []string{"bob@example.com"}})

	if err == nil || !strings.Contains(err.Error(), "starttls") || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("Send = %v, want a STARTTLS certificate error", err)
	}
	if _, logins, mails := ts.snapshot(); len(logins) != 0 || len(mails) != 0 {
		t.Errorf("after a failed handshake the server saw %d logins and %d messages", len(logins), len(mails))
	}
}

func TestSendStopsWhenTheContextEnds(t *testing.T) {
	ts := startServer(t, "pw", inClear)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	err := mail.New(fixed(smtpSecret(ts))).Send(ctx, mail.Message{To: []string{"bob@example.com"}})

	if !errors.Is(err, context.Canceled) {
		t.Errorf("Send with a cancelled context = %v, want context.Canceled", err)
	}
}
