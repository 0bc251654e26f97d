package keyring

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var testKey = bytes.Repeat([]byte{0xA5}, KeySize)

func TestParseKeyAcceptsHexAndBase64OfExactly32Bytes(t *testing.T) {
	cases := []struct {
		name, text string
		ok         bool
	}{
		{"hex", hex.EncodeToString(testKey), true},
		{"base64", base64.StdEncoding.EncodeToString(testKey), true},
		{"base64 without padding", base64.RawStdEncoding.EncodeToString(testKey), true},
		{"base64 URL alphabet", base64.URLEncoding.EncodeToString(bytes.Repeat([]byte{0xFB}, KeySize)), true},
		{"surrounding whitespace", "  " + hex.EncodeToString(testKey) + "\n", true},
		{"16 bytes", base64.StdEncoding.EncodeToString(testKey[:16]), false},
		{"33 bytes", base64.StdEncoding.EncodeToString(append(testKey, 1)), false},
		{"31 bytes of hex", hex.EncodeToString(testKey[:31]), false},
		{"not an encoding", "correct horse battery staple!", false},
		{"empty", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			key, err := ParseKey(c.text)
			if c.ok && (err != nil || len(key) != KeySize) {
				t.Fatalf("got %d bytes, %v; want a 32-byte key", len(key), err)
			}
			if !c.ok && err == nil {
				t.Fatal("got a key, want an error")
			}
			if err != nil && c.text != "" && strings.Contains(err.Error(), strings.TrimSpace(c.text)) {
				t.Fatalf("error %q repeats the key", err)
			}
		})
	}
}

func TestFromEnvNamesTheVariableInErrors(t *testing.T) {
	cases := []struct{ name, value, want string }{
		{"unset", "", `environment variable "SG_TEST_KEY" is not set`},
		{"short key", base64.StdEncoding.EncodeToString(testKey[:20]), `environment variable "SG_TEST_KEY": key version 1: key decodes to 20 bytes, want exactly 32`},
		{"versions without numbers", hex.EncodeToString(testKey) + "," + hex.EncodeToString(testKey), `environment variable "SG_TEST_KEY": several keys need a version each`},
		{"bad version", "x:" + hex.EncodeToString(testKey), `environment variable "SG_TEST_KEY": key version "x": want a positive number`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("SG_TEST_KEY", c.value)
			_, err := FromEnv("SG_TEST_KEY")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}

func TestFromEnvReadsVersionsAndTheHighestIsCurrent(t *testing.T) {
	other := bytes.Repeat([]byte{7}, KeySize)
	t.Setenv("SG_TEST_KEY", "1:"+hex.EncodeToString(testKey)+", 3:"+base64.StdEncoding.EncodeToString(other))
	kr, err := FromEnv("SG_TEST_KEY")
	if err != nil {
		t.Fatal(err)
	}
	if kr.Current() != 3 || len(kr.Versions()) != 2 {
		t.Fatalf("current %d of versions %v, want 3 of [1 3]", kr.Current(), kr.Versions())
	}
	if _, err := kr.Rotate(); err == nil {
		t.Fatal("rotate of keys from the environment succeeded, want an error")
	}
}

func TestFromFileCreatesAPrivateFileAndLogsOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "master.key")
	var logged bytes.Buffer
	opt := FileOptions{Create: true, Logger: slog.New(slog.NewTextHandler(&logged, nil))}

	first, err := FromFile(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	second, err := FromFile(path, opt)
	if err != nil {
		t.Fatal(err)
	}

	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	if n := strings.Count(logged.String(), "created master key file"); n != 1 || !strings.Contains(logged.String(), path) {
		t.Fatalf("log says %q, want one line naming %s", logged.String(), path)
	}
	sealed, _ := first.Seal([]byte("payload"), []byte("ad"))
	if got, err := second.Open(sealed, []byte("ad")); err != nil || string(got) != "payload" {
		t.Fatalf("the reloaded key file does not open what the first sealed: %v", err)
	}
}

func TestFromFileRefusesMissingAndMalformedFiles(t *testing.T) {
	dir := t.TempDir()
	cases := []struct{ name, content, want string }{
		{"short key", "1 " + base64.StdEncoding.EncodeToString(testKey[:8]) + "\n", "line 1: key version 1: key decodes to 8 bytes"},
		{"three fields", "1 2 3\n", `line 1: want "VERSION KEY"`},
		{"only comments", "# nothing\n", "no key in file"},
		{"duplicate version", "1 " + hex.EncodeToString(testKey) + "\n1 " + hex.EncodeToString(testKey) + "\n", "line 2: key version 1 appears twice"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-"))
			os.WriteFile(path, []byte(c.content), 0o600)
			_, err := FromFile(path, FileOptions{})
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("got %v, want an error naming %s and containing %q", err, path, c.want)
			}
		})
	}

	if _, err := FromFile(filepath.Join(dir, "missing"), FileOptions{}); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file without Create: got %v, want not exist", err)
	}
}

func TestFromFileAcceptsABareKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(testKey)+"\n"), 0o600)
	kr, err := FromFile(path, FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if kr.Current() != 1 {
		t.Fatalf("a bare key is version %d, want 1", kr.Current())
	}
}

func TestRotateAndRemovePersistTheKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	kr, _ := FromFile(path, FileOptions{Create: true})
	before, _ := kr.Seal([]byte("old"), []byte("ad"))

	v, err := kr.Rotate()
	if err != nil || v != 2 {
		t.Fatalf("rotate gave version %d, %v; want 2", v, err)
	}
	after, _ := kr.Seal([]byte("new"), []byte("ad"))
	if after.KeyVersion != 2 {
		t.Fatalf("sealed with version %d after rotation, want 2", after.KeyVersion)
	}
	if err := kr.Remove(2); err == nil {
		t.Fatal("removing the current version succeeded, want an error")
	}

	rewrapped, err := kr.Rewrap(before, []byte("ad"))
	if err != nil || rewrapped.KeyVersion != 2 || !bytes.Equal(rewrapped.Ciphertext, before.Ciphertext) {
		t.Fatalf("rewrap: version %d, %v; want version 2 with the ciphertext untouched", rewrapped.KeyVersion, err)
	}
	if err := kr.Remove(1); err != nil {
		t.Fatal(err)
	}

	reloaded, _ := FromFile(path, FileOptions{})
	if got := reloaded.Versions(); len(got) != 1 || got[0] != 2 {
		t.Fatalf("reloaded key file holds versions %v, want [2]", got)
	}
	if _, err := reloaded.Open(before, []byte("ad")); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("open of a payload on a removed version: got %v, want ErrUnknownKey", err)
	}
	if got, err := reloaded.Open(rewrapped, []byte("ad")); err != nil || string(got) != "old" {
		t.Fatalf("open of the rewrapped payload: %v", err)
	}
}

// cheap keeps the Argon2id cost of tests low; production uses the default.
var cheap = Argon2idParams{Time: 1, MemoryKiB: 1024, Threads: 1}

func TestFromPassphraseSealsTheKeyringFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keyring")
	kr, err := FromPassphrase([]byte("pass phrase"), path, PassphraseOptions{Create: true, Params: cheap})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kr.Rotate(); err != nil {
		t.Fatal(err)
	}
	sealed, _ := kr.Seal([]byte("payload"), []byte("ad"))

	data, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(data), "argon2id t=1 m=1024 p=1 salt=") {
		t.Fatalf("keyring file starts %q, want the Argon2id parameters and salt", strings.SplitN(string(data), "\n", 2)[0])
	}

	again, err := FromPassphrase([]byte("pass phrase"), path, PassphraseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := again.Open(sealed, []byte("ad")); err != nil || string(got) != "payload" || again.Current() != 2 {
		t.Fatalf("reopened keyring: current %d, %v; want version 2 opening the payload", again.Current(), err)
	}

	_, err = FromPassphrase([]byte("wrong"), path, PassphraseOptions{})
	if !errors.Is(err, ErrOpen) || !strings.Contains(err.Error(), "wrong passphrase") {
		t.Fatalf("wrong passphrase: got %v, want an error saying so", err)
	}
}

func TestOpenRefusesAnyChange(t *testing.T) {
	kr, _ := New(map[int][]byte{1: testKey})
	sealed, _ := kr.Seal([]byte("payload"), []byte("row 1"))

	cases := []struct {
		name   string
		change func(s *Sealed) []byte
	}{
		{"other associated data", func(s *Sealed) []byte { return []byte("row 2") }},
		{"flipped ciphertext bit", func(s *Sealed) []byte { s.Ciphertext[0] ^= 1; return []byte("row 1") }},
		{"flipped nonce bit", func(s *Sealed) []byte { s.Nonce[0] ^= 1; return []byte("row 1") }},
		{"flipped wrapped key bit", func(s *Sealed) []byte { s.WrappedKey[30] ^= 1; return []byte("row 1") }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := Sealed{sealed.KeyVersion, bytes.Clone(sealed.WrappedKey), bytes.Clone(sealed.Nonce), bytes.Clone(sealed.Ciphertext)}
			ad := c.change(&s)
			got, err := kr.Open(s, ad)
			if !errors.Is(err, ErrOpen) || got != nil {
				t.Fatalf("got %q, %v; want ErrOpen and nothing", got, err)
			}
		})
	}
}

func TestAKeyringReloadsItsFileForAVersionAnotherProcessAdded(t *testing.T) {
	cases := []struct {
		name string
		open func(path string, create bool) (*Keyring, error)
	}{
		{"key file", func(path string, create bool) (*Keyring, error) {
			return FromFile(path, FileOptions{Create: create})
		}},
		{"passphrase file", func(path string, create bool) (*Keyring, error) {
			return FromPassphrase([]byte("pass phrase"), path, PassphraseOptions{Create: create, Params: cheap})
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "keys")
			rotating, _ := c.open(path, true)
			stale, err := c.open(path, false)
			if err != nil {
				t.Fatal(err)
			}

			rotating.Rotate()
			sealed, _ := rotating.Seal([]byte("payload"), []byte("ad"))
			got, err := stale.Open(sealed, []byte("ad"))
			if err != nil || string(got) != "payload" {
				t.Fatalf("open of a payload on a version added elsewhere: %v", err)
			}
			if stale.Current() != 2 {
				t.Fatalf("after reloading, current version %d, want 2", stale.Current())
			}

			sealed.KeyVersion = 9
			if _, err := stale.Open(sealed, []byte("ad")); !errors.Is(err, ErrUnknownKey) {
				t.Fatalf("version 9, in no file: got %v, want ErrUnknownKey", err)
			}
		})
	}
}
