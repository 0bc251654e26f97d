package model

import (
	"encoding/hex"
	"fmt"
	"go/token"
	"go/types"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Tag keys, by where they belong.
var (
	fieldKeys = []string{"value", "style", "label", "supportingText", "validate", "json", "formerKeys"}
	blankKeys = []string{"credentialName", "credentialDescription", "credentialLogo", "requireGroup"}
	styles    = []string{"secret", "multiline"}
)

// tagSet is a struct tag parsed strictly: key:"value" pairs separated by
// spaces, each value a Go string literal, each key once.
type tagSet struct {
	raw     string
	pos     token.Position
	entries []tagEntry
}

type tagEntry struct {
	key, value string
	pos        token.Position
}

// tag parses the tag of f, reporting malformed parts at their column.
func (b *builder) tag(f *types.Var, raw string) tagSet {
	ts := tagSet{raw: raw, pos: b.pos(f.Pos())}
	literal := false
	if fs, ok := b.fields[f.Pos()]; ok {
		ts.pos = b.pos(fs.tagPos)
		literal = true
	}
	at := func(off int) token.Position {
		p := ts.pos
		if literal {
			p.Column += 1 + off
		}
		return p
	}

	s, off := raw, 0
	for {
		trimmed := strings.TrimLeft(s, " ")
		off += len(s) - len(trimmed)
		s = trimmed
		if s == "" {
			return ts
		}
		e, n, err := nextTag(s)
		if err != "" {
			b.ds.Addf(at(off), "malformed struct tag of field %s: %s", f.Name(), err)
			return ts
		}
		e.pos = at(off)
		if slices.ContainsFunc(ts.entries, func(x tagEntry) bool { return x.key == e.key }) {
			b.ds.Addf(e.pos, "tag key %q appears twice on field %s", e.key, f.Name())
		}
		ts.entries = append(ts.entries, e)
		s, off = s[n:], off+n
	}
}

// nextTag reads one key:"value" pair from the start of s and returns it
// with the number of bytes read, or a description of what is wrong.
func nextTag(s string) (tagEntry, int, string) {
	i := 0
	for i < len(s) && s[i] > ' ' && s[i] != ':' && s[i] != '"' && s[i] != 0x7f {
		i++
	}
	key := s[:i]
	switch {
	case key == "":
		return tagEntry{}, 0, "want a key before the colon"
	case i == len(s) || s[i] != ':':
		return tagEntry{}, 0, fmt.Sprintf("key %s needs a colon and a quoted value, e.g. %s:\"…\"", key, key)
	case i+1 == len(s) || s[i+1] != '"':
		return tagEntry{}, 0, fmt.Sprintf("value of %s must be in double quotes, e.g. %s:\"…\"", key, key)
	}

	j := i + 2
	for j < len(s) && s[j] != '"' {
		if s[j] == '\\' {
			j++
		}
		j++
	}
	if j >= len(s) {
		return tagEntry{}, 0, fmt.Sprintf("value of %s has no closing quote", key)
	}
	value, err := strconv.Unquote(s[i+1 : j+1])
	if err != nil {
		return tagEntry{}, 0, fmt.Sprintf("value of %s is not a valid string literal", key)
	}
	if j+1 < len(s) && s[j+1] != ' ' {
		return tagEntry{}, 0, fmt.Sprintf("want a space after the value of %s", key)
	}
	return tagEntry{key: key, value: value}, j + 1, ""
}

// fieldTags applies the tags of a stored field.
func (b *builder) fieldTags(fd *Field, ts tagSet) {
	for _, e := range ts.entries {
		switch e.key {
		case "value":
			b.defaultValue(fd, e)
		case "style":
			if !slices.Contains(styles, e.value) {
				b.ds.Addf(e.pos, "unknown style %q on field %s: want one of %s", e.value, fd.GoName, strings.Join(styles, ", "))
			}
			fd.Style = e.value
		case "label":
			fd.Label = e.value
		case "supportingText":
			fd.SupportingText = e.value
		case "validate":
			b.rules(fd, e)
		case "json":
			b.jsonKey(fd, e)
		case "formerKeys":
			b.formerKeys(fd, e)
		default:
			b.wrongKey(e, fd.GoName, false)
		}
	}
}

// wrongKey reports a key that does not belong where it stands.
func (b *builder) wrongKey(e tagEntry, field string, blank bool) {
	switch {
	case !blank && slices.Contains(blankKeys, e.key):
		b.ds.Addf(e.pos, "tag key %q on field %s belongs on a blank field (_ string)", e.key, field)
	case blank && slices.Contains(fieldKeys, e.key):
		b.ds.Addf(e.pos, "tag key %q belongs on a stored field, not on a blank field", e.key)
	case blank:
		b.ds.Addf(e.pos, "unknown tag key %q on a blank field: want one of %s", e.key, strings.Join(blankKeys, ", "))
	default:
		b.ds.Addf(e.pos, "unknown tag key %q on field %s: want one of %s", e.key, field, strings.Join(fieldKeys, ", "))
	}
}

func (b *builder) jsonKey(fd *Field, e tagEntry) {
	switch {
	case e.value == "-":
		b.ds.Addf(e.pos, "json:\"-\" on field %s: every exported field is stored; remove the field instead", fd.GoName)
	case strings.Contains(e.value, ","):
		b.ds.Addf(e.pos, "json tag of field %s has options; only the key is allowed", fd.GoName)
	case e.value == "":
		b.ds.Addf(e.pos, "json tag of field %s is empty", fd.GoName)
	default:
		fd.Key = e.value
	}
}

func (b *builder) formerKeys(fd *Field, e tagEntry) {
	for k := range strings.SplitSeq(e.value, ",") {
		k = strings.TrimSpace(k)
		if k == "" {
			b.ds.Addf(e.pos, "formerKeys of field %s has an empty key", fd.GoName)
			return
		}
		fd.FormerKeys = append(fd.FormerKeys, k)
	}
}

// defaultValue parses the value tag as the field's type.
func (b *builder) defaultValue(fd *Field, e tagEntry) {
	fd.Default = e.value
	if e.value == "" {
		return
	}
	v, err := ParseValue(fd.Kind, fd.Bits, e.value)
	if err != nil {
		b.ds.Addf(e.pos, "value %q of field %s does not parse as %s: %v", e.value, fd.GoName, fd.GoType(), err)
		return
	}
	fd.DefaultValue = v
}

// ParseValue parses s as a value of the kind: a Go duration, an RFC 3339
// time, a comma-separated list for []string.
func ParseValue(k string, bits int, s string) (any, error) {
	var v any
	var err error
	switch k {
	case KindString:
		v = s
	case KindBool:
		v, err = strconv.ParseBool(s)
	case KindInt:
		v, err = strconv.ParseInt(s, 10, bits)
	case KindUint:
		v, err = strconv.ParseUint(s, 10, bits)
	case KindFloat:
		v, err = strconv.ParseFloat(s, bits)
	case KindDuration:
		v, err = time.ParseDuration(s)
	case KindTime:
		v, err = time.Parse(time.RFC3339Nano, s)
	case KindStrings:
		v = strings.Split(s, ",")
	}
	if ne, ok := err.(*strconv.NumError); ok {
		err = ne.Err
	}
	return v, err
}

// presentation reads the tags of a blank field.
func (b *builder) presentation(v *Variant, f *types.Var, ts tagSet) {
	if !blankType(f.Type()) {
		b.ds.Addf(b.pos(f.Pos()), "blank field has type %s: want _ string or _ struct{}", types.TypeString(f.Type(), qualifier))
		return
	}
	for _, e := range ts.entries {
		switch e.key {
		case "credentialName":
			b.setOnce(&v.Title, e)
		case "credentialDescription":
			b.setOnce(&v.Description, e)
		case "credentialLogo":
			b.logo(v, e)
		case "requireGroup":
			b.groups(v, e)
		default:
			b.wrongKey(e, "_", true)
		}
	}
}

func blankType(t types.Type) bool {
	switch u := types.Unalias(t).(type) {
	case *types.Basic:
		return u.Kind() == types.String
	case *types.Struct:
		return u.NumFields() == 0
	}
	return false
}

func (b *builder) setOnce(dst *string, e tagEntry) {
	if *dst != "" {
		b.ds.Addf(e.pos, "%s is set on two blank fields", e.key)
		return
	}
	*dst = e.value
}

// logo accepts an https URL or hex-encoded image bytes.
func (b *builder) logo(v *Variant, e tagEntry) {
	if strings.HasPrefix(e.value, "https://") {
		if u, err := url.Parse(e.value); err != nil || u.Host == "" {
			b.ds.Addf(e.pos, "credentialLogo is not a valid https URL")
			return
		}
	} else if _, err := hex.DecodeString(e.value); err != nil || e.value == "" {
		b.ds.Addf(e.pos, "credentialLogo must be an https URL or hex-encoded image bytes")
		return
	}
	b.setOnce(&v.Logo, e)
}

func (b *builder) groups(v *Variant, e tagEntry) {
	for g := range strings.SplitSeq(e.value, ",") {
		g = strings.TrimSpace(g)
		if g == "" {
			b.ds.Addf(e.pos, "requireGroup has an empty group name")
			return
		}
		if !slices.Contains(v.Groups, g) {
			v.Groups = append(v.Groups, g)
		}
	}
}
