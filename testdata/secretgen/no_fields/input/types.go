// Package input declares a variant without stored fields: a marker that
// carries only its presentation.
package input

import "github.com/secretgen/secretgen/enum"

type Secret interface{ Secret() }

var _ = enum.Variant[Secret, Marker]()

type Marker struct {
	_ struct{} `credentialName:"Marker"`
}

func (Marker) Secret() {}
