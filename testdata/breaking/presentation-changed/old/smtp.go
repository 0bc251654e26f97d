package old

import "github.com/secretgen/secretgen/enum"

var _ = enum.Variant[Credentials, SMTP]()

// Credentials is the family of this case's types.
type Credentials interface{ Credentials() bool }

// SMTP is an outgoing mail server.
type SMTP struct {
	Name     string `value:"My server" validate:"required"`
	Host     string `validate:"required,hostname|ip"`
	Port     int    `value:"587" validate:"min=1,max=65535"`
	Password string `style:"secret"`
	_        string `credentialName:"SMTP server"`
}

// Credentials marks SMTP as a credential.
func (SMTP) Credentials() bool { return true }
