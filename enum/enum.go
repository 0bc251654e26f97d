// Package enum is the declaration vocabulary that secretgen reads.
//
// A secret type joins the set of credentials with one line beside its
// struct:
//
//	var _ = enum.Variant[secret.Credentials, secret.SMTP]()
//
// The calls do nothing at run time: there is no registry and no reflection.
// secretgen finds them by their resolved function object when it loads the
// package, so renamed imports and aliases work, and the declaration may live
// in a package other than the type's.
package enum

// Option adjusts how secretgen names or treats a variant.
type Option interface {
	option()
}

// rename is the Option made by Rename.
type rename struct {
	name string
}

func (rename) option() {}

// Variant declares Member as one variant of the Interface family. It returns
// nil; the call exists for secretgen to read.
func Variant[Interface, Member any](opts ...Option) any {
	return nil
}

// Rename gives the variant Member the public name name instead of its Go
// type name. The name is what stored secrets and the API refer to.
func Rename[Member any](name string) Option {
	return rename{name: name}
}
