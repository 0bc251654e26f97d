package codec

import (
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/secretgen/secretgen/runtime/kind"
)

// plain marks the bytes a string may hold without a closer look.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// maxDepth bounds the nesting of values skipped under unknown keys.
const maxDepth = 1000

// Decoder walks one JSON object key by key. The first error sticks: every
// later call returns a zero value and Next reports false.
type Decoder struct {
	typ    string
	data   []byte
	src    string // data as a string, made on the first String call
	pos    int
	keyAt  int  // start of the current key in data, or -1 when in keyBuf
	keyEnd int  // end of the current key in data
	inKey  bool // whether a value of the current key is being read
	state  int  // 0 before '{', 1 inside, 2 done
	keyBuf []byte
	err    *kind.DecodeError
}

// NewDecoder returns a decoder of data for the secret type typ, which
// errors name.
func NewDecoder(typ string, data []byte) *Decoder {
	return &Decoder{typ: typ, data: data}
}

// Err returns nil, or a *kind.DecodeError naming the key being read and
// what was wrong with it.
func (d *Decoder) Err() error {
	if d.err != nil {
		return d.err
	}
	return nil
}

// Key returns the key Next moved to. It is valid until the next call.
func (d *Decoder) Key() []byte {
	switch {
	case !d.inKey:
		return nil
	case d.keyAt < 0:
		return d.keyBuf
	}
	return d.data[d.keyAt:d.keyEnd]
}

// Next moves to the next key of the object and reports whether there is
// one. After the closing brace it checks that nothing but space follows.
func (d *Decoder) Next() bool {
	if d.err != nil || d.state == 2 {
		return false
	}
	d.inKey = false
	d.skipSpace()

	if d.state == 0 {
		if !d.consume('{') {
			return d.fail("want a JSON object")
		}
		d.state = 1
		d.skipSpace()
		if d.consume('}') {
			return d.finish()
		}
	} else {
		if d.consume('}') {
			return d.finish()
		}
		if !d.consume(',') {
			return d.fail("want a comma or the end of the object")
		}
		d.skipSpace()
	}

	return d.readKey()
}

func (d *Decoder) readKey() bool {
	start := d.pos + 1
	key, copied, ok := d.rawString(&d.keyBuf)
	if !ok {
		return d.fail("want a key")
	}
	d.keyAt, d.keyEnd = start, start+len(key)
	if copied {
		d.keyAt = -1
	}
	d.skipSpace()
	if !d.consume(':') {
		return d.fail("want a colon after the key")
	}
	d.inKey = true
	return true
}

func (d *Decoder) finish() bool {
	d.skipSpace()
	if d.pos != len(d.data) {
		return d.fail("unexpected data after the object")
	}
	d.state = 2
	return false
}

// fail records reason for the current key and returns false.
func (d *Decoder) fail(reason string) bool {
	if d.err != nil {
		return false
	}
	key := ""
	if d.inKey {
		key = string(d.Key())
	}
	d.err = &kind.DecodeError{Type: d.typ, Key: key, Reason: reason}
	return false
}

// Unknown handles a key the type does not have: it skips the value, or
// refuses the key when strict is set.
func (d *Decoder) Unknown(strict bool) {
	if strict {
		d.fail("unknown key")
		return
	}
	d.Skip()
}

// Skip reads over one value of any kind.
func (d *Decoder) Skip() {
	if d.err == nil {
		d.skipValue(0)
	}
}

// String reads a string; null reads as "".
func (d *Decoder) String() string {
	if d.null() {
		return ""
	}
	start := d.pos + 1
	s, copied, ok := d.rawString(nil)
	if !ok {
		d.fail("want a string")
		return ""
	}
	if copied {
		return string(s)
	}
	// One copy of the whole input serves every string without escapes.
	if d.src == "" {
		d.src = string(d.data)
	}
	return d.src[start : d.pos-1]
}

// Bool reads true or false; null reads as false.
func (d *Decoder) Bool() bool {
	switch {
	case d.null():
		return false
	case d.literal("true"):
		return true
	case d.literal("false"):
		return false
	}
	d.fail("want true or false")
	return false
}

// Int reads an integer that fits in bits bits; null reads as 0.
func (d *Decoder) Int(bits int) int64 {
	tok, ok := d.integer()
	if !ok {
		return 0
	}
	n, err := strconv.ParseInt(string(tok), 10, bits)
	if err != nil {
		d.fail("number out of range for int" + strconv.Itoa(bits))
		return 0
	}
	return n
}

// Uint reads a non-negative integer that fits in bits bits; null reads
// as 0.
func (d *Decoder) Uint(bits int) uint64 {
	tok, ok := d.integer()
	if !ok {
		return 0
	}
	n, err := strconv.ParseUint(string(tok), 10, bits)
	if err != nil {
		d.fail("number out of range for uint" + strconv.Itoa(bits))
		return 0
	}
	return n
}

