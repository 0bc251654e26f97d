package input

import "github.com/secretgen/secretgen/enum"

type Secret interface{ Secret() }

var _ = enum.Variant[Secret, Token]()

type Token struct {
	Enabled bool   `validate:"min=1"`
	Port    int    `validate:"email"`
	Small   int8   `validate:"max=1000"`
	Name    string `validate:"min=abc"`
	Other   string `validate:"eqfield=Name"`
}

func (Token) Secret() {}
