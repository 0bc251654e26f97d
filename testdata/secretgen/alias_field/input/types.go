package input

import "github.com/secretgen/secretgen/enum"

type Secret interface{ Secret() }

var _ = enum.Variant[Secret, Token]()

// Text is an alias; Port is a named type. Both are fields' types.
type (
	Text = string
	Port uint16
	Tags []string
)

type Token struct {
	Name  Text `value:"default" validate:"required,max=20"`
	Port  Port `value:"443" validate:"gte=1"`
	Scope Tags `value:"read,write" validate:"min=1"`
}

func (Token) Secret() {}
