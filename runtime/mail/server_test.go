package mail_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// testServer is a real go-smtp server on a free loopback port that keeps
// what it was told.
type testServer struct {
	port     int
	password string         // the one password AUTH PLAIN accepts
	roots    *x509.CertPool // trusts the server's certificate; nil without TLS

	mu       sync.Mutex
	sessions int
	logins   []login
	mails    []received
}

type login struct{ username, password string }

type received struct {
	from string
	to   []string
	data string
	tls  bool
}

// security is how a test server protects its sessions.
type security int

const (
	inClear     security = iota // no TLS; AUTH accepted in clear, as only loopback may
	startTLS                    // STARTTLS offered; AUTH only after it
	implicitTLS                 // TLS from the first byte, on port 465
)

// startServer serves SMTP on 127.0.0.1 until the test ends, on a free
// port, or on 465 for implicitTLS. Its certificate is made for the test.
func startServer(t *testing.T, password string, sec security) *testServer {
	t.Helper()
	ts := &testServer{password: password}

	s := smtp.NewServer(smtp.BackendFunc(ts.newSession))
	s.Domain = "localhost"
	s.ReadTimeout = 10 * time.Second
	s.WriteTimeout = 10 * time.Second
	s.ErrorLog = log.New(io.Discard, "", 0)
	s.AllowInsecureAuth = sec == inClear
	if sec != inClear {
		s.TLSConfig, ts.roots = testCertificate(t)
	}

	l := listen(t, sec, s.TLSConfig)
	ts.port = l.Addr().(*net.TCPAddr).Port
	go s.Serve(l)
	t.Cleanup(func() { s.Close() })
	return ts
}

func listen(t *testing.T, sec security, cfg *tls.Config) net.Listener {
	t.Helper()
	if sec == implicitTLS {
		l, err := tls.Listen("tcp", "127.0.0.1:465", cfg)
		if err != nil {
			t.Skipf("cannot listen on 127.0.0.1:465 for implicit TLS: %v", err)
		}
		return l
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	return l
}

func (ts *testServer) newSession(c *smtp.Conn) (smtp.Session, error) {
	ts.mu.Lock()
	ts.sessions++
	ts.mu.Unlock()
	return &session{ts: ts, conn: c}, nil
}

func (ts *testServer) snapshot() (sessions int, logins []login, mails []received) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.sessions, append([]login(nil), ts.logins...), append([]received(nil), ts.mails...)
}

type session struct {
	ts   *testServer
	conn *smtp.Conn
	cur  received
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		s.ts.mu.Lock()
		s.ts.logins = append(s.ts.logins, login{username, password})
		s.ts.mu.Unlock()
		if password != s.ts.password {
			return smtp.ErrAuthFailed
		}
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.cur = received{from: from}
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.to = append(s.cur.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.data = string(b)
	_, s.cur.tls = s.conn.TLSConnectionState()

	s.ts.mu.Lock()
	s.ts.mails = append(s.ts.mails, s.cur)
	s.ts.mu.Unlock()
	return nil
}

func (s *session) Reset()        { s.cur = received{} }
func (s *session) Logout() error { return nil }

// testCertificate makes a self-signed certificate for 127.0.0.1 and the
// pool that trusts it.
func testCertificate(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "secretgen test smtp"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}

	roots := x509.NewCertPool()
	roots.AddCert(cert)
	cfg := &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	return cfg, roots
}

var errLookup = errors.New("no SMTP secret shared with group system")
