// Package input has a field of every supported kind, former keys, and
// rules that run natively and through validator/v10.
package input

import (
	"time"

	"github.com/secretgen/secretgen/enum"
)

type Secret interface{ Secret() }

var _ = enum.Variant[Secret, Everything]()

type Level string

type Everything struct {
	Text     string        `json:"text" formerKeys:"body,content" style:"multiline" validate:"omitempty,min=2,max=100"`
	Flag     bool          `json:"flag" value:"true"`
	I        int           `json:"i" validate:"gt=-5,lt=5"`
	I8       int8          `json:"i8" value:"-7"`
	I16      int16         `json:"i16"`
	I32      int32         `json:"i32" validate:"oneof=1 2 3"`
	I64      int64         `json:"i64"`
	U        uint          `json:"u"`
	U8       uint8         `json:"u8" validate:"lte=200"`
	U16      uint16        `json:"u16"`
	U32      uint32        `json:"u32"`
	U64      uint64        `json:"u64" value:"18446744073709551615"`
	F32      float32       `json:"f32" value:"1.5"`
	F64      float64       `json:"f64" validate:"min=0.5"`
	Timeout  time.Duration `json:"timeout" value:"1m30s" validate:"min=1s,max=1h"`
	Since    time.Time     `json:"since" value:"2024-01-02T03:04:05Z"`
	Tags     []string      `json:"tags" value:"a,b" validate:"max=5,dive,email"`
	Level    Level         `json:"level" value:"info" validate:"oneof=debug info warn"`
	ID       string        `json:"id" validate:"omitempty,uuid4"`
	Endpoint string        `json:"endpoint" validate:"required,url|ipv4|ipv6|fqdn|hostname_rfc1123"`
}

func (Everything) Secret() {}
