package access_test

import (
	"github.com/secretgen/secretgen/generated"
	"github.com/secretgen/secretgen/runtime/kind"
)

// registry holds the built-in types SMTP and Jira as secretgen emits them.
func registry() kind.Registry {
	return generated.Registry()
}
