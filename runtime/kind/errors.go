package kind

import (
	"fmt"
	"strings"
)

// FieldError says which rule a field broke. It never holds the value.
type FieldError struct {
	Field   string `json:"field"`   // JSON key
	Rule    string `json:"rule"`    // the validator rule, e.g. "max"
	Message string `json:"message"` // for people, e.g. "must be at most 65535"
}

// ValidationError lists every field that failed validation.
type ValidationError struct {
	Type   string
	Fields []FieldError
}

// Error names the type and each field with its rule.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = fmt.Sprintf("%s: %s (%s)", f.Field, f.Message, f.Rule)
	}
	return fmt.Sprintf("invalid %s: %s", e.Type, strings.Join(parts, "; "))
}

// DecodeError says which key of an input could not be decoded and why.
// It never holds the value.
type DecodeError struct {
	Type   string
	Key    string // empty when the input is not a JSON object at all
	Reason string // e.g. "want a number", "unknown key"
}

// Error names the type, the key and the reason.
func (e *DecodeError) Error() string {
	if e.Key == "" {
		return fmt.Sprintf("decode %s: %s", e.Type, e.Reason)
	}
	return fmt.Sprintf("decode %s: key %q: %s", e.Type, e.Key, e.Reason)
}
