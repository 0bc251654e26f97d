package input

import (
	"time"

	"github.com/secretgen/secretgen/enum"
)

type Secret interface{ Secret() }

var _ = enum.Variant[Secret, Token]()

type Token struct {
	Port    int           `value:"http"`
	Small   int8          `value:"300"`
	Enabled bool          `value:"yes please"`
	Timeout time.Duration `value:"5 minutes"`
}

func (Token) Secret() {}
