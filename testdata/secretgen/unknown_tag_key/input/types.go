package input

import "github.com/secretgen/secretgen/enum"

type Secret interface{ Secret() }

var _ = enum.Variant[Secret, Token]()

type Token struct {
	Name  string `lable:"Name"`
	Value string `credentialName:"Token"`
	_     string `credentialName:"Token" label:"Token"`
}

func (Token) Secret() {}
