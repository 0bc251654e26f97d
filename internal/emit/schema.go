package emit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/secretgen/secretgen/internal/model"
)

// Schemas returns one JSON Schema (2020-12) per variant, keyed by file
// name within SchemaDir. UI hints are x- keywords.
func Schemas(vs []model.Variant) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, v := range vs {
		data, err := marshal(schema(v))
		if err != nil {
			return nil, fmt.Errorf("schema of %s: %w", v.Name, err)
		}
		out[v.Name+".schema.json"] = data
	}
	return out, nil
}

// object is a JSON object that keeps its keys in order.
type object []member

type member struct {
	key   string
	value any
}

func (o *object) set(key string, value any) {
	*o = append(*o, member{key, value})
}

// MarshalJSON writes the members in order.
func (o object) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, _ := json.Marshal(m.key)
		buf.Write(k)
		buf.WriteByte(':')
		v, err := encode(m.value, false)
		if err != nil {
			return nil, err
		}
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// marshal writes v as indented JSON without HTML escapes, ending in a
// newline.
func marshal(v any) ([]byte, error) {
	return encode(v, true)
}

func encode(v any, indent bool) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if indent {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	if !indent {
		return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
	}
	return buf.Bytes(), nil
}

func schema(v model.Variant) object {
	var s object
	s.set("$schema", "https://json-schema.org/draft/2020-12/schema")
	s.set("$id", v.Name+".schema.json")
	s.set("title", v.Title)
	if v.Description != "" {
		s.set("description", v.Description)
	}
	s.set("type", "object")

	var props object
	var required []string
	for _, fd := range v.Fields {
		props.set(fd.Key, property(fd))
		if fd.Required {
			required = append(required, fd.Key)
		}
	}
	s.set("properties", props)
	if len(required) > 0 {
		s.set("required", required)
	}

	s.set("x-variant", v.Name)
	s.set("x-go-type", v.Type.PkgPath+"."+v.Type.Name)
	s.set("x-interface", v.Interface)
	if v.Logo != "" {
		s.set("x-logo", v.Logo)
	}
	if len(v.Groups) > 0 {
		s.set("x-require-groups", v.Groups)
	}
	s.set("x-fingerprint", v.Fingerprint)
	return s
}

func property(fd model.Field) object {
	var p object
	for _, m := range kindSchema(fd) {
		if v, ok := ruleBound(fd, m.key); ok {
			m.value = v
		}
		p.set(m.key, m.value)
	}
	for _, m := range ruleKeywords(fd) {
		p.set(m.key, m.value)
	}
	p.set("title", fd.Label)
	if fd.SupportingText != "" {
		p.set("description", fd.SupportingText)
	}
	if fd.DefaultValue != nil {
		p.set("default", jsonDefault(fd.DefaultValue))
	}
	if fd.Style == "secret" {
		p.set("writeOnly", true)
	}
	if fd.Style != "" {
		p.set("x-style", fd.Style)
	}
	if fd.Rules != "" {
		p.set("x-rules", fd.Rules)
	}
	if len(fd.FormerKeys) > 0 {
		p.set("x-former-keys", fd.FormerKeys)
	}
	p.set("x-go-field", fd.GoName)
	p.set("x-go-type", fd.GoType())
	return p
}

func kindSchema(fd model.Field) object {
	switch fd.Kind {
	case model.KindBool:
		return object{{"type", "boolean"}}
	case model.KindInt:
		lo, hi := int64(math.MinInt64)>>(64-fd.Bits), int64(math.MaxInt64)>>(64-fd.Bits)
		return object{{"type", "integer"}, {"minimum", lo}, {"maximum", hi}}
	case model.KindUint:
		return object{{"type", "integer"}, {"minimum", 0}, {"maximum", uint64(math.MaxUint64) >> (64 - fd.Bits)}}
	case model.KindFloat:
		return object{{"type", "number"}}
	case model.KindDuration:
		return object{{"type", "string"}, {"x-format", "go-duration"}}
	case model.KindTime:
		return object{{"type", "string"}, {"format", "date-time"}}
	case model.KindStrings:
		return object{{"type", "array"}, {"items", object{{"type", "string"}}}}
	}
	return object{{"type", "string"}}
}

// jsonDefault returns a default as the codec writes it.
func jsonDefault(v any) any {
	switch x := v.(type) {
	case time.Duration:
		return x.String()
	case time.Time:
		return x.Format(time.RFC3339Nano)
	case float64:
		return json.Number(strconv.FormatFloat(x, 'g', -1, 64))
	}
	return v
}

// ruleBound returns the bound a min or max rule sets on a number, for
// the schema keyword minimum or maximum.
func ruleBound(fd model.Field, keyword string) (any, bool) {
	tags := map[string][]string{"minimum": {"min", "gte"}, "maximum": {"max", "lte"}}[keyword]
	for _, r := range fd.Checks {
		if len(r.Alts) == 1 && slices.Contains(tags, r.Alts[0].Tag) {
			p, err := model.SizeParam(fd.Kind, fd.Bits, r.Alts[0].Param)
			return p, err == nil
		}
	}
	return nil, false
}

// formats maps string rules to JSON Schema formats.
var formats = map[string]string{
	"email":    "email",
	"hostname": "hostname",
	"fqdn":     "hostname",
	"ipv4":     "ipv4",
	"ipv6":     "ipv6",
	"url":      "uri",
	"http_url": "uri",
}

// ruleKeywords returns the keywords that single-alternative rules of a
// string or a list imply.
func ruleKeywords(fd model.Field) object {
	var o object
	var length map[string]string
	switch fd.Kind {
	case model.KindString:
		length = map[string]string{"min": "minLength", "max": "maxLength"}
	case model.KindStrings:
		length = map[string]string{"min": "minItems", "max": "maxItems"}
	}
	for _, r := range fd.Checks {
		if len(r.Alts) != 1 {
			continue
		}
		a := r.Alts[0]
		switch {
		case formats[a.Tag] != "" && fd.Kind == model.KindString:
			o.set("format", formats[a.Tag])
		case length[a.Tag] != "":
			n, err := strconv.Atoi(a.Param)
			if err == nil {
				o.set(length[a.Tag], n)
			}
		case a.Tag == "oneof" && fd.Kind == model.KindString:
			o.set("enum", strings.Fields(a.Param))
		}
	}
	return o
}
