// Package codec reads and writes the canonical JSON of secret types without
// reflection. secretgen emits, per type, an encoder that appends each key
// and value in field order and a decoder that walks the object key by key:
//
//	b = append(b, `{"Host":`...)
//	b = codec.AppendString(b, v.Host)
//	…
//	d := codec.NewDecoder("SMTP", data)
//	for d.Next() {
//		switch string(d.Key()) {
//		case "Host":
//			v.Host = d.String()
//		default:
//			d.Unknown(strict) // skipped, or refused when strict
//		}
//	}
//	err := d.Err() // a *kind.DecodeError naming the key, never the value
//
// Durations are written as Go duration strings ("1m30s"), times as RFC 3339
// strings with nanoseconds, floats that JSON cannot hold as the strings
// "NaN", "+Inf" and "-Inf".
package codec

import (
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

const hex = "0123456789abcdef"

// AppendString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD.
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		for i < len(s) && plain[s[i]] {
			i++
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			b = appendEscape(b, c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func appendEscape(b []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(b, '\\', c)
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	}
	return append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
}

// AppendBool appends true or false.
func AppendBool(b []byte, v bool) []byte {
	return strconv.AppendBool(b, v)
}

// AppendInt appends v as a JSON number.
func AppendInt(b []byte, v int64) []byte {
	return strconv.AppendInt(b, v, 10)
}

// AppendUint appends v as a JSON number.
func AppendUint(b []byte, v uint64) []byte {
	return strconv.AppendUint(b, v, 10)
}

// AppendFloat appends v as the shortest JSON number that reads back as
// the same float of the given bit size, or as a string for NaN and the
// infinities.
func AppendFloat(b []byte, v float64, bits int) []byte {
	switch {
	case math.IsNaN(v):
		return append(b, `"NaN"`...)
	case math.IsInf(v, 1):
		return append(b, `"+Inf"`...)
	case math.IsInf(v, -1):
		return append(b, `"-Inf"`...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, bits)
}

// AppendDuration appends v as a Go duration string.
func AppendDuration(b []byte, v time.Duration) []byte {
	return AppendString(b, v.String())
}

// AppendTime appends v as an RFC 3339 string with nanoseconds.
func AppendTime(b []byte, v time.Time) []byte {
	b = append(b, '"')
	b = v.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

// AppendStrings appends v as a JSON array of strings, or null when v is
// nil.
func AppendStrings(b []byte, v []string) []byte {
	if v == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range v {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendString(b, s)
	}
	return append(b, ']')
}
