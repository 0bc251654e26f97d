package input

import "github.com/secretgen/secretgen/enum"

type Secret interface{ Secret() }

var _ = enum.Variant[Secret, Token]()
var _ = enum.Variant[Secret, Key](enum.Rename[Key]("Token"))

type Token struct {
	Name string
}

func (Token) Secret() {}

type Key struct {
	Name string
}

func (Key) Secret() {}
