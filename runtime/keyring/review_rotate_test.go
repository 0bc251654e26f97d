package keyring

import (
	"path/filepath"
	"testing"
)

// Two processes hold the same key file, and each rotates once, one after
// the other. The second must add a version after the first's, not write a
// different key under the same version number: payloads the first sealed
// with its new key would be lost for good.
func TestRotationInTwoProcessesKeepsBothNewKeys(t *testing.T) {
	sources := []struct {
		name string
		open func(t *testing.T, path string) *Keyring
	}{
		{"key file", func(t *testing.T, path string) *Keyring {
			k, err := FromFile(path, FileOptions{Create: true})
			if err != nil {
				t.Fatal(err)
			}
			return k
		}},
		{"passphrase file", func(t *testing.T, path string) *Keyring {
			k, err := FromPassphrase([]byte("pass phrase"), path, PassphraseOptions{Create: true, Params: cheap})
			if err != nil {
				t.Fatal(err)
			}
			return k
		}},
	}
	for _, src := range sources {
		t.Run(src.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "keys")
			first, second := src.open(t, path), src.open(t, path)

			if _, err := first.Rotate(); err != nil {
				t.Fatal(err)
			}
			sealed, err := first.Seal([]byte("payload"), []byte("row"))
			if err != nil {
				t.Fatal(err)
			}
			v, err := second.Rotate()
			if err != nil {
				t.Fatal(err)
			}
			if v <= sealed.KeyVersion {
				t.Errorf("the second rotation made version %d; the first had made %d already", v, sealed.KeyVersion)
			}

			if _, err := src.open(t, path).Open(sealed, []byte("row")); err != nil {
				t.Errorf("a payload sealed after the first rotation no longer opens: %v", err)
			}
		})
	}
}
