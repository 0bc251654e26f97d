// Package decl declares a variant of a type from another package with a
// renamed import of enum, and renames the variant.
package decl

import (
	e "github.com/secretgen/secretgen/enum"

	"github.com/secretgen/secretgen/testdata/secretgen/cross_package/input/types"
)

var _ = e.Variant[types.Secret, types.Webhook](e.Rename[types.Webhook]("Hook"))
