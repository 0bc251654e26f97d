package input

import "github.com/secretgen/secretgen/enum"

type Secret interface{ Secret() }

var _ = enum.Variant[Secret, Token]()

type Token struct {
	Name    string
	Headers map[string]string
	Scopes  []int
	Next    *Token
}

func (Token) Secret() {}
