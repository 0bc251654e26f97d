package directory

import (
	"strings"
	"testing"
)

func TestVerifyPassword(t *testing.T) {
	h := hashPassword("correct horse", defaultParams)

	for password, want := range map[string]bool{
		"correct horse":  true,
		"correct horsE":  false,
		"correct horse ": false,
		"":               false,
	} {
		ok, err := verifyPassword(h, password)
		if err != nil || ok != want {
			t.Errorf("verifyPassword(%q) = %v, %v; want %v", password, ok, err, want)
		}
	}
}

func TestParseHashRefusesTamperedRows(t *testing.T) {
	good := hashPassword("correct horse", defaultParams)
	parts := strings.Split(good, "$")
	with := func(i int, s string) string {
		p := append([]string(nil), parts...)
		p[i] = s
		return strings.Join(p, "$")
	}

	cases := map[string]string{
		"empty":          "",
		"bcrypt":         "$2a$10$abcdefghijklmnopqrstuv",
		"argon2i":        with(1, "argon2i"),
		"old version":    with(2, "v=16"),
		"huge memory":    with(3, "m=4194304,t=2,p=1"),
		"many passes":    with(3, "m=19456,t=1000,p=1"),
		"no lanes":       with(3, "m=19456,t=2,p=0"),
		"salt not b64":   with(4, "!!!"),
		"truncated key":  with(5, "AAAA"),
		"missing fields": strings.Join(parts[:4], "$"),
	}
	for name, encoded := range cases {
		if _, err := verifyPassword(encoded, "correct horse"); err == nil {
			t.Errorf("%s: verifyPassword(%q) accepted a malformed hash", name, encoded)
		}
	}
}
