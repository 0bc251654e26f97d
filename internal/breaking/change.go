package breaking

import "fmt"

// Kind names what changed.
type Kind string

// The kinds of change the check reports.
const (
	FieldRemoved        Kind = "field removed"
	FieldRetyped        Kind = "field retyped"
	KeyRenamed          Kind = "json key renamed"
	TypeRenamed         Kind = "type renamed"
	TypeRemoved         Kind = "type removed"
	SecretDropped       Kind = "secret style dropped"
	SecretAdded         Kind = "secret style added"
	StyleChanged        Kind = "style changed"
	DefaultChanged      Kind = "default changed"
	ValidationTightened Kind = "validation tightened"
	ValidationLoosened  Kind = "validation loosened"
	GroupsChanged       Kind = "group policy changed"
	PresentationChanged Kind = "presentation changed"
	FieldAdded          Kind = "field added"
	TypeAdded           Kind = "type added"
)

// Category says whom a change hurts, in the manner of buf's breaking
// categories: stored data, API clients, or nobody.
type Category string

const (
	// StoredData: secrets stored under the old shape no longer open,
	// lose a value, or may fail validation when next saved.
	StoredData Category = "stored-data"
	// API: clients written against the old shape send or receive
	// something different; stored secrets are safe.
	API Category = "api"
	// Cosmetic: only how a type is presented changed.
	Cosmetic Category = "cosmetic"
	// Compatible: the shape grew or loosened; nothing that worked stops.
	Compatible Category = "compatible"
)

// Breaking reports whether changes of this category fail the check.
func (c Category) Breaking() bool {
	return c == StoredData || c == API
}

// String says, for people, what the category means.
func (c Category) String() string {
	switch c {
	case StoredData:
		return "breaks stored data"
	case API:
		return "breaks API clients"
	}
	return string(c)
}

// categories gives every kind its category.
var categories = map[Kind]Category{
	FieldRemoved:        StoredData,
	FieldRetyped:        StoredData,
	TypeRenamed:         StoredData,
	TypeRemoved:         StoredData,
	ValidationTightened: StoredData,
	KeyRenamed:          API,
	SecretDropped:       API,
	SecretAdded:         API,
	DefaultChanged:      API,
	GroupsChanged:       API,
	StyleChanged:        Cosmetic,
	PresentationChanged: Cosmetic,
	ValidationLoosened:  Compatible,
	FieldAdded:          Compatible,
	TypeAdded:           Compatible,
}

// Change is one difference between the old and the new schemas.
type Change struct {
	Kind     Kind
	Category Category
	Type     string // variant name; the new name of a renamed type
	Field    string // json key; the new key of a renamed field; "" for a type
	Pos      string // file:line:col in the current source, or the old schema's path
	Detail   string // what changed and what it means, never a secret value
}

// String renders the change as one report line:
//
//	secret/smtp.go:14:2: SMTP.Port: field retyped: integer to string (breaks stored data)
func (c Change) String() string {
	what := c.Type
	if c.Field != "" {
		what += "." + c.Field
	}
	line := fmt.Sprintf("%s: %s: %s (%s)", what, c.Kind, c.Detail, c.Category)
	if c.Pos != "" {
		line = c.Pos + ": " + line
	}
	return line
}

func change(k Kind, typ, field, detail string) Change {
	return Change{Kind: k, Category: categories[k], Type: typ, Field: field, Detail: detail}
}
