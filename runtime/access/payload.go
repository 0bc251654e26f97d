package access

import (
	"encoding/json"
	"errors"
	"slices"

	"github.com/secretgen/secretgen/runtime/kind"
)

// canonical decodes a client's payload strictly, validates it and returns
// the type's canonical encoding. Errors are *kind.DecodeError or
// *kind.ValidationError and name keys and rules, never values.
func canonical(t kind.Type, payload []byte) ([]byte, error) {
	v, data, err := encoded(t, payload)
	if err != nil {
		return nil, err
	}
	if err := t.Validate(v); err != nil {
		return nil, err
	}
	return data, nil
}

// fresh is canonical for a new secret. Besides the type's rules, no field
// styled secret may hold Mask: stored, it would read as a masked value
// for good. One *kind.ValidationError lists every field that fails.
func fresh(t kind.Type, payload []byte) ([]byte, error) {
	v, data, err := encoded(t, payload)
	if err != nil {
		return nil, err
	}
	if err := withFields(t, t.Validate(v), maskHeld(t, data)); err != nil {
		return nil, err
	}
	return data, nil
}

// encoded decodes a client's payload strictly and returns the value and
// its canonical encoding.
func encoded(t kind.Type, payload []byte) (any, []byte, error) {
	v, err := t.Decode(payload, true)
	if err != nil {
		return nil, nil, err
	}
	data, err := t.Encode(v)
	if err != nil {
		return nil, nil, err
	}
	return v, data, nil
}

// maskHeld lists the fields styled secret whose value in the canonical
// payload is Mask.
func maskHeld(t kind.Type, data []byte) []kind.FieldError {
	m, err := object(t, data)
	if err != nil {
		return nil
	}

	var out []kind.FieldError
	for _, f := range t.Form.Fields {
		if f.Secret() && isMask(m[f.Key]) {
			out = append(out, kind.FieldError{Field: f.Key, Rule: "not_mask",
				Message: "is the mask placeholder, not a value"})
		}
	}
	return out
}

// withFields adds fields to the validation error err, or makes one of
// them when err is nil. Any other error is returned as it is.
func withFields(t kind.Type, err error, fields []kind.FieldError) error {
	if len(fields) == 0 {
		return err
	}
	if err == nil {
		return &kind.ValidationError{Type: t.Name, Fields: fields}
	}

	var ve *kind.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	all := append(slices.Clone(ve.Fields), fields...)
	return &kind.ValidationError{Type: ve.Type, Fields: all}
}

// object splits a JSON object into its keys. A payload that is not an
// object is a *kind.DecodeError that does not quote it.
func object(t kind.Type, payload []byte) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(payload, &m); err != nil || m == nil {
		return nil, &kind.DecodeError{Type: t.Name, Reason: "want a JSON object"}
	}
	return m, nil
}

// masked returns the payload with the value of every field styled secret
// replaced by Mask.
func masked(t kind.Type, payload []byte) ([]byte, error) {
	m, err := object(t, payload)
	if err != nil {
		return nil, err
	}

	mask, _ := json.Marshal(Mask)
	for _, f := range t.Form.Fields {
		if _, ok := m[f.Key]; ok && f.Secret() {
			m[f.Key] = mask
		}
	}
	return json.Marshal(m)
}

// merged returns the incoming payload with every field styled secret that
// is absent or holds Mask taken from the stored payload, so that a form
// can be saved without knowing the password.
func merged(t kind.Type, stored, incoming []byte) ([]byte, error) {
	in, err := object(t, incoming)
	if err != nil {
		return nil, err
	}
	old, err := object(t, stored)
	if err != nil {
		return nil, err
	}

	for _, f := range t.Form.Fields {
		if f.Secret() && keepsStored(in[f.Key]) {
			if v, ok := old[f.Key]; ok {
				in[f.Key] = v
			} else {
				delete(in, f.Key)
			}
		}
	}
	return json.Marshal(in)
}

// keepsStored reports whether an incoming value of a secret field means
// "leave it as it is": absent, or Mask.
func keepsStored(v json.RawMessage) bool {
	return v == nil || isMask(v)
}

// isMask reports whether a JSON value is the string Mask.
func isMask(v json.RawMessage) bool {
	var s string
	return v != nil && json.Unmarshal(v, &s) == nil && s == Mask
}

// readable reads a stored payload through the type's codec: decoded
// tolerantly, then encoded canonically, so that a key the type no longer
// has (a removed field, secret or not) never leaves the store. It returns
// the canonical payload and the credential's name. A payload that does
// not decode is an *UnreadableError naming the key, never the value.
func readable(t kind.Type, item kind.Item) ([]byte, string, error) {
	v, err := t.Decode(item.Payload, false)
	if err != nil {
		return nil, "", unreadable(item, err)
	}
	data, err := t.Encode(v)
	if err != nil {
		return nil, "", unreadable(item, err)
	}
	return data, nameOfValue(v), nil
}

func unreadable(item kind.Item, err error) *UnreadableError {
	return &UnreadableError{ID: item.ID, Type: item.Type, Reason: err.Error()}
}

// nameOf returns the credential's GetName, or "" when the payload does
// not decode or the type has no GetName.
func nameOf(t kind.Type, payload []byte) string {
	v, err := t.Decode(payload, false)
	if err != nil {
		return ""
	}
	return nameOfValue(v)
}

func nameOfValue(v any) string {
	if n, ok := v.(interface{ GetName() string }); ok {
		return n.GetName()
	}
	return ""
}
