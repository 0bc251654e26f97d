package model

// Field kinds. They equal the Kind constants of runtime/kind, which
// generated code uses; the generator's stages do not import the runtime.
const (
	KindString   = "string"
	KindBool     = "bool"
	KindInt      = "int"
	KindUint     = "uint"
	KindFloat    = "float"
	KindDuration = "duration"
	KindTime     = "time"
	KindStrings  = "strings"
)
