package keyring

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"
)

// NonceSize is the length of an XChaCha20-Poly1305 nonce.
const NonceSize = chacha20poly1305.NonceSizeX

// WrappedSize is the length of a wrapped data key: nonce, key and tag.
const WrappedSize = NonceSize + KeySize + chacha20poly1305.Overhead

// ErrOpen is returned (wrapped) when a sealed payload fails to open: it was
// altered, belongs to another row, or the master key is wrong.
var ErrOpen = errors.New("message authentication failed")

// Sealed is a payload under envelope encryption, as the store keeps it.
type Sealed struct {
	KeyVersion int    // the master key version that wrapped the data key
	WrappedKey []byte // nonce || XChaCha20-Poly1305(master key, data key)
	Nonce      []byte // the payload's nonce
	Ciphertext []byte // XChaCha20-Poly1305(data key, payload), tag included
}

// Seal encrypts plaintext under a fresh random data key and wraps that key
// with the current master key version. The associated data ad binds the
// payload to its row; the wrap binds the data key to ad and to the master
// key version.
func (k *Keyring) Seal(plaintext, ad []byte) (Sealed, error) {
	dataKey := make([]byte, KeySize)
	nonce := make([]byte, NonceSize)
	if _, err := rand.Read(dataKey); err != nil {
		return Sealed{}, fmt.Errorf("keyring: seal: %w", err)
	}
	if _, err := rand.Read(nonce); err != nil {
		return Sealed{}, fmt.Errorf("keyring: seal: %w", err)
	}

	aead, err := chacha20poly1305.NewX(dataKey)
	if err != nil {
		return Sealed{}, fmt.Errorf("keyring: seal: %w", err)
	}
	s := Sealed{Nonce: nonce, Ciphertext: aead.Seal(nil, nonce, plaintext, ad)}

	s.KeyVersion, s.WrappedKey, err = k.wrap(dataKey, ad)
	clear(dataKey)
	return s, err
}

// Open checks and decrypts a sealed payload. Any change to the sealed bytes,
// to ad or to the master key yields an error matching ErrOpen; a master key
// version the keyring lacks yields one matching ErrUnknownKey.
func (k *Keyring) Open(s Sealed, ad []byte) ([]byte, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	dataKey, err := k.unwrap(s, ad)
	if err != nil {
		return nil, err
	}
	defer clear(dataKey)

	aead, err := chacha20poly1305.NewX(dataKey)
	if err != nil {
		return nil, fmt.Errorf("keyring: open payload: %w", err)
	}
	plaintext, err := aead.Open(nil, s.Nonce, s.Ciphertext, ad)
	if err != nil {
		return nil, fmt.Errorf("keyring: open payload: %w", ErrOpen)
	}
	return plaintext, nil
}

// Rewrap re-wraps the data key of s with the current master key version.
// The payload's nonce and ciphertext are left as they are.
func (k *Keyring) Rewrap(s Sealed, ad []byte) (Sealed, error) {
	if err := s.check(); err != nil {
		return Sealed{}, err
	}
	dataKey, err := k.unwrap(s, ad)
	if err != nil {
		return Sealed{}, err
	}
	defer clear(dataKey)

	s.KeyVersion, s.WrappedKey, err = k.wrap(dataKey, ad)
	return s, err
}

func (k *Keyring) wrap(dataKey, ad []byte) (int, []byte, error) {
	v, master := k.currentKey()
	aead, err := chacha20poly1305.NewX(master)
	if err != nil {
		return 0, nil, fmt.Errorf("keyring: wrap data key: %w", err)
	}

	wrapped := make([]byte, NonceSize, WrappedSize)
	if _, err := rand.Read(wrapped); err != nil {
		return 0, nil, fmt.Errorf("keyring: wrap data key: %w", err)
	}
	wrapped = aead.Seal(wrapped, wrapped, dataKey, wrapAD(v, ad))
	return v, wrapped, nil
}

func (k *Keyring) unwrap(s Sealed, ad []byte) ([]byte, error) {
	master, err := k.key(s.KeyVersion)
	if err != nil {
		return nil, fmt.Errorf("keyring: unwrap data key: %w", err)
	}
	aead, err := chacha20poly1305.NewX(master)
	if err != nil {
		return nil, fmt.Errorf("keyring: unwrap data key: %w", err)
	}

	nonce, body := s.WrappedKey[:NonceSize], s.WrappedKey[NonceSize:]
	dataKey, err := aead.Open(nil, nonce, body, wrapAD(s.KeyVersion, ad))
	if err != nil {
		return nil, fmt.Errorf("keyring: unwrap data key with master key version %d: %w", s.KeyVersion, ErrOpen)
	}
	return dataKey, nil
}

// wrapAD is the associated data of a wrapped data key: a label, the master
// key version and the payload's associated data.
func wrapAD(version int, ad []byte) []byte {
	out := make([]byte, 0, 16+len(ad))
	out = append(out, "wrap-v1\x00"...)
	out = binary.BigEndian.AppendUint64(out, uint64(version))
	return append(out, ad...)
}

// check refuses sealed values whose parts have the wrong shape, before any
// key is touched.
func (s Sealed) check() error {
	switch {
	case s.KeyVersion < 1:
		return fmt.Errorf("keyring: malformed envelope: master key version %d", s.KeyVersion)
	case len(s.WrappedKey) != WrappedSize:
		return fmt.Errorf("keyring: malformed envelope: wrapped key is %d bytes, want %d", len(s.WrappedKey), WrappedSize)
	case len(s.Nonce) != NonceSize:
		return fmt.Errorf("keyring: malformed envelope: nonce is %d bytes, want %d", len(s.Nonce), NonceSize)
	case len(s.Ciphertext) < chacha20poly1305.Overhead:
		return fmt.Errorf("keyring: malformed envelope: ciphertext is %d bytes, want at least %d", len(s.Ciphertext), chacha20poly1305.Overhead)
	}
	return nil
}
