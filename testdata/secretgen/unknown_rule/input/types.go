package input

import "github.com/secretgen/secretgen/enum"

type Secret interface{ Secret() }

var _ = enum.Variant[Secret, Token]()

type Token struct {
	Host string `validate:"required,hostnam"`
	Port int    `validate:"min=1,maximum=10"`
}

func (Token) Secret() {}
