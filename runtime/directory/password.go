package directory

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Password length bounds, in bytes. The upper bound keeps hashing cheap
// for whoever sends a huge password.
const (
	minPasswordLen = 8
	maxPasswordLen = 1024
)

// argonParams are the Argon2id cost parameters of one hash.
type argonParams struct {
	memory  uint32 // KiB
	time    uint32
	threads uint8
}

// defaultParams follow the OWASP recommendation for Argon2id
// (19 MiB, two passes, one lane): strong, yet cheap enough that a burst
// of logins does not exhaust memory.
var defaultParams = argonParams{memory: 19 * 1024, time: 2, threads: 1}

const (
	saltLen = 16
	keyLen  = 32
)

var b64 = base64.RawStdEncoding

func checkPassword(password string) error {
	switch {
	case len(password) < minPasswordLen:
		return invalid("user", "password", "min",
			fmt.Sprintf("must be at least %d bytes long", minPasswordLen))
	case len(password) > maxPasswordLen:
		return invalid("user", "password", "max",
			fmt.Sprintf("must be at most %d bytes long", maxPasswordLen))
	}
	return nil
}

// hashPassword returns the PHC string of password:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>.
func hashPassword(password string, p argonParams) string {
	salt := make([]byte, saltLen)
	rand.Read(salt) // never returns an error

	key := argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// verifyPassword reports whether password matches the PHC string encoded.
// The comparison takes the same time wherever the keys differ.
func verifyPassword(encoded, password string) (bool, error) {
	p, salt, key, err := parseHash(encoded)
	if err != nil {
		return false, err
	}

	got := argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

var errBadHash = errors.New("stored password hash is malformed")

// parseHash splits a PHC string. It refuses parameters far beyond what
// hashPassword writes, so a tampered row cannot make a login allocate
// gigabytes.
func parseHash(encoded string) (argonParams, []byte, []byte, error) {
	var p argonParams
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errBadHash
	}

	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, errBadHash
	}
	_, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads)
	if err != nil || p.memory > 1<<20 || p.time == 0 || p.time > 16 || p.threads == 0 {
		return p, nil, nil, errBadHash
	}

	salt, err1 := b64.DecodeString(parts[4])
	key, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(key) < 16 {
		return p, nil, nil, errBadHash
	}
	return p, salt, key, nil
}
