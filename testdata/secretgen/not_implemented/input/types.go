package input

import "github.com/secretgen/secretgen/enum"

type Secret interface {
	Secret()
	GetName() string
}

var _ = enum.Variant[Secret, Token]()
var _ = enum.Variant[Secret, Key]()

type Token struct {
	Name string
}

// Secret has a pointer receiver, so Token does not implement Secret.
func (*Token) Secret() {}

func (t Token) GetName() string { return t.Name }

type Key struct {
	Name string
}

func (Key) Secret() {}
