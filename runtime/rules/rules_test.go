package rules_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/go-playground/validator/v10"

	"github.com/secretgen/secretgen/runtime/rules"
)

var checks = map[string]func(string) bool{
	"email":            rules.Email,
	"hostname":         rules.Hostname,
	"hostname_rfc1123": rules.HostnameRFC1123,
	"fqdn":             rules.FQDN,
	"ip":               rules.IP,
	"ipv4":             rules.IPv4,
	"ipv6":             rules.IPv6,
	"url":              rules.URL,
	"http_url":         rules.HTTPURL,
}

// corpus holds inputs chosen to sit on each rule's edges.
var corpus = []string{
	"", "a", "A", "1", "-", ".", "a.b", "a-b.c", "a-.b", "-a.b", "a.-b", "a..b", "a.b.", ".a.b",
	"1a.com", "a1.com", "example.com", "example.com.", "ex_ample.com", "xn--bcher-kva.example",
	"localhost", "mail.example.org", strings.Repeat("a", 63) + ".com", strings.Repeat("a", 64) + ".com",
	strings.Repeat("a.", 127) + "com", "a.1", "a.1b", "a.b1", "1.2.3.4", "1.2.3.256", "01.2.3.4",
	"::1", "fe80::1", "fe80::1%eth0", "::ffff:1.2.3.4", "2001:db8::", "1.2.3", "::", "[::1]",
	"user@example.com", "first.last@example.co.uk", "user+tag@example.com", "user@localhost",
	"user@example", "@example.com", "user@", "user@@example.com", "us..er@example.com",
	".user@example.com", "user.@example.com", "user@ex..ample.com", "user@-example.com",
	"user@example-.com", "user@example.c1", "user@example.1c", "user@exa~mple.com",
	"user@example.com.", "us er@example.com", "\"quoted\"@example.com", "Name <user@example.com>",
	"user@[1.2.3.4]", "üser@exämple.com", "user@example.cöm", "a!#$%&'*+-/=?^_`{|}~@example.com",
	"http://example.com", "https://example.com/path?q=1#f", "HTTP://EXAMPLE.COM", "ftp://example.com",
	"file:///etc/passwd", "file:///", "file://", "mailto:user@example.com", "example.com/path",
	"http://", "http:///path", "//example.com", "http://exa mple.com", "http://[::1]:80/",
	"#fragment", "a:b", "javascript:alert(1)", "http://example.com:99999",
}

var validate = validator.New()

func agree(t *testing.T, tag string, check func(string) bool, s string) {
	t.Helper()
	want := validate.Var(s, tag) == nil
	if got := check(s); got != want {
		t.Errorf("%s(%q) = %v, validator/v10 says %v", tag, s, got, want)
	}
}

// TestRulesAgreeWithValidator compares every native check with the
// validator rule of the same name on the corpus.
func TestRulesAgreeWithValidator(t *testing.T) {
	for tag, check := range checks {
		t.Run(tag, func(t *testing.T) {
			for _, s := range corpus {
				if tag == "email" && strings.HasPrefix(s, "\"") {
					continue // quoted local parts are refused natively; see Email
				}
				agree(t, tag, check, s)
			}
		})
	}
}

// TestRulesAgreeOnRandomInput compares them on random strings built from
// the characters the rules care about.
func TestRulesAgreeOnRandomInput(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	alphabet := []string{"a", "Z", "0", "9", ".", "-", "@", ":", "/", "_", "~", "%", "[", "]", "é", "com", "http://", "::", "1.2.3.4"}
	for range 20000 {
		var b strings.Builder
		for range 1 + r.IntN(8) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		s := b.String()
		for tag, check := range checks {
			agree(t, tag, check, s)
		}
	}
}
