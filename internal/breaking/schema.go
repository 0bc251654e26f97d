package breaking

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"strings"
)

// schemaSuffix ends the name of every schema file; the part before it is
// the variant name.
const schemaSuffix = ".schema.json"

// Schema is one secret type's JSON Schema document as the check reads it:
// its top-level keywords and its properties in document order.
type Schema struct {
	// Name is the variant name, taken from the file name.
	Name string
	// Path says where the document was read, e.g.
	// "HEAD:generated/schemas/SMTP.schema.json"; it positions a change
	// to a type that no longer exists in the source.
	Path string
	// Keywords holds the top-level keywords except properties and required.
	Keywords map[string]json.RawMessage
	// Properties are the fields, in the order the document lists them.
	Properties []Property
	// Required holds the keys the top-level required keyword lists.
	Required map[string]bool
}

// Property is one field of a schema.
type Property struct {
	Key      string
	Keywords map[string]json.RawMessage
}

// Property returns the property with the given key.
func (s *Schema) Property(key string) (Property, bool) {
	for _, p := range s.Properties {
		if p.Key == key {
			return p, true
		}
	}
	return Property{}, false
}

// ParseSchema reads a schema document. file is the name it was read
// under; its base name, minus ".schema.json", is the variant name.
func ParseSchema(file string, data []byte) (*Schema, error) {
	name, ok := strings.CutSuffix(path.Base(file), schemaSuffix)
	if !ok || name == "" {
		return nil, fmt.Errorf("schema %q: name does not end in %s", file, schemaSuffix)
	}

	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil || top == nil {
		return nil, fmt.Errorf("schema %q: not a JSON object", file)
	}

	s := &Schema{Name: name, Path: file, Keywords: top, Required: map[string]bool{}}
	if err := s.readProperties(top["properties"]); err != nil {
		return nil, fmt.Errorf("schema %q: properties: %w", file, err)
	}
	if err := s.readRequired(top["required"]); err != nil {
		return nil, fmt.Errorf("schema %q: required: %w", file, err)
	}

	delete(top, "properties")
	delete(top, "required")
	return s, nil
}

func (s *Schema) readProperties(raw json.RawMessage) error {
	if raw == nil {
		return nil
	}
	keys, err := objectKeys(raw)
	if err != nil {
		return err
	}

	var props map[string]map[string]json.RawMessage
	if err := json.Unmarshal(raw, &props); err != nil {
		return fmt.Errorf("want an object of objects")
	}
	for _, k := range keys {
		s.Properties = append(s.Properties, Property{Key: k, Keywords: props[k]})
	}
	return nil
}

func (s *Schema) readRequired(raw json.RawMessage) error {
	if raw == nil {
		return nil
	}
	var keys []string
	if err := json.Unmarshal(raw, &keys); err != nil {
		return fmt.Errorf("want an array of strings")
	}

	for _, k := range keys {
		s.Required[k] = true
	}
	return nil
}

// objectKeys returns the keys of a JSON object in document order, which
// a map would lose.
func objectKeys(raw json.RawMessage) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("want an object")
	}

	var keys []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("want an object")
		}
		keys = append(keys, t.(string))

		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, fmt.Errorf("want an object")
		}
	}
	return keys, nil
}

// canon returns raw in a canonical form, object keys sorted and no
// space, so two spellings of one value compare equal.
func canon(raw json.RawMessage) string {
	if raw == nil {
		return ""
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // keep 9223372036854775807 exact
	var v any
	if err := dec.Decode(&v); err != nil {
		return string(raw)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
