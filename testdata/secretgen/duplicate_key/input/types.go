package input

import "github.com/secretgen/secretgen/enum"

type Secret interface{ Secret() }

var _ = enum.Variant[Secret, Token]()

type Token struct {
	Name  string `json:"name"`
	Title string `json:"name"`
}

func (Token) Secret() {}
