package input

import "github.com/secretgen/secretgen/enum"

type Secret interface{ Secret() }

var _ = enum.Variant[Secret, Box[string]]()

type Box[T any] struct {
	Value T
}

func (Box[T]) Secret() {}
