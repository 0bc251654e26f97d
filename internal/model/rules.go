package model

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"
)

// StringRules are the validator tags compiled to calls of runtime/rules.
var StringRules = []string{"email", "hostname", "hostname_rfc1123", "fqdn", "ip", "ipv4", "ipv6", "url", "http_url"}

// SizeRules are the validator tags compiled to comparisons of a number,
// a duration, a string's length in runes or a list's length.
var SizeRules = []string{"min", "max", "len", "gt", "gte", "lt", "lte"}

var sizeKinds = []string{KindString, KindInt, KindUint, KindFloat, KindDuration, KindStrings}

var oneofKinds = []string{KindString, KindInt, KindUint}

// trial is the validator that every rule is tried with when generating.
var trial = validator.New(validator.WithRequiredStructEnabled())

// rules parses and checks the validate tag of fd.
func (b *builder) rules(fd *Field, e tagEntry) {
	fd.Rules = e.value
	if strings.TrimSpace(e.value) == "" {
		return
	}
	if strings.Contains(e.value, "dive") {
		b.diveRules(fd, e)
		return
	}

	for i, part := range strings.Split(e.value, ",") {
		r, ok := b.rule(fd, e, part)
		if !ok {
			return
		}
		fd.Checks = append(fd.Checks, r)
		if !native(fd.Kind, r, i) {
			fd.Fallback = true
		}
		if len(r.Alts) == 1 && r.Alts[0].Tag == "required" {
			fd.Required = true
		}
	}
}

// rule parses and tries one comma-separated rule.
func (b *builder) rule(fd *Field, e tagEntry, part string) (Rule, bool) {
	var r Rule
	for alt := range strings.SplitSeq(part, "|") {
		tag, param, _ := strings.Cut(alt, "=")
		if tag == "" {
			b.ds.Addf(e.pos, "validate tag of field %s has an empty rule", fd.GoName)
			return Rule{}, false
		}
		if crossField(tag) {
			b.ds.Addf(e.pos, "validate rule %q on field %s compares fields; generated validators check each field alone", tag, fd.GoName)
			return Rule{}, false
		}
		if msg := try(sample(fd.Kind, fd.Bits), alt); msg != "" {
			b.ds.Addf(e.pos, "validate rule %q on field %s (%s): %s", alt, fd.GoName, fd.GoType(), msg)
			return Rule{}, false
		}
		if slices.Contains(StringRules, tag) && fd.Kind != KindString {
			b.ds.Addf(e.pos, "validate rule %q on field %s (%s): it checks strings only", alt, fd.GoName, fd.GoType())
			return Rule{}, false
		}
		a := Alt{Tag: tag, Param: param}
		if msg := checkParam(fd.Kind, fd.Bits, a); msg != "" {
			b.ds.Addf(e.pos, "validate rule %q on field %s (%s): %s", alt, fd.GoName, fd.GoType(), msg)
			return Rule{}, false
		}
		r.Alts = append(r.Alts, a)
	}
	return r, true
}

// diveRules tries a tag that dives into the list as a whole; such a field
// is checked by validator/v10 at run time.
func (b *builder) diveRules(fd *Field, e tagEntry) {
	value := sample(fd.Kind, fd.Bits)
	if fd.Kind == KindStrings {
		value = []string{""}
	}
	if msg := try(value, e.value); msg != "" {
		b.ds.Addf(e.pos, "validate tag %q on field %s (%s): %s", e.value, fd.GoName, fd.GoType(), msg)
		return
	}
	fd.Fallback = true
	fd.Required = strings.HasPrefix(e.value, "required,")
}

// try runs rule on value with validator/v10 and returns what the library
// objected to, or "".
func try(value any, rule string) (msg string) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		s := fmt.Sprint(r)
		switch {
		case strings.Contains(s, "Undefined validation function"):
			msg = "validator/v10 has no such rule"
		case strings.Contains(s, "Bad field type"), strings.Contains(s, "can't dive"):
			msg = "the rule does not fit the field's type"
		default:
			msg = "bad parameter: " + s
		}
	}()
	trial.Var(value, rule)
	return ""
}

// sample returns a zero value of the Go type the kind stands for.
func sample(k string, bits int) any {
	switch k {
	case KindString:
		return ""
	case KindBool:
		return false
	case KindInt, KindUint:
		return sizedZero[k+strconv.Itoa(bits)]
	case KindFloat:
		if bits == 32 {
			return float32(0)
		}
		return float64(0)
	case KindDuration:
		return time.Duration(0)
	case KindTime:
		return time.Time{}
	}
	return []string(nil)
}

// sizedZero holds a zero of each sized integer type.
var sizedZero = map[string]any{
	"int8": int8(0), "int16": int16(0), "int32": int32(0), "int64": int64(0),
	"uint8": uint8(0), "uint16": uint16(0), "uint32": uint32(0), "uint64": uint64(0),
}

// crossField reports whether tag compares the field with another one.
func crossField(tag string) bool {
	return strings.HasSuffix(tag, "field") || strings.Contains(tag, "field_") ||
		strings.HasPrefix(tag, "required_") || strings.HasPrefix(tag, "excluded_") ||
		strings.HasPrefix(tag, "skip_unless")
}

// native reports whether the rule at index i compiles to Go for the kind.
func native(k string, r Rule, i int) bool {
	if len(r.Alts) == 1 {
		switch r.Alts[0].Tag {
		case "required":
			return true
		case "omitempty":
			return i == 0
		}
	}
	for _, a := range r.Alts {
		switch {
		case slices.Contains(StringRules, a.Tag):
		case slices.Contains(SizeRules, a.Tag) && slices.Contains(sizeKinds, k) && a.Param != "":
		case a.Tag == "oneof" && slices.Contains(oneofKinds, k) && !strings.Contains(a.Param, "'"):
		default:
			return false
		}
	}
	return true
}

// checkParam parses the parameter of a rule that compiles to Go, so that
// the emitter can write it as a literal.
func checkParam(k string, bits int, a Alt) string {
	switch {
	case slices.Contains(SizeRules, a.Tag) && slices.Contains(sizeKinds, k) && a.Param != "":
		if _, err := SizeParam(k, bits, a.Param); err != nil {
			return fmt.Sprintf("parameter %q: %v", a.Param, numError(err))
		}
	case a.Tag == "oneof" && (k == KindInt || k == KindUint):
		for _, p := range strings.Fields(a.Param) {
			if _, err := ParseValue(k, bits, p); err != nil {
				return fmt.Sprintf("oneof value %q is not a %s: %v", p, KindGoType(k, bits), numError(err))
			}
		}
	}
	return ""
}

// SizeParam parses the parameter of a size rule the way validator/v10
// does: a length for strings and lists, a Go duration or nanoseconds for
// durations, a number (with base prefix) otherwise. It returns an int64,
// uint64 or float64.
func SizeParam(k string, bits int, param string) (any, error) {
	switch k {
	case KindFloat:
		return strconv.ParseFloat(param, bits)
	case KindUint:
		return strconv.ParseUint(param, 0, bits)
	case KindDuration:
		if d, err := time.ParseDuration(param); err == nil {
			return int64(d), nil
		}
	case KindInt:
		return strconv.ParseInt(param, 0, bits)
	}
	return strconv.ParseInt(param, 0, 64)
}

// numError drops the function name and input that strconv errors repeat.
func numError(err error) error {
	var ne *strconv.NumError
	if errors.As(err, &ne) {
		return ne.Err
	}
	return err
}
