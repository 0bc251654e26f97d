package input

import "github.com/secretgen/secretgen/enum"

type Secret interface{ Secret() }

var _ = enum.Variant[Secret, Token]()

type Token struct {
	Name  string `label:"Name"`
	Value string `style:secret`
}

func (Token) Secret() {}
