package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/secretgen/secretgen/runtime/access"
	"github.com/secretgen/secretgen/runtime/kind"
)

// input is one field of an edit form as the template draws it.
type input struct {
	kind.Field
	Control string // "text", "number", "password", "checkbox", "textarea"
	Value   string
	Checked bool
	Error   string // the validation message shown beside the field
}

// inputsOf returns one input per field of form, filled from values, a
// JSON object (the defaults of a new secret, or a stored payload).
func inputsOf(form kind.Form, values map[string]json.RawMessage) []input {
	inputs := make([]input, len(form.Fields))
	for i, f := range form.Fields {
		in := input{Field: f, Control: control(f)}
		if raw, ok := values[f.Key]; ok {
			in.Value = display(raw)
			in.Checked = string(raw) == "true"
		}
		inputs[i] = in
	}
	return inputs
}

func control(f kind.Field) string {
	switch {
	case f.Secret():
		return "password"
	case f.Kind == kind.KindBool:
		return "checkbox"
	case f.Kind == kind.KindStrings || f.Style == "multiline":
		return "textarea"
	case f.Kind == kind.KindInt || f.Kind == kind.KindUint || f.Kind == kind.KindFloat:
		return "number"
	}
	return "text"
}

// display turns a JSON value into the text of an input: strings as they
// are, lists one item per line, anything else as written.
func display(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return strings.Join(list, "\n")
	}
	if string(raw) == "null" {
		return ""
	}
	return string(raw)
}

// defaultInputs returns the inputs of a new secret: each field's value
// tag as written, empty where there is none.
func defaultInputs(form kind.Form) []input {
	inputs := inputsOf(form, nil)
	for i := range inputs {
		inputs[i].Value = inputs[i].Default
		inputs[i].Checked = inputs[i].Default == "true"
	}
	return inputs
}

// payloadOf builds the JSON payload of a submitted form. A number that
// does not parse travels as a string, so the type's strict decoding names
// the field and what it wants; the form never guesses.
func payloadOf(form kind.Form, values url.Values) []byte {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, f := range form.Fields {
		if i > 0 {
			buf.WriteByte(',')
		}
		key, _ := json.Marshal(f.Key)
		buf.Write(key)
		buf.WriteByte(':')
		buf.Write(jsonValue(f, values))
	}
	buf.WriteByte('}')
	return buf.Bytes()
}

func jsonValue(f kind.Field, values url.Values) []byte {
	text := values.Get(f.Key)
	switch f.Kind {
	case kind.KindBool:
		return []byte(strconv.FormatBool(values.Has(f.Key)))
	case kind.KindStrings:
		return marshal(lines(text))
	case kind.KindInt, kind.KindUint, kind.KindFloat:
		return number(strings.TrimSpace(text))
	}
	return marshal(text)
}

// number returns a JSON number for text when it is one, 0 for an empty
// input, and a JSON string otherwise.
func number(text string) []byte {
	if text == "" {
		return []byte("0")
	}
	if _, err := strconv.ParseFloat(text, 64); err == nil && json.Valid([]byte(text)) {
		return []byte(text)
	}
	return marshal(text)
}

func lines(text string) []string {
	out := []string{}
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func marshal(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// fieldErrors returns the message for each field an error names: the
// rules of a *kind.ValidationError, the reason of a *kind.DecodeError.
// It reports false for any other error.
func fieldErrors(err error) (map[string]string, bool) {
	var verr *kind.ValidationError
	if errors.As(err, &verr) {
		out := map[string]string{}
		for _, f := range verr.Fields {
			out[f.Field] = f.Message
		}
		return out, true
	}
	var derr *kind.DecodeError
	if errors.As(err, &derr) && derr.Key != "" {
		return map[string]string{derr.Key: derr.Reason}, true
	}
	return nil, false
}

// withErrors puts each message beside its field.
func withErrors(inputs []input, messages map[string]string) []input {
	for i := range inputs {
		inputs[i].Error = messages[inputs[i].Key]
	}
	return inputs
}

// submitted refills inputs from the form just sent, so a person fixing
// one field does not type the others again.
func submitted(inputs []input, values url.Values) []input {
	for i := range inputs {
		inputs[i].Value = values.Get(inputs[i].Key)
		inputs[i].Checked = values.Has(inputs[i].Key)
	}
	return inputs
}

// masked reports whether a stored value is the mask of a hidden field.
func masked(value string) bool {
	return value == access.Mask
}
