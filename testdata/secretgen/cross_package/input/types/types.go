// Package types holds a secret type without declaring it.
package types

type Secret interface{ Secret() }

type Webhook struct {
	URL    string `validate:"required,http_url"`
	Token  string `style:"secret"`
}

func (Webhook) Secret() {}
