package input

import "github.com/secretgen/secretgen/enum"

type Secret interface{ Secret() }

var _ = enum.Variant[Secret, Token]()

// Endpoint is embedded; its fields are promoted into Token.
type Endpoint struct {
	Host string `validate:"required,hostname"`
	Port int    `value:"443"`
}


type Token struct {
	Endpoint
	Value string `style:"secret"`
	Name  string `validate:"required"`
}

func (Token) Secret() {}
