// Package input declares variants of two interfaces in one run.
package input

import "github.com/secretgen/secretgen/enum"

type Credential interface{ Credential() }

type Certificate interface{ PEM() string }

var (
	_ = enum.Variant[Credential, Token]()
	_ = enum.Variant[Certificate, Cert]()
)

type Token struct {
	Value string `style:"secret"`
}

func (Token) Credential() {}

type Cert struct {
	Chain string `style:"multiline" validate:"required"`
}

func (c Cert) PEM() string { return c.Chain }
