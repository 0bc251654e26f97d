package input

import "github.com/secretgen/secretgen/enum"

type Secret interface{ Secret() }

var _ = enum.Variant[Secret, Token]()

// Token has fields Name and name-keyed Label: JSON decoders match keys
// ignoring case, so the two would collide.
type Token struct {
	Name  string
	Label string `json:"name"`
}

func (Token) Secret() {}
