package mail

import (
	"errors"
	"testing"
)

func TestRedactHidesAnEchoedPassword(t *testing.T) {
	cause := errors.New(`535 no user "bob" with password "CANARY-7f3a"`)

	err := redact(cause, "CANARY-7f3a")

	if want := `535 no user "bob" with password "[password]"`; err.Error() != want {
		t.Errorf("redact = %q, want %q", err, want)
	}
	if !errors.Is(err, cause) {
		t.Error("redact lost the cause for errors.Is")
	}
	if redact(cause, "") != cause || redact(cause, "absent") != cause {
		t.Error("redact changed an error that holds no password")
	}
}

func TestOnlyLoopbackHostsGetPasswordsInClear(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost":        true,
		"127.0.0.1":        true,
		"127.8.9.10":       true,
		"::1":              true,
		"10.0.0.1":         false,
		"smtp.example.com": false,
		"localhost.evil":   false,
	} {
		if got := loopback(host); got != want {
			t.Errorf("loopback(%q) = %v, want %v", host, got, want)
		}
	}
}
