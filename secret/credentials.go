// Package secret holds the Credentials interface and the built-in secret
// types. Each type is a plain struct plus one declaration line:
//
//	var _ = enum.Variant[Credentials, SMTP]()
//
// `go generate ./...` runs secretgen, which writes the form schema,
// validator, codec, repository and handlers for every declared type into
// ../generated.
package secret

//go:generate go run github.com/secretgen/secretgen/cmd/secretgen generate .

// Credentials is implemented by every secret type.
type Credentials interface {
	// GetName returns the name a person gave this secret.
	GetName() string
	// Credentials marks the type as a credential; it always returns true.
	Credentials() bool
	// IsZero reports whether no field is set.
	IsZero() bool
}
