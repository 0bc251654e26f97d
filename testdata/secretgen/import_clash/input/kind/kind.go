// Package kind has the name of the runtime package that generated code
// imports, and a type named like one of that package's types.
package kind

import "github.com/secretgen/secretgen/enum"

type Secret interface{ Secret() }

var _ = enum.Variant[Secret, Field]()

// Field is a secret type named like kind.Field.
type Field struct {
	Rules string `validate:"required"`
	Codec string
}

func (Field) Secret() {}
