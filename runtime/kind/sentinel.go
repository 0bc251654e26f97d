package kind

import "errors"

// Errors shared by the store, the use cases and the HTTP layer. Match them
// with errors.Is; the concrete errors carry context.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("version conflict")
)
