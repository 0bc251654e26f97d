package keyring

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// FromEnv reads master keys from the environment variable name. The value
// is one key (version 1), or versions and keys as "1:KEY,2:KEY" where the
// highest version is current. Each key is exactly 32 bytes, written in
// base64 or hex.
func FromEnv(name string) (*Keyring, error) {
	source := fmt.Sprintf("environment variable %q", name)
	value, ok := os.LookupEnv(name)
	if !ok || strings.TrimSpace(value) == "" {
		return nil, fmt.Errorf("keyring: %s is not set", source)
	}

	keys, err := parseEnv(value)
	if err != nil {
		return nil, fmt.Errorf("keyring: %s: %w", source, err)
	}
	return newKeyring(source, keys, nil)
}

func parseEnv(value string) (map[int][]byte, error) {
	keys := map[int][]byte{}
	entries := strings.Split(value, ",")
	for _, entry := range entries {
		v, text, found := strings.Cut(strings.TrimSpace(entry), ":")
		if !found {
			if len(entries) > 1 {
				return nil, errors.New("several keys need a version each, as 1:KEY,2:KEY")
			}
			v, text = "1", entry
		}
		if err := addKey(keys, v, text); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// addKey parses a version and a key and adds them to keys.
func addKey(keys map[int][]byte, version, text string) error {
	v, err := strconv.Atoi(version)
	if err != nil || v < 1 {
		return fmt.Errorf("key version %q: want a positive number", version)
	}
	if _, dup := keys[v]; dup {
		return fmt.Errorf("key version %d appears twice", v)
	}
	key, err := ParseKey(text)
	if err != nil {
		return fmt.Errorf("key version %d: %w", v, err)
	}
	keys[v] = key
	return nil
}

// ParseKey decodes a master key written in hex or base64 (standard or URL
// alphabet, padded or not). Anything that does not decode to exactly 32
// bytes is an error; the error never repeats the input.
func ParseKey(text string) ([]byte, error) {
	text = strings.TrimSpace(text)
	if len(text) == 2*KeySize {
		if key, err := hex.DecodeString(text); err == nil {
			return key, nil
		}
	}

	encodings := []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding}
	for _, enc := range encodings {
		key, err := enc.DecodeString(text)
		if err != nil {
			continue
		}
		if len(key) != KeySize {
			return nil, fmt.Errorf("key decodes to %d bytes, want exactly %d", len(key), KeySize)
		}
		return key, nil
	}
	return nil, fmt.Errorf("key of %d characters is neither hex nor base64 of %d bytes", len(text), KeySize)
}

// FileOptions says how FromFile treats a missing key file.
type FileOptions struct {
	// Create makes FromFile write a new key file with one random key and
	// mode 0600 when none exists.
	Create bool
	// Logger receives one line when a key file is created.
	Logger *slog.Logger
}

// FromFile reads master keys from a key file: lines "VERSION KEY", the
// highest version current, "#" starting a comment. A file holding a single
// bare key is version 1. Rotate and Remove rewrite the file.
func FromFile(path string, opt FileOptions) (*Keyring, error) {
	source := fmt.Sprintf("key file %q", path)
	file := &backing{
		save: func(keys map[int][]byte) error { return writeFileAtomic(path, formatKeys(keys)) },
		load: func() (map[int][]byte, error) { return readKeyFile(path) },
	}

	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && opt.Create {
		return createFile(path, source, file, opt.Logger)
	}
	if err != nil {
		return nil, fmt.Errorf("keyring: %w", err)
	}
	warnIfShared(path, opt.Logger)

	keys, err := parseKeys(data)
	if err != nil {
		return nil, fmt.Errorf("keyring: %s: %w", source, err)
	}
	return newKeyring(source, keys, file)
}

func readKeyFile(path string) (map[int][]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseKeys(data)
}

func createFile(path, source string, file *backing, log *slog.Logger) (*Keyring, error) {
	k, err := newKeyring(source, map[int][]byte{1: randomKey()}, file)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("keyring: create %s: %w", source, err)
	}
	if err := file.save(k.keys); err != nil {
		return nil, fmt.Errorf("keyring: create %s: %w", source, err)
	}

	if log != nil {
		log.Info("created master key file; back it up, without it no stored secret can be read", "keyring", source)
	}
	return k, nil
}

// warnIfShared logs when a key file can be read by anyone but its owner.
func warnIfShared(path string, log *slog.Logger) {
	fi, err := os.Stat(path)
	if err != nil || log == nil || fi.Mode().Perm()&0o077 == 0 {
		return
	}
	log.Warn("master key file is readable by others; chmod 600 it", "path", path, "mode", fi.Mode().Perm().String())
}

const fileHeader = "# secretgen master keys: one \"VERSION KEY\" per line, the highest version is current.\n" +
	"# Keep this file private (mode 0600) and back it up: without it no stored secret can be read.\n"

func formatKeys(keys map[int][]byte) []byte {
	versions := make([]int, 0, len(keys))
	for v := range keys {
		versions = append(versions, v)
	}
	sort.Ints(versions)

	var b bytes.Buffer
	b.WriteString(fileHeader)
	for _, v := range versions {
		fmt.Fprintf(&b, "%d %s\n", v, base64.StdEncoding.EncodeToString(keys[v]))
	}
	return b.Bytes()
}

func parseKeys(data []byte) (map[int][]byte, error) {
	keys := map[int][]byte{}
	lines := strings.Split(string(data), "\n")
	for i, line := range lines {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := parseKeyLine(keys, line); err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
	}
	if len(keys) == 0 {
		return nil, errors.New("no key in file")
	}
	return keys, nil
}

func parseKeyLine(keys map[int][]byte, line string) error {
	fields := strings.Fields(line)
	switch {
	case len(fields) == 1 && len(keys) == 0:
		return addKey(keys, "1", fields[0])
	case len(fields) == 2:
		return addKey(keys, fields[0], fields[1])
	}
	return errors.New(`want "VERSION KEY"`)
}

// writeFileAtomic replaces path with data through a private temporary file
// and a rename, so a crash never leaves half a key file.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())

	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
