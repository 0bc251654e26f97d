package keyring

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A keyring file is read before anything in it is authenticated, so its
// clear header must not be able to ask for any cost at all: a damaged or
// altered file is refused at once, naming the cost, before any hashing.
func TestPassphraseFileWithCostsOutOfRangeIsRefused(t *testing.T) {
	tests := []struct {
		header, want string
	}{
		{"argon2id t=1 m=4294967295 p=1 salt=c2FsdHNhbHRzYWx0", "m=4294967295"},
		{"argon2id t=4294967295 m=1024 p=1 salt=c2FsdHNhbHRzYWx0", "t=4294967295"},
		{"argon2id t=0 m=1024 p=1 salt=c2FsdHNhbHRzYWx0", "t=0"},
		{"argon2id t=1 m=1024 p=0 salt=c2FsdHNhbHRzYWx0", "p=0"},
		{"argon2id t=1 m=4 p=1 salt=c2FsdHNhbHRzYWx0", "m=4"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "keys")
			if err := os.WriteFile(path, []byte(tt.header+"\nAAAA\n"), 0o600); err != nil {
				t.Fatal(err)
			}

			_, err := FromPassphrase([]byte("pass phrase"), path, PassphraseOptions{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("open: %v, want an error naming %s", err, tt.want)
			}
		})
	}
}

func TestNewPassphraseFileRefusesCostsOutOfRange(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys")
	opt := PassphraseOptions{Create: true, Params: Argon2idParams{Time: 1000, MemoryKiB: 1024, Threads: 1}}

	if _, err := FromPassphrase([]byte("pass phrase"), path, opt); err == nil || !strings.Contains(err.Error(), "t=1000") {
		t.Errorf("create: %v, want an error naming t=1000", err)
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("a keyring file was written despite the refusal")
	}
}
