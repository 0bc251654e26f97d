// Package types is the input of the end-to-end test: a secret type of a
// platform outside this module.
package types

import (
	"time"

	"github.com/secretgen/secretgen/enum"
)

// Credentials is the platform's own family of secret types.
type Credentials interface {
	GetName() string
}

var _ = enum.Variant[Credentials, Webhook]()

// Webhook is an outgoing webhook with a signing key.
type Webhook struct {
	Name    string        `value:"My webhook" validate:"required"`
	URL     string        `json:"url" formerKeys:"endpoint" validate:"required,http_url"`
	Key     string        `style:"secret" validate:"required,min=8"`
	Retries uint8         `value:"3" validate:"max=10"`
	Timeout time.Duration `value:"10s"`
	Events  []string      `validate:"omitempty,dive,oneof=push tag"`
	_       struct{}      `credentialName:"Webhook" requireGroup:"ops"`
}

// GetName returns the webhook's name.
func (w Webhook) GetName() string { return w.Name }
