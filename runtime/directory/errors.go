package directory

import (
	"errors"
	"fmt"

	"github.com/secretgen/secretgen/runtime/kind"
)

// ErrExists is matched by every *ExistsError.
var ErrExists = errors.New("already exists")

// ErrBadCredentials is the one error Authenticate returns for an unknown
// user name and for a wrong password alike, so a caller cannot tell which.
var ErrBadCredentials = errors.New("directory: wrong user name or password")

// ExistsError says that a name is taken. It matches ErrExists and
// kind.ErrConflict, so the HTTP layer answers 409.
type ExistsError struct {
	What string // "user" or "group"
	Name string
}

// Error names what is taken.
func (e *ExistsError) Error() string {
	return fmt.Sprintf("directory: %s name %q is already taken", e.What, e.Name)
}

// Unwrap lets errors.Is match ErrExists and kind.ErrConflict.
func (e *ExistsError) Unwrap() []error {
	return []error{ErrExists, kind.ErrConflict}
}

func notFound(what, key string) error {
	return fmt.Errorf("directory: %s %q: %w", what, key, kind.ErrNotFound)
}

// invalid returns a validation error for one field of what. The message
// is shown to people; it must never hold a password.
func invalid(what, field, rule, message string) error {
	return &kind.ValidationError{
		Type:   what,
		Fields: []kind.FieldError{{Field: field, Rule: rule, Message: message}},
	}
}
