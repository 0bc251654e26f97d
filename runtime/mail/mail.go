// Package mail sends e-mail through the SMTP server stored as a secret.
//
// The Mailer looks the secret up at every send, so a changed or re-shared
// server takes effect at once:
//
//	m := mail.New(func(ctx context.Context) (secret.SMTP, error) {
//		// e.g. Match the SMTP secret shared with group system
//	})
//	err := m.Send(ctx, mail.Message{
//		To:      []string{"bob@example.com"},
//		Subject: "Welcome",
//		Body:    "Hello Bob.",
//	})
//
// Send connects to Host:Port, switches to TLS with STARTTLS when the
// server offers it (port 465 speaks TLS from the start), logs in with AUTH
// PLAIN when the secret has a username, and sends the message from the
// secret's SenderAddress, else its Username. The password is sent only
// over TLS or to a loopback host, and never appears in an error.
package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/secretgen/secretgen/secret"
)

// Lookup returns the SMTP server to send through. The Mailer calls it at
// every send.
type Lookup func(ctx context.Context) (secret.SMTP, error)

// Message is one plain-text e-mail.
type Message struct {
	To      []string // addresses, "bob@example.com" or "Bob <bob@example.com>"
	Subject string
	Body    string
}

// ErrAuth is matched by the error of a send that the server refused to
// log in, as with a wrong password.
var ErrAuth = errors.New("authentication failed")

// Mailer sends messages through the SMTP server that its Lookup returns.
type Mailer struct {
	lookup  Lookup
	tls     *tls.Config
	timeout time.Duration
	log     *slog.Logger
}

// Option configures a Mailer.
type Option func(*Mailer)

// WithTLSConfig sets the TLS configuration for STARTTLS and port 465, for
// example to trust a test server's certificate. Its ServerName defaults
// to the secret's Host. A nil c keeps the default: the system's roots.
func WithTLSConfig(c *tls.Config) Option {
	return func(m *Mailer) {
		if c != nil {
			m.tls = c
		}
	}
}

// WithTimeout bounds one whole send, connecting included. The default is
// 30 seconds.
func WithTimeout(d time.Duration) Option {
	return func(m *Mailer) { m.timeout = d }
}

// WithLogger logs one line per message sent. By default nothing is logged.
func WithLogger(l *slog.Logger) Option {
	return func(m *Mailer) { m.log = l }
}

