// Package migrate converts stored payloads whose secret type has changed
// shape since they were written.
//
// A payload is the canonical JSON object of one secret version, keyed by
// json names, as a generated codec writes it and the store keeps it. When a
// field was retyped, the stored secret no longer decodes (the error names
// the key and why); its raw version stays in the store, and a developer
// converts it in code and saves it as the next version:
//
//	item, err := st.GetVersion(ctx, id, 3)
//	p, err := migrate.Convert(item.Payload, "Port", migrate.NumberFromString)
//	p, err = migrate.Rename(p, "Server", "Host")
//	v, err := generated.DecodeSMTP(p, false)
//	_, err = repos.SMTP.Update(ctx, id, current.Version, v)
//
// A field renamed with a formerKeys tag needs no migration: the codec
// reads the old key.
//
// Each function returns a new compact object with its keys sorted and
// leaves its input alone. A key that is absent is left absent: migrating
// the same payload twice changes nothing the second time. Errors name keys
// and reasons, never values.
package migrate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// ErrNotObject is returned when a payload is not a JSON object.
var ErrNotObject = errors.New("payload is not a JSON object")

// Rename moves the value under key from to key to. It returns an error
// when both keys are set, since one of the two values would be lost.
func Rename(payload []byte, from, to string) ([]byte, error) {
	obj, err := parse(payload)
	if err != nil {
		return nil, err
	}

	v, ok := obj[from]
	if !ok {
		return render(obj)
	}
	if _, taken := obj[to]; taken && from != to {
		return nil, fmt.Errorf("rename key %q to %q: both keys are set", from, to)
	}

	delete(obj, from)
	obj[to] = v
	return render(obj)
}

// Converter turns one stored JSON value into its new form. Its errors
// should, like every error here, name no value.
type Converter func(json.RawMessage) (json.RawMessage, error)

// Convert replaces the value under key with what f returns for it. f must
// return valid JSON; its errors are wrapped.
func Convert(payload []byte, key string, f Converter) ([]byte, error) {
	obj, err := parse(payload)
	if err != nil {
		return nil, err
	}

	v, ok := obj[key]
	if !ok {
		return render(obj)
	}
	out, err := f(v)
	if err != nil {
		return nil, fmt.Errorf("convert key %q: %w", key, err)
	}
	if !json.Valid(out) {
		return nil, fmt.Errorf("convert key %q: result is not valid JSON", key)
	}

	obj[key] = out
	return render(obj)
}

// Delete removes key, for a field that was dropped on purpose.
func Delete(payload []byte, key string) ([]byte, error) {
	obj, err := parse(payload)
	if err != nil {
		return nil, err
	}

	delete(obj, key)
	return render(obj)
}

// NumberFromString is a Converter: it turns a JSON string that
// holds a number, such as "587", into the number 587.
func NumberFromString(v json.RawMessage) (json.RawMessage, error) {
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return nil, errors.New("want a JSON string")
	}
	var n json.Number
	if err := json.Unmarshal([]byte(s), &n); err != nil {
		return nil, errors.New("string does not hold a number")
	}

	return json.RawMessage(n.String()), nil
}

// StringFromNumber is a Converter: it turns a JSON number,
// such as 587, into the string "587".
func StringFromNumber(v json.RawMessage) (json.RawMessage, error) {
	var n json.Number
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	if err := dec.Decode(&n); err != nil {
		return nil, errors.New("want a JSON number")
	}

	return json.Marshal(n.String())
}

// parse reads a payload into its top-level keys. The decoder's own error
// text is dropped: it may quote a piece of the payload.
func parse(payload []byte) (map[string]json.RawMessage, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(payload, &obj); err != nil || obj == nil {
		return nil, ErrNotObject
	}
	return obj, nil
}

// render writes obj compactly with sorted keys; encoding/json sorts map
// keys, and compacting makes the output independent of input spacing.
func render(obj map[string]json.RawMessage) ([]byte, error) {
	out, err := json.Marshal(obj)
	if err != nil {
		return nil, errors.New("encode payload: a value is not valid JSON")
	}
	return out, nil
}
