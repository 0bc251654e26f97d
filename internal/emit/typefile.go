package emit

import (
	"fmt"
	"strconv"
	"time"

	"github.com/dave/jennifer/jen"

	"github.com/secretgen/secretgen/internal/model"
)

// kindConst maps a model kind to the name of its runtime/kind constant.
var kindConst = map[string]string{
	model.KindString:   "KindString",
	model.KindBool:     "KindBool",
	model.KindInt:      "KindInt",
	model.KindUint:     "KindUint",
	model.KindFloat:    "KindFloat",
	model.KindDuration: "KindDuration",
	model.KindTime:     "KindTime",
	model.KindStrings:  "KindStrings",
}

// typeFile holds the form schema, the defaults, the kind.Type value and
// the typed repository.
func typeFile(f *jen.File, v model.Variant) {
	f.Anon("embed")
	schemaVar := "schema" + v.Name

	f.Commentf("%sForm is the form schema of %s.", v.Name, v.Type)
	f.Var().Id(v.Name + "Form").Op("=").Add(formValue(v))

	f.Commentf("//go:embed %s/%s.schema.json", SchemaDir, v.Name)
	f.Var().Id(schemaVar).Index().Byte()

	f.Commentf("Default%s returns a new %s filled from its value tags.", v.Name, v.Type)
	f.Func().Id("Default" + v.Name).Params().Add(typeOf(v)).BlockFunc(func(g *jen.Group) {
		g.Var().Id("v").Add(typeOf(v))
		for _, fd := range v.Fields {
			if fd.DefaultValue != nil {
				g.Add(field(fd)).Op("=").Add(literal(fd, fd.DefaultValue))
			}
		}
		g.Return(jen.Id("v"))
	})

	f.Commentf("%sType returns everything the runtime needs to handle %s.", v.Name, v.Type)
	f.Func().Id(v.Name+"Type").Params().Qual(kindPath, "Type").Block(
		jen.Return(jen.Qual(kindPath, "Bind").Call(append(
			[]jen.Code{jen.Qual(kindPath, "Type").Values(typeValue(v, schemaVar)...)},
			typedFuncs(v, true)...)...)),
	)

	repository(f, v)
}

func typeValue(v model.Variant, schemaVar string) []jen.Code {
	var k keyed
	k.add("Name", jen.Lit(v.Name))
	k.add("Form", jen.Id(v.Name+"Form"))
	if len(v.Groups) > 0 {
		k.add("Groups", stringList(v.Groups))
	}
	k.add("Fingerprint", jen.Lit(v.Fingerprint))
	k.add("Schema", jen.Id(schemaVar))
	return k.values()
}

func formValue(v model.Variant) jen.Code {
	var k keyed
	k.add("Type", jen.Lit(v.Name))
	k.add("Title", jen.Lit(v.Title))
	if v.Description != "" {
		k.add("Description", jen.Lit(v.Description))
	}
	if v.Logo != "" {
		k.add("Logo", jen.Lit(v.Logo))
	}
	k.add("Fields", jen.Index().Qual(kindPath, "Field").ValuesFunc(func(g *jen.Group) {
		for _, fd := range v.Fields {
			g.Line().Values(fieldValue(fd).inline()...)
		}
		if len(v.Fields) > 0 {
			g.Line()
		}
	}))
	return jen.Qual(kindPath, "Form").Values(k.values()...)
}

// fieldValue is the literal of one field, which the form writes on one
// line: a table that reads well, and that gofmt need not align.
func fieldValue(fd model.Field) keyed {
	var k keyed
	set := func(name, value string) {
		if value != "" {
			k.add(name, jen.Lit(value))
		}
	}
	k.add("Name", jen.Lit(fd.GoName))
	k.add("Key", jen.Lit(fd.Key))
	if len(fd.FormerKeys) > 0 {
		k.add("FormerKeys", stringList(fd.FormerKeys))
	}
	k.add("Kind", jen.Qual(kindPath, kindConst[fd.Kind]))
	if fd.Bits != 0 {
		k.add("Bits", jen.Lit(fd.Bits))
	}
	set("Label", fd.Label)
	set("SupportingText", fd.SupportingText)
	set("Default", fd.Default)
	set("Style", fd.Style)
	set("Rules", fd.Rules)
	if fd.Required {
		k.add("Required", jen.True())
	}
	return k
}

func stringList(ss []string) jen.Code {
	return jen.Index().String().ValuesFunc(func(g *jen.Group) {
		for _, s := range ss {
			g.Lit(s)
		}
	})
}

// literal writes a parsed default value as Go, converted to the field's
// type where an untyped constant would not do.
func literal(fd model.Field, value any) jen.Code {
	switch x := value.(type) {
	case string:
		return jen.Lit(x)
	case bool:
		return jen.Lit(x)
	case int64:
		return jen.Op(strconv.FormatInt(x, 10))
	case uint64:
		return jen.Op(strconv.FormatUint(x, 10))
	case float64:
		return jen.Op(floatLiteral(x, fd.Bits))
	case time.Duration:
		return fromBasic(fd, "", jen.Op(strconv.FormatInt(int64(x), 10)))
	case time.Time:
		u := x.UTC()
		return fromBasic(fd, "", jen.Qual("time", "Date").Call(
			jen.Lit(u.Year()), jen.Qual("time", u.Month().String()), jen.Lit(u.Day()),
			jen.Lit(u.Hour()), jen.Lit(u.Minute()), jen.Lit(u.Second()), jen.Lit(u.Nanosecond()),
			jen.Qual("time", "UTC"),
		))
	case []string:
		return stringList(x)
	}
	panic(fmt.Sprintf("emit: default of type %T", value))
}

// floatLiteral writes f so that Go reads it as a float constant.
func floatLiteral(f float64, bits int) string {
	s := strconv.FormatFloat(f, 'g', -1, bits)
	for _, c := range s {
		if c == '.' || c == 'e' || c == 'n' || c == 'I' {
			return s
		}
	}
	return s + ".0"
}
