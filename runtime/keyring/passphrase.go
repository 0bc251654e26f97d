package keyring

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// Argon2idParams are the cost parameters of the passphrase stretching.
type Argon2idParams struct {
	Time      uint32 // passes over memory
	MemoryKiB uint32 // memory in KiB
	Threads   uint8  // parallelism
}

// DefaultArgon2id follows the second recommendation of RFC 9106: three
// passes over 64 MiB with four lanes.
var DefaultArgon2id = Argon2idParams{Time: 3, MemoryKiB: 64 * 1024, Threads: 4}

// PassphraseOptions says how FromPassphrase treats a missing keyring file.
type PassphraseOptions struct {
	// Create writes a new keyring file with one random master key when
	// none exists.
	Create bool
	// Params are the Argon2id costs for a new file; zero means
	// DefaultArgon2id. An existing file keeps the costs stored in it.
	Params Argon2idParams
	// Logger receives one line when a keyring file is created.
	Logger *slog.Logger
}

// Bounds of the Argon2id costs a keyring file may ask for. A damaged or
// altered file must not make opening it take hours or all the memory
// there is: the upper bounds are far above DefaultArgon2id.
const (
	maxArgon2idTime      = 64
	maxArgon2idMemoryKiB = 4 << 20 // 4 GiB
)

// check says which cost is out of range, if any.
func (p Argon2idParams) check() error {
	switch {
	case p.Threads == 0:
		return errors.New("Argon2id threads p=0, want at least 1")
	case p.Time == 0 || p.Time > maxArgon2idTime:
		return fmt.Errorf("Argon2id time t=%d, want 1 to %d", p.Time, maxArgon2idTime)
	case p.MemoryKiB < 8*uint32(p.Threads) || p.MemoryKiB > maxArgon2idMemoryKiB:
		return fmt.Errorf("Argon2id memory m=%d KiB, want %d to %d", p.MemoryKiB, 8*uint32(p.Threads), maxArgon2idMemoryKiB)
	}
	return nil
}

// FromPassphrase opens a keyring file sealed with a passphrase. The
// passphrase is stretched with Argon2id into a key-encryption key; the salt
// and the costs are stored in the file's first line, in clear, and bound
// into the seal. The master keys inside are random, so Rotate adds a
// version without asking for a new passphrase.
func FromPassphrase(passphrase []byte, path string, opt PassphraseOptions) (*Keyring, error) {
	source := fmt.Sprintf("passphrase keyring %q", path)
	if len(passphrase) == 0 {
		return nil, fmt.Errorf("keyring: %s: empty passphrase", source)
	}

	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && opt.Create {
		return createSealedFile(passphrase, path, source, opt)
	}
	if err != nil {
		return nil, fmt.Errorf("keyring: %w", err)
	}

	kek, header, keys, err := openSealedFile(passphrase, data)
	if err != nil {
		return nil, fmt.Errorf("keyring: %s: %w", source, err)
	}
	return newKeyring(source, keys, sealedBacking(path, header, kek))
}

func createSealedFile(passphrase []byte, path, source string, opt PassphraseOptions) (*Keyring, error) {
	p := opt.Params
	if p == (Argon2idParams{}) {
		p = DefaultArgon2id
	}
	if err := p.check(); err != nil {
		return nil, fmt.Errorf("keyring: %s: %w", source, err)
	}
	salt := make([]byte, 16)
	rand.Read(salt)
	header := fmt.Sprintf("argon2id t=%d m=%d p=%d salt=%s", p.Time, p.MemoryKiB, p.Threads, base64.RawStdEncoding.EncodeToString(salt))
	kek := argon2.IDKey(passphrase, salt, p.Time, p.MemoryKiB, p.Threads, KeySize)

	return createFile(path, source, sealedBacking(path, header, kek), opt.Logger)
}

// sealedBacking writes the keys sealed under kek, below the clear header,
// and reads them back.
func sealedBacking(path, header string, kek []byte) *backing {
	return &backing{save: sealedSaver(path, header, kek), load: sealedLoader(path, header, kek)}
}

func sealedLoader(path, header string, kek []byte) func() (map[int][]byte, error) {
	return func() (map[int][]byte, error) {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		have, body, _ := strings.Cut(string(data), "\n")
		if have != header {
			return nil, errors.New("the file's Argon2id salt or costs changed; open it again with its passphrase")
		}
		return openSealed(kek, header, body)
	}
}

func sealedSaver(path, header string, kek []byte) func(map[int][]byte) error {
	return func(keys map[int][]byte) error {
		aead, err := chacha20poly1305.NewX(kek)
		if err != nil {
			return err
		}
		nonce := make([]byte, NonceSize)
		rand.Read(nonce)
		sealed := aead.Seal(nonce, nonce, formatKeys(keys), []byte(header))

		var b bytes.Buffer
		b.WriteString(header + "\n")
		b.WriteString(base64.StdEncoding.EncodeToString(sealed) + "\n")
		return writeFileAtomic(path, b.Bytes())
	}
}

func openSealedFile(passphrase, data []byte) (kek []byte, header string, keys map[int][]byte, err error) {
	header, body, _ := strings.Cut(string(data), "\n")
	var p Argon2idParams
	var saltText string
	_, err = fmt.Sscanf(header, "argon2id t=%d m=%d p=%d salt=%s", &p.Time, &p.MemoryKiB, &p.Threads, &saltText)
	if err != nil {
		return nil, "", nil, fmt.Errorf("line 1: want \"argon2id t=N m=N p=N salt=BASE64\": %w", err)
	}
	salt, err := base64.RawStdEncoding.DecodeString(saltText)
	if err != nil || len(salt) < 8 {
		return nil, "", nil, errors.New("line 1: salt is not base64 of at least 8 bytes")
	}
	if err := p.check(); err != nil {
		return nil, "", nil, fmt.Errorf("line 1: %w", err)
	}

	kek = argon2.IDKey(passphrase, salt, p.Time, p.MemoryKiB, p.Threads, KeySize)
	keys, err = openSealed(kek, header, body)
	return kek, header, keys, err
}

// openSealed decrypts the keys below the header.
func openSealed(kek []byte, header, body string) (map[int][]byte, error) {
	sealed, err := base64.StdEncoding.DecodeString(strings.TrimSpace(body))
	if err != nil || len(sealed) < NonceSize+chacha20poly1305.Overhead {
		return nil, errors.New("line 2: sealed keys are not base64 of an XChaCha20-Poly1305 message")
	}

	aead, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return nil, err
	}
	plain, err := aead.Open(nil, sealed[:NonceSize], sealed[NonceSize:], []byte(header))
	if err != nil {
		return nil, fmt.Errorf("wrong passphrase or altered file: %w", ErrOpen)
	}
	return parseKeys(plain)
}

func randomKey() []byte {
	key := make([]byte, KeySize)
	rand.Read(key)
	return key
}
