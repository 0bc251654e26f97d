package input

import "github.com/secretgen/secretgen/enum"

type Secret interface{ Secret() }

var _ = enum.Variant[Secret, Token]()

// Token is a string, not a struct.
type Token string

func (Token) Secret() {}
