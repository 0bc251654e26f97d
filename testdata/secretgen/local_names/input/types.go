// Package input names fields like the locals, parameters and imports of
// generated code.
package input

import "github.com/secretgen/secretgen/enum"

type Secret interface{ Secret() }

var _ = enum.Variant[Secret, Token]()

type Token struct {
	V10    string `validate:"required"`
	Type   string
	Err    string
	Ctx    string
	V      string
	D      string
	B      int
	Data   string
	Strict bool
	Kind   string
	Codec  string
	Errs   string
	Item   string
	Store  string
}

func (Token) Secret() {}
