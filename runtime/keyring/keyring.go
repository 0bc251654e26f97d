// Package keyring holds the master keys of the encrypted store and seals
// payloads with envelope encryption: a fresh data key per payload, wrapped
// by the current master key version.
//
// A keyring comes from an environment variable, a key file or a
// passphrase-protected key file:
//
//	kr, err := keyring.FromFile("/var/lib/secretd/master.key",
//		keyring.FileOptions{Create: true, Logger: log})
//	sealed, err := kr.Seal(payload, ad) // ad binds the row the payload belongs to
//	payload, err = kr.Open(sealed, ad)
//
// Rotation adds a new master key version that becomes current; Rewrap moves
// a sealed payload's data key to the current version without touching the
// payload itself.
package keyring

import (
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
)

// KeySize is the length of a master key and of a data key, in bytes.
const KeySize = 32

// ErrUnknownKey is returned (wrapped) when a sealed payload names a master
// key version the keyring does not hold.
var ErrUnknownKey = errors.New("unknown master key version")

// Keyring is a set of master key versions, one of them current. It is safe
// for concurrent use.
type Keyring struct {
	mu      sync.RWMutex
	keys    map[int][]byte
	current int

	// source names where the keys come from, for error messages.
	source string
	// file persists and reloads the keys; nil for keys from the
	// environment or from New.
	file *backing
}

// backing is the file a keyring lives in.
type backing struct {
	save func(keys map[int][]byte) error
	load func() (map[int][]byte, error)
}

// New returns a keyring holding the given master key versions; the highest
// version is current. It is meant for tests and for platforms that fetch
// keys themselves.
func New(keys map[int][]byte) (*Keyring, error) {
	return newKeyring("keys given to keyring.New", keys, nil)
}

func newKeyring(source string, keys map[int][]byte, file *backing) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, fmt.Errorf("keyring: %s: no master key", source)
	}

	k := &Keyring{keys: map[int][]byte{}, source: source, file: file}
	for v, key := range keys {
		if v < 1 {
			return nil, fmt.Errorf("keyring: %s: key version %d: want a positive number", source, v)
		}
		if len(key) != KeySize {
			return nil, fmt.Errorf("keyring: %s: key version %d is %d bytes, want exactly %d", source, v, len(key), KeySize)
		}
		k.keys[v] = slices.Clone(key)
		k.current = max(k.current, v)
	}
	return k, nil
}

// Source names where the keys come from, e.g. `key file "/x/master.key"`.
func (k *Keyring) Source() string {
	return k.source
}

// Current returns the version new payloads are sealed with.
func (k *Keyring) Current() int {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.current
}

// Versions returns the versions the keyring holds, in ascending order.
func (k *Keyring) Versions() []int {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.versions()
}

func (k *Keyring) versions() []int {
	vs := make([]int, 0, len(k.keys))
	for v := range k.keys {
		vs = append(vs, v)
	}
	sort.Ints(vs)
	return vs
}

// Rotate adds a new random master key version, makes it current, persists
// the keyring and returns the new version. A keyring kept in a file reads
// the file first, so a version another process added stays. Keys from an environment
// variable cannot rotate here: add a version to the variable instead.
func (k *Keyring) Rotate() (int, error) {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return 0, fmt.Errorf("keyring: rotate: %w", err)
	}

	k.mu.Lock()
	defer k.mu.Unlock()
	// Another process may have rotated the file since it was read: a
	// version number taken from stale memory would replace its key.
	if err := k.reload(); err != nil {
		return 0, err
	}
	next := k.current + 1
	keys := k.with(next, key)
	if err := k.persist(keys); err != nil {
		return 0, fmt.Errorf("keyring: rotate %s: %w", k.source, err)
	}
	k.keys, k.current = keys, next
	return next, nil
}

// Remove deletes an old master key version and persists the keyring. Run
// the store's rewrap first: a payload still wrapped by the removed version
// can no longer be opened. The current version cannot be removed.
func (k *Keyring) Remove(version int) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.reload(); err != nil {
		return err
	}
	if version == k.current {
		return fmt.Errorf("keyring: remove version %d from %s: it is the current version", version, k.source)
	}
	if _, ok := k.keys[version]; !ok {
		return fmt.Errorf("keyring: remove version %d from %s: %w", version, k.source, ErrUnknownKey)
	}

	keys := k.with(0, nil)
	delete(keys, version)
	if err := k.persist(keys); err != nil {
		return fmt.Errorf("keyring: remove version %d from %s: %w", version, k.source, err)
	}
	k.keys = keys
	return nil
}

// with returns a copy of the keys, plus key at version v when key is set.
func (k *Keyring) with(v int, key []byte) map[int][]byte {
	keys := make(map[int][]byte, len(k.keys)+1)
	for v, key := range k.keys {
		keys[v] = key
	}
	if key != nil {
		keys[v] = key
	}
	return keys
}

func (k *Keyring) persist(keys map[int][]byte) error {
	if k.file == nil {
		return errors.New("keys from this source cannot be changed at run time")
	}
	return k.file.save(keys)
}

// key returns master key version v. A keyring kept in a file that lacks v
// reads the file again once: another process may have rotated it.
func (k *Keyring) key(v int) ([]byte, error) {
	k.mu.RLock()
	key, ok := k.keys[v]
	k.mu.RUnlock()
	if ok {
		return key, nil
	}

	k.mu.Lock()
	defer k.mu.Unlock()
	if err := k.reload(); err != nil {
		return nil, err
	}
	if key, ok := k.keys[v]; ok {
		return key, nil
	}
	return nil, fmt.Errorf("%w %d (%s holds %s)", ErrUnknownKey, v, k.source, k.list())
}

// reload replaces the keys with the file's, if the keyring has a file.
func (k *Keyring) reload() error {
	if k.file == nil {
		return nil
	}
	keys, err := k.file.load()
	if err != nil {
		return fmt.Errorf("keyring: reload %s: %w", k.source, err)
	}
	fresh, err := newKeyring(k.source, keys, k.file)
	if err != nil {
		return err
	}
	k.keys, k.current = fresh.keys, fresh.current
	return nil
}

func (k *Keyring) list() string {
	parts := []string{}
	for _, v := range k.versions() {
		parts = append(parts, fmt.Sprint(v))
	}
	return "versions " + strings.Join(parts, ", ")
}

// currentKey returns the current version and its key.
func (k *Keyring) currentKey() (int, []byte) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.current, k.keys[k.current]
}
