// Package input has a struct but no enum.Variant declaration.
package input

type Token struct {
	Value string
}