// Float reads a number, or one of the strings "NaN", "+Inf" and "-Inf";
// null reads as 0.
func (d *Decoder) Float(bits int) float64 {
	if d.null() {
		return 0
	}
	if d.peek() == '"' {
		return d.specialFloat()
	}
	tok, _, ok := d.number()
	if !ok {
		d.fail("want a number")
		return 0
	}
	f, err := strconv.ParseFloat(string(tok), bits)
	if err != nil {
		d.fail("number out of range for float" + strconv.Itoa(bits))
		return 0
	}
	return f
}

func (d *Decoder) specialFloat() float64 {
	s, _, _ := d.rawString(nil)
	switch string(s) {
	case "NaN":
		return math.NaN()
	case "+Inf":
		return math.Inf(1)
	case "-Inf":
		return math.Inf(-1)
	}
	d.fail("want a number")
	return 0
}

// Duration reads a Go duration string such as "1m30s"; null reads as 0.
func (d *Decoder) Duration() time.Duration {
	if d.null() {
		return 0
	}
	s, _, ok := d.rawString(nil)
	if !ok {
		d.fail("want a duration string like \"1m30s\"")
		return 0
	}
	v, err := time.ParseDuration(string(s))
	if err != nil {
		d.fail("want a duration string like \"1m30s\"")
		return 0
	}
	return v
}

// Time reads an RFC 3339 time string; null reads as the zero time.
func (d *Decoder) Time() time.Time {
	if d.null() {
		return time.Time{}
	}
	s, _, ok := d.rawString(nil)
	if !ok {
		d.fail("want an RFC 3339 time string")
		return time.Time{}
	}
	v, err := time.Parse(time.RFC3339Nano, string(s))
	if err != nil {
		d.fail("want an RFC 3339 time string")
		return time.Time{}
	}
	return v
}

// Strings reads an array of strings; null reads as nil.
func (d *Decoder) Strings() []string {
	if d.null() {
		return nil
	}
	if !d.consume('[') {
		d.fail("want an array of strings")
		return nil
	}
	out := []string{}
	d.skipSpace()
	if d.consume(']') {
		return out
	}
	for {
		d.skipSpace()
		s, _, ok := d.rawString(nil)
		if !ok {
			d.fail("want an array of strings")
			return nil
		}
		out = append(out, string(s))
		d.skipSpace()
		if d.consume(']') {
			return out
		}
		if !d.consume(',') {
			d.fail("want an array of strings")
			return nil
		}
	}
}

func (d *Decoder) skipSpace() {
	data, i := d.data, d.pos
	for i < len(data) && (data[i] == ' ' || data[i] == '\n' || data[i] == '\t' || data[i] == '\r') {
		i++
	}
	d.pos = i
}

func (d *Decoder) peek() byte {
	if d.pos < len(d.data) {
		return d.data[d.pos]
	}
	return 0
}

func (d *Decoder) consume(c byte) bool {
	if d.peek() == c {
		d.pos++
		return true
	}
	return false
}

func (d *Decoder) literal(word string) bool {
	end := d.pos + len(word)
	if end <= len(d.data) && string(d.data[d.pos:end]) == word {
		d.pos = end
		return true
	}
	return false
}

// null skips space and reports whether a null literal was read. It does
// nothing once an error has been recorded.
func (d *Decoder) null() bool {
	if d.err != nil {
		return true
	}
	d.skipSpace()
	return d.literal("null")
}

func (d *Decoder) integer() ([]byte, bool) {
	if d.null() {
		return nil, false
	}
	tok, integral, ok := d.number()
	if !ok {
		d.fail("want a number")
		return nil, false
	}
	if !integral {
		d.fail("want an integer")
		return nil, false
	}
	return tok, true
}

// number scans a JSON number and reports whether it has neither fraction
// nor exponent.
func (d *Decoder) number() (tok []byte, integral, ok bool) {
	start := d.pos
	d.consume('-')
	if !d.consume('0') && !d.digits() {
		d.pos = start
		return nil, false, false
	}
	integral = true
	if d.consume('.') {
		integral = false
		if !d.digits() {
			return nil, false, false
		}
	}
	if d.consume('e') || d.consume('E') {
		integral = false
		if !d.consume('+') {
			d.consume('-')
		}
		if !d.digits() {
			return nil, false, false
		}
	}
	return d.data[start:d.pos], integral, true
}

// digits reads one or more decimal digits.
func (d *Decoder) digits() bool {
	start := d.pos
	for d.pos < len(d.data) && d.data[d.pos] >= '0' && d.data[d.pos] <= '9' {
		d.pos++
	}
	return d.pos > start
}

