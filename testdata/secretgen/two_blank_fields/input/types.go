package input

import "github.com/secretgen/secretgen/enum"

type Secret interface{ Secret() }

var _ = enum.Variant[Secret, Token]()

type Token struct {
	Value string   `style:"secret" validate:"required"`
	_     string   `credentialName:"API token" credentialDescription:"A token for the API."`
	_     struct{} `credentialLogo:"89504e470d0a1a0a" requireGroup:"ops, system"`
}

func (Token) Secret() {}
