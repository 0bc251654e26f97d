package model

import (
	"testing"

	"github.com/secretgen/secretgen/runtime/kind"
)

// TestKindsMatchRuntime keeps the model's kind names equal to the
// runtime's, which generated code refers to.
func TestKindsMatchRuntime(t *testing.T) {
	pairs := [][2]string{
		{KindString, kind.KindString},
		{KindBool, kind.KindBool},
		{KindInt, kind.KindInt},
		{KindUint, kind.KindUint},
		{KindFloat, kind.KindFloat},
		{KindDuration, kind.KindDuration},
		{KindTime, kind.KindTime},
		{KindStrings, kind.KindStrings},
	}
	for _, p := range pairs {
		if p[0] != p[1] {
			t.Errorf("model kind %q, runtime kind %q", p[0], p[1])
		}
	}
}