// rawString reads a JSON string. Without escapes or invalid UTF-8 it
// returns a slice of the input; otherwise the unescaped bytes, in *buf
// when buf is not nil, and reports copied.
func (d *Decoder) rawString(buf *[]byte) (s []byte, copied, ok bool) {
	if !d.consume('"') {
		return nil, false, false
	}
	start := d.pos
	ascii := true
	data, i := d.data, d.pos
	for i < len(data) && plain[data[i]] {
		i++
	}
	d.pos = i
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			s := d.data[start:d.pos]
			d.pos++
			if !ascii && !utf8.Valid(s) {
				return d.unescape(buf, start)
			}
			return s, false, true
		case c == '\\':
			return d.unescape(buf, start)
		case c < 0x20:
			return nil, false, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
		d.pos++
	}
	return nil, false, false
}

// unescape decodes the string that starts at start, replacing invalid
// UTF-8 with U+FFFD as encoding/json does.
func (d *Decoder) unescape(buf *[]byte, start int) ([]byte, bool, bool) {
	var out []byte
	if buf != nil {
		out = (*buf)[:0]
	}
	d.pos = start
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			d.pos++
			if buf != nil {
				*buf = out
			}
			return out, true, true
		case c == '\\':
			var ok bool
			out, ok = d.escape(out)
			if !ok {
				return nil, true, false
			}
		case c < 0x20:
			return nil, true, false
		case c < utf8.RuneSelf:
			out = append(out, c)
			d.pos++
		default:
			r, size := utf8.DecodeRune(d.data[d.pos:])
			out = utf8.AppendRune(out, r)
			d.pos += size
		}
	}
	return nil, true, false
}

// escape decodes the escape sequence at d.pos.
func (d *Decoder) escape(out []byte) ([]byte, bool) {
	if d.pos+1 >= len(d.data) {
		return nil, false
	}
	c := d.data[d.pos+1]
	d.pos += 2
	switch c {
	case '"', '\\', '/':
		return append(out, c), true
	case 'b':
		return append(out, '\b'), true
	case 'f':
		return append(out, '\f'), true
	case 'n':
		return append(out, '\n'), true
	case 'r':
		return append(out, '\r'), true
	case 't':
		return append(out, '\t'), true
	case 'u':
		r, ok := d.hex4()
		if !ok {
			return nil, false
		}
		if utf16High(r) {
			r = d.lowSurrogate(r)
		} else if utf16Low(r) {
			r = utf8.RuneError
		}
		return utf8.AppendRune(out, r), true
	}
	return nil, false
}

func utf16High(r rune) bool { return r >= 0xd800 && r < 0xdc00 }

func utf16Low(r rune) bool { return r >= 0xdc00 && r < 0xe000 }

// lowSurrogate completes the pair begun by high, or returns U+FFFD when
// no low surrogate follows.
func (d *Decoder) lowSurrogate(high rune) rune {
	save := d.pos
	if d.literal(`\u`) {
		if low, ok := d.hex4(); ok && utf16Low(low) {
			return (high-0xd800)<<10 + (low - 0xdc00) + 0x10000
		}
	}
	d.pos = save
	return utf8.RuneError
}

func (d *Decoder) hex4() (rune, bool) {
	if d.pos+4 > len(d.data) {
		return 0, false
	}
	var r rune
	for _, c := range d.data[d.pos : d.pos+4] {
		var v byte
		switch {
		case c >= '0' && c <= '9':
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(v)
	}
	d.pos += 4
	return r, true
}

// skipValue reads over any JSON value, nested at most maxDepth deep.
func (d *Decoder) skipValue(depth int) bool {
	if depth > maxDepth {
		return d.fail("value nested too deeply")
	}
	d.skipSpace()
	switch d.peek() {
	case '"':
		if _, _, ok := d.rawString(nil); !ok {
			return d.fail("invalid string")
		}
		return true
	case '{':
		return d.skipComposite('}', depth, true)
	case '[':
		return d.skipComposite(']', depth, false)
	}
	if d.literal("true") || d.literal("false") || d.literal("null") {
		return true
	}
	if _, _, ok := d.number(); ok {
		return true
	}
	return d.fail("invalid value")
}

func (d *Decoder) skipComposite(end byte, depth int, object bool) bool {
	d.pos++
	d.skipSpace()
	if d.consume(end) {
		return true
	}
	for {
		if object {
			d.skipSpace()
			if _, _, ok := d.rawString(nil); !ok {
				return d.fail("invalid object")
			}
			d.skipSpace()
			if !d.consume(':') {
				return d.fail("invalid object")
			}
		}
		if !d.skipValue(depth + 1) {
			return false
		}
		d.skipSpace()
		if d.consume(end) {
			return true
		}
		if !d.consume(',') {
			return d.fail("invalid nested value")
		}
	}
}