// New returns a Mailer that sends through the server lookup returns.
func New(lookup Lookup, opts ...Option) *Mailer {
	m := &Mailer{
		lookup:  lookup,
		tls:     &tls.Config{},
		timeout: 30 * time.Second,
		log:     slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	for _, o := range opts {
		o(m)
	}
	return m
}

// Send delivers msg. Errors name the server's host and port; header
// injection (a line break in an address or the subject) is refused before
// anything is sent.
func (m *Mailer) Send(ctx context.Context, msg Message) error {
	srv, err := m.lookup(ctx)
	if err != nil {
		return fmt.Errorf("mail: look up the SMTP server: %w", err)
	}
	if err := checkServer(srv); err != nil {
		return fmt.Errorf("mail: SMTP secret %q: %w", srv.Name, err)
	}

	addr := net.JoinHostPort(srv.Host, strconv.Itoa(srv.Port))
	env, err := compose(sender(srv), msg, time.Now())
	if err != nil {
		return fmt.Errorf("mail: via %s: %w", addr, err)
	}

	if err := m.deliver(ctx, srv, addr, env); err != nil {
		return fmt.Errorf("mail: smtp %s: %w", addr, redact(err, srv.Password))
	}
	m.log.Info("mail sent", "smtp", addr, "recipients", len(env.to))
	return nil
}

func checkServer(srv secret.SMTP) error {
	switch {
	case srv.Host == "":
		return errors.New("no host")
	case srv.Port < 1 || srv.Port > 65535:
		return fmt.Errorf("port %d is outside 1-65535", srv.Port)
	}
	return nil
}

func sender(srv secret.SMTP) string {
	if srv.SenderAddress != "" {
		return srv.SenderAddress
	}
	return srv.Username
}

// deliver runs one SMTP session. Cancelling ctx, or the timeout running
// out, closes the connection and so ends any command in flight.
func (m *Mailer) deliver(ctx context.Context, srv secret.SMTP, addr string, env envelope) error {
	ctx, cancel := context.WithTimeout(ctx, m.timeout)
	defer cancel()

	c, err := m.connect(ctx, srv, addr)
	if err != nil {
		return err
	}
	defer c.Close()
	c.CommandTimeout = m.timeout
	c.SubmissionTimeout = m.timeout

	if err := m.login(c, srv); err != nil {
		return err
	}
	if err := c.SendMail(env.from, env.to, strings.NewReader(env.data)); err != nil {
		return fmt.Errorf("send: %w", err)
	}
	c.Quit() // the server has taken the message; a failed goodbye loses nothing
	return nil
}

// connect opens a session, over TLS whenever the server can speak it.
// STARTTLS is tried first; only when a second look shows that the server
// does not offer it does the session stay in clear.
func (m *Mailer) connect(ctx context.Context, srv secret.SMTP, addr string) (*smtp.Client, error) {
	cfg := m.tls.Clone()
	if cfg.ServerName == "" {
		cfg.ServerName = srv.Host
	}

	conn, err := m.dial(ctx, addr)
	if err != nil {
		return nil, err
	}
	if srv.Port == 465 {
		return hello(smtp.NewClient(tls.Client(conn, cfg)))
	}
	c, tlsErr := smtp.NewClientStartTLS(conn, cfg)
	if tlsErr == nil {
		// The handshake runs with the first command after STARTTLS.
		c, tlsErr = hello(c)
	}
	if tlsErr == nil {
		return c, nil
	}

	return m.connectClear(ctx, addr, tlsErr)
}

// hello greets the server, which completes a pending TLS handshake.
func hello(c *smtp.Client) (*smtp.Client, error) {
	if err := c.Hello("localhost"); err != nil {
		c.Close()
		return nil, fmt.Errorf("hello: %w", err)
	}
	return c, nil
}

// connectClear opens a session in clear after STARTTLS failed with
// tlsErr, unless the server does offer STARTTLS: then the failure was
// TLS itself (an untrusted certificate, say) and is returned.
func (m *Mailer) connectClear(ctx context.Context, addr string, tlsErr error) (*smtp.Client, error) {
	conn, err := m.dial(ctx, addr)
	if err != nil {
		return nil, err
	}

	c, err := hello(smtp.NewClient(conn))
	if err != nil {
		return nil, err
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		c.Close()
		return nil, fmt.Errorf("starttls: %w", tlsErr)
	}
	return c, nil
}

func (m *Mailer) dial(ctx context.Context, addr string) (net.Conn, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	context.AfterFunc(ctx, func() { conn.Close() })
	return conn, nil
}

// login authenticates with AUTH PLAIN when the secret has a username.
func (m *Mailer) login(c *smtp.Client, srv secret.SMTP) error {
	if srv.Username == "" {
		return nil
	}

	if _, secure := c.TLSConnectionState(); !secure && !loopback(srv.Host) {
		return fmt.Errorf("server offers no STARTTLS: refusing to send the password of %q in clear", srv.Username)
	}
	if ok, _ := c.Extension("AUTH"); !ok || !c.SupportsAuth(sasl.Plain) {
		return fmt.Errorf("server offers no AUTH PLAIN to log in as %q", srv.Username)
	}

	err := c.Auth(sasl.NewPlainClient("", srv.Username, srv.Password))
	var smtpErr *smtp.SMTPError
	if errors.As(err, &smtpErr) && smtpErr.Code == 535 {
		err = fmt.Errorf("%w: %w", ErrAuth, err)
	}
	if err != nil {
		return fmt.Errorf("log in as %q: %w", srv.Username, err)
	}
	return nil
}

// loopback reports whether host is this machine, where a password in
// clear does not cross a network.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// redactedError hides a password that a server or library might echo.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

func redact(err error, password string) error {
	if password == "" || !strings.Contains(err.Error(), password) {
		return err
	}
	return &redactedError{
		msg: strings.ReplaceAll(err.Error(), password, "[password]"),
		err: err,
	}
}
