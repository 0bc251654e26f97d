// Package rules holds the string checks that generated validators call
// for the validator/v10 rules secretgen compiles to native Go:
//
//	if !(rules.Hostname(v.Host) || rules.IP(v.Host)) {
//		… // FieldError{Field: "Host", Rule: "hostname|ip", …}
//	}
//
// Each function accepts exactly the strings the validator rule of the same
// name accepts; the tests compare both on the same inputs. Numeric and
// length rules need no helper: secretgen writes them as comparisons.
package rules

import (
	"net/netip"
	"net/url"
	"strings"
	"unicode/utf8"
)

// IP reports whether s is an IPv4 or IPv6 address (rule ip).
func IP(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && a.Zone() == ""
}

// IPv4 reports whether s is an IPv4 address, IPv4-mapped IPv6 included
// (rule ipv4).
func IPv4(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && a.Zone() == "" && (a.Is4() || a.Is4In6())
}

// IPv6 reports whether s is an IPv6 address that is not IPv4-mapped
// (rule ipv6).
func IPv6(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && a.Zone() == "" && a.Is6() && !a.Is4In6()
}

// Hostname reports whether s is a host name after RFC 952: dot-separated
// labels of letters, digits and inner hyphens, the first starting with a
// letter (rule hostname).
func Hostname(s string) bool {
	return len(s) > 0 && isLetter(s[0]) && hostLabels(s)
}

// HostnameRFC1123 is Hostname, but the first label may start with a digit
// (rule hostname_rfc1123).
func HostnameRFC1123(s string) bool {
	return hostLabels(s)
}

// hostLabels reports whether s is one or more labels of 1 to 63 letters,
// digits and hyphens that start and end with a letter or digit.
func hostLabels(s string) bool {
	for {
		label, rest, more := strings.Cut(s, ".")
		if !hostLabel(label) {
			return false
		}
		if !more {
			return true
		}
		s = rest
	}
}

func hostLabel(l string) bool {
	if len(l) == 0 || len(l) > 63 {
		return false
	}
	if !isAlnum(l[0]) || !isAlnum(l[len(l)-1]) {
		return false
	}
	for i := 1; i < len(l)-1; i++ {
		if !isAlnum(l[i]) && l[i] != '-' {
			return false
		}
	}
	return true
}

// FQDN reports whether s is a fully qualified domain name: at least two
// labels, the last starting with a letter, an optional final dot, at
// most 253 characters (rule fqdn).
func FQDN(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return false
	}
	labels := strings.Split(s, ".")
	if len(labels) < 2 || !fqdnTLD(labels[len(labels)-1]) {
		return false
	}
	for _, l := range labels {
		if !fqdnLabel(l) {
			return false
		}
	}
	return true
}

// fqdnTLD reports whether l starts with a letter.
func fqdnTLD(l string) bool {
	return l != "" && isLetter(l[0])
}

// fqdnLabel reports whether l is a letter or digit followed by up to 62
// letters, digits and hyphens.
func fqdnLabel(l string) bool {
	if len(l) == 0 || len(l) > 63 || !isAlnum(l[0]) {
		return false
	}
	for i := 1; i < len(l); i++ {
		if !isAlnum(l[i]) && l[i] != '-' {
			return false
		}
	}
	return true
}

// URL reports whether s, lower-cased, parses as a URL with a scheme and a
// host, fragment or opaque part; a file URL needs a path (rule url).
func URL(s string) bool {
	if s == "" {
		return false
	}
	u, err := url.Parse(strings.ToLower(s))
	if err != nil || u.Scheme == "" {
		return false
	}
	if u.Scheme == "file" {
		return u.Path != "" && u.Path != "/"
	}
	return u.Host != "" || u.Fragment != "" || u.Opaque != ""
}

// HTTPURL reports whether s is a URL with scheme http or https and a host
// (rule http_url).
func HTTPURL(s string) bool {
	if !URL(s) {
		return false
	}
	u, err := url.Parse(strings.ToLower(s))
	return err == nil && u.Host != "" && (u.Scheme == "http" || u.Scheme == "https")
}

// Email reports whether s is a bare e-mail address (rule email): a
// dot-atom local part, an @, and a domain whose first and last characters
// are a letter or digit and a letter. Quoted local parts, which the
// validator rule accepts, are refused here.
func Email(s string) bool {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 {
		return false
	}
	return emailLocal(s[:at]) && emailDomain(s[at+1:])
}

func emailLocal(s string) bool {
	return dotAtom(s, isAtext)
}

// emailDomain checks a domain as the validator's pattern and net/mail
// together see it: dot-separated non-empty atoms of letters, digits, '-'
// and '~', starting with a letter or digit, ending with a letter, and a
// dot somewhere between a letter or digit and a letter.
func emailDomain(s string) bool {
	if !dotAtom(s, isDomainChar) {
		return false
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	if !isAlnumRune(first) || !isLetterRune(last) {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		if s[i] != '.' {
			continue
		}
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		after, _ := utf8.DecodeRuneInString(s[i+1:])
		if isAlnumRune(before) && isLetterRune(after) {
			return true
		}
	}
	return false
}

// dotAtom reports whether s is non-empty runs of runes accepted by ok,
// separated by single dots.
func dotAtom(s string, ok func(rune) bool) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	prevDot := false
	for _, r := range s {
		if r == '.' {
			if prevDot {
				return false
			}
			prevDot = true
			continue
		}
		prevDot = false
		if !ok(r) {
			return false
		}
	}
	return true
}

func isAtext(r rune) bool {
	if r < utf8.RuneSelf {
		return isAlnum(byte(r)) || strings.ContainsRune("!#$%&'*+-/=?^_`{|}~", r)
	}
	return isWide(r)
}

func isDomainChar(r rune) bool {
	return isAlnumRune(r) || r == '-' || r == '~'
}

func isAlnumRune(r rune) bool {
	if r < utf8.RuneSelf {
		return isAlnum(byte(r))
	}
	return isWide(r)
}

func isLetterRune(r rune) bool {
	if r < utf8.RuneSelf {
		return isLetter(byte(r))
	}
	return isWide(r)
}

// isWide reports whether r is in the non-ASCII ranges the validator's
// e-mail pattern treats like letters.
func isWide(r rune) bool {
	return r >= 0xa0 && r <= 0xd7ff || r >= 0xf900 && r <= 0xfdcf || r >= 0xfdf0 && r <= 0xffef
}

func isLetter(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isAlnum(c byte) bool {
	return isLetter(c) || c >= '0' && c <= '9'
}
