package secret

import "github.com/secretgen/secretgen/enum"

var _ = enum.Variant[Credentials, SMTP]()

// SMTP is an outgoing mail server. A secret of this type must belong to
// the group system, and its creator must be a member of it.
type SMTP struct {
	Name          string `value:"My SMTP server" validate:"required"`
	Host          string `validate:"required,hostname|ip"`
	Port          int    `value:"587" validate:"min=1,max=65535"`
	Username      string
	Password      string `style:"secret"`
	SenderAddress string `label:"Sender address" supportingText:"The From address of mail sent through this server." validate:"omitempty,email"`
	_             string `credentialName:"SMTP outgoing server" credentialDescription:"An outgoing mail server, needed to send e-mail." credentialLogo:"https://www.thunderbird.net/media/img/thunderbird/favicon-196.png" requireGroup:"system"`
}

// Credentials marks SMTP as a credential.
func (SMTP) Credentials() bool { return true }

// GetName returns the name of the server entry.
func (s SMTP) GetName() string { return s.Name }

// IsZero reports whether no field is set.
func (s SMTP) IsZero() bool { return s == SMTP{} }
