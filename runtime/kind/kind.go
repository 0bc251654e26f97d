// Package kind is the contract between generated code and the runtime.
//
// secretgen emits, for every declared secret type, a Type value: its form
// schema, its codec and its validator, all without reflection. The generated
// package hands the runtime a Registry of them explicitly:
//
//	reg := generated.Registry() // kind.Registry
//	smtp, ok := reg.Lookup("SMTP")
//	v, err := smtp.Decode(body, true) // strict: unknown keys refused
//	if err == nil {
//		err = smtp.Validate(v) // *ValidationError listing fields and rules
//	}
//
// The runtime's core depends on this package only, never on generated code.
package kind

import (
	"sort"
)

// Field kinds as they appear in Field.Kind and in the JSON schemas.
const (
	KindString   = "string"
	KindBool     = "bool"
	KindInt      = "int"   // every signed integer kind; Bits says which
	KindUint     = "uint"  // every unsigned integer kind; Bits says which
	KindFloat    = "float" // float32 and float64; Bits says which
	KindDuration = "duration"
	KindTime     = "time"
	KindStrings  = "strings" // []string
)

// Field describes one field of a secret type as forms and the API see it.
type Field struct {
	Name           string   // Go field name, e.g. "SenderAddress"
	Key            string   // JSON key in the codec and the API
	FormerKeys     []string // keys this field was stored under before a rename
	Kind           string   // one of the Kind constants
	Bits           int      // size for int, uint and float kinds; 0 otherwise
	Label          string   // caption; the field name when no label tag is set
	SupportingText string   // help text shown under the input
	Default        string   // the value tag, as written
	Style          string   // "" or "secret", "multiline", …
	Rules          string   // the validate tag, as written
	Required       bool     // whether Rules demand a value
}

// Secret reports whether the field is styled secret: masked in forms,
// never echoed in lists or logs, revealed to viewers only on request.
func (f Field) Secret() bool {
	return f.Style == "secret"
}

// Form is the typed form schema of a secret type.
type Form struct {
	Type        string // the variant name, e.g. "SMTP"
	Title       string // credentialName, else the variant name
	Description string // credentialDescription
	Logo        string // credentialLogo: an https URL or hex image bytes
	Fields      []Field
}

// Field returns the field with the given JSON key.
func (f Form) Field(key string) (Field, bool) {
	for _, fd := range f.Fields {
		if fd.Key == key {
			return fd, true
		}
	}
	return Field{}, false
}

// Type is everything the runtime needs to handle one secret type.
type Type struct {
	// Name is the variant name stored with every secret of this type.
	Name string
	// Form is the form schema.
	Form Form
	// Groups lists the groups a secret of this type must be attached to;
	// its creator must belong to each of them.
	Groups []string
	// Fingerprint changes whenever the stored shape of the type changes.
	Fingerprint string
	// Schema is the type's JSON Schema document (2020-12).
	Schema []byte

	// Defaults returns a new value filled from the value tags.
	Defaults func() any
	// Decode parses a canonical JSON object into a value of the type.
	// Unknown and missing keys are tolerated unless strict is set, in which
	// case unknown keys are an error. Errors name keys, never values.
	Decode func(data []byte, strict bool) (any, error)
	// Encode writes the canonical JSON object of a value of the type.
	Encode func(v any) ([]byte, error)
	// Validate checks a value of the type and returns nil or a
	// *ValidationError.
	Validate func(v any) error
}

// Registry is the set of secret types a platform knows.
type Registry struct {
	Types []Type
}

// Lookup returns the type with the given variant name.
func (r Registry) Lookup(name string) (Type, bool) {
	for _, t := range r.Types {
		if t.Name == name {
			return t, true
		}
	}
	return Type{}, false
}

// Names returns the variant names in sorted order.
func (r Registry) Names() []string {
	names := make([]string, 0, len(r.Types))
	for _, t := range r.Types {
		names = append(names, t.Name)
	}
	sort.Strings(names)
	return names
}

// Merge returns a registry holding the types of r and of others. A later
// type with the same name replaces an earlier one.
func (r Registry) Merge(others ...Registry) Registry {
	out := Registry{Types: append([]Type(nil), r.Types...)}
	for _, o := range others {
		for _, t := range o.Types {
			out = out.with(t)
		}
	}
	return out
}

func (r Registry) with(t Type) Registry {
	for i, have := range r.Types {
		if have.Name == t.Name {
			r.Types[i] = t
			return r
		}
	}
	r.Types = append(r.Types, t)
	return r
}
