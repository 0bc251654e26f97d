// Package input declares a variant through an alias of a type from
// another package.
package input

import (
	"github.com/secretgen/secretgen/enum"
	"github.com/secretgen/secretgen/secret"
)

// Mail is another name for the built-in SMTP type.
type Mail = secret.SMTP

var _ = enum.Variant[secret.Credentials, Mail]()
