//go:build pro

package input

import "github.com/secretgen/secretgen/enum"

var _ = enum.Variant[Secret, License]()

// License exists only in builds with the pro tag.
type License struct {
	Key string `style:"secret" validate:"required,len=16"`
}

func (License) Secret() {}
