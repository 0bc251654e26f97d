package emit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/secretgen/secretgen/internal/model"
)

// codecFile holds Encode<Name> and Decode<Name>.
func codecFile(f *jen.File, v model.Variant) {
	doc(f, "Encode%s returns the canonical JSON object of v: every field\nunder its key, in declaration order.", v.Name)
	f.Func().Id("Encode" + v.Name).Params(jen.Id("v").Add(typeOf(v))).Index().Byte().BlockFunc(func(g *jen.Group) {
		encodeBody(g, v)
	})

	doc(f, "Decode%s parses a JSON object into %s. Unknown keys are\nskipped, or refused when strict is set; missing keys leave their fields\nzero. The error is a *kind.DecodeError naming the key, never the value.", v.Name, v.Type)
	f.Func().Id("Decode"+v.Name).Params(
		jen.Id("data").Index().Byte(),
		jen.Id("strict").Bool(),
	).Params(typeOf(v), jen.Error()).BlockFunc(func(g *jen.Group) {
		decodeBody(g, v)
	})
}

func encodeBody(g *jen.Group, v model.Variant) {
	if len(v.Fields) == 0 {
		g.Return(jen.Index().Byte().Call(jen.Lit("{}")))
		return
	}
	g.Id("b").Op(":=").Make(jen.Index().Byte(), jen.Lit(0), encodedSize(v))
	for i, fd := range v.Fields {
		sep := ","
		if i == 0 {
			sep = "{"
		}
		g.Id("b").Op("=").Append(jen.Id("b"), rawString(sep+jsonString(fd.Key)+":").Op("..."))
		g.Id("b").Op("=").Add(appendValue(fd))
	}
	g.Return(jen.Append(jen.Id("b"), jen.LitRune('}')))
}

// encodedSize is an expression for the usual length of the encoded
// object: keys and punctuation, the lengths of string fields, and a
// generous width for every other value. append grows b when it is short.
func encodedSize(v model.Variant) jen.Code {
	n := 1
	var strs []jen.Code
	for _, fd := range v.Fields {
		n += len(jsonString(fd.Key)) + 2
		switch fd.Kind {
		case model.KindString:
			n += 2
			strs = append(strs, jen.Len(field(fd)))
		case model.KindBool:
			n += 5
		case model.KindStrings:
			n += 64
		default:
			n += 40
		}
	}
	size := jen.Lit(n)
	for _, s := range strs {
		size = size.Op("+").Add(s)
	}
	return size
}

// rawString writes s as a raw string literal when it can.
func rawString(s string) *jen.Statement {
	if strings.ContainsAny(s, "`\r") {
		return jen.Lit(s)
	}
	return jen.Op("`" + s + "`")
}

// jsonString quotes s as JSON without escaping HTML characters.
func jsonString(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

func appendValue(fd model.Field) jen.Code {
	call := func(fn string, args ...jen.Code) jen.Code {
		return jen.Qual(codecPath, fn).Call(append([]jen.Code{jen.Id("b")}, args...)...)
	}
	switch fd.Kind {
	case model.KindString:
		return call("AppendString", asBasic(fd, "string"))
	case model.KindBool:
		return call("AppendBool", asBasic(fd, "bool"))
	case model.KindInt:
		return call("AppendInt", asBasic(fd, "int64"))
	case model.KindUint:
		return call("AppendUint", asBasic(fd, "uint64"))
	case model.KindFloat:
		return call("AppendFloat", asBasic(fd, "float64"), jen.Lit(fd.Bits))
	case model.KindDuration:
		return call("AppendDuration", asBasic(fd, "time.Duration"))
	case model.KindTime:
		return call("AppendTime", asBasic(fd, "time.Time"))
	}
	return call("AppendStrings", asBasic(fd, "[]string"))
}

func decodeBody(g *jen.Group, v model.Variant) {
	g.Var().Id("v").Add(typeOf(v))
	for i, fd := range v.Fields {
		if len(fd.FormerKeys) > 0 {
			g.Var().Id(fromVar(i)).Int().Comment("1: read under the current key; 2+n: under former key n")
		}
	}
	g.Id("d").Op(":=").Qual(codecPath, "NewDecoder").Call(jen.Lit(v.Name), jen.Id("data"))
	g.For(jen.Id("d").Dot("Next").Call()).Block(
		jen.Switch(jen.String().Call(jen.Id("d").Dot("Key").Call())).BlockFunc(func(s *jen.Group) {
			for i, fd := range v.Fields {
				decodeCases(s, i, fd)
			}
			s.Default().Id("d").Dot("Unknown").Call(jen.Id("strict"))
		}),
	)
	g.If(jen.Err().Op(":=").Id("d").Dot("Err").Call(), jen.Err().Op("!=").Nil()).Block(
		jen.Return(typeOf(v).Values(), jen.Err()),
	)
	g.Return(jen.Id("v"), jen.Nil())
}

func fromVar(i int) string {
	return fmt.Sprintf("from%d", i)
}

// decodeCases writes the case of the field's key and of each former key.
// A former key is read only while neither the current key nor an earlier
// former key has been.
func decodeCases(s *jen.Group, i int, fd model.Field) {
	assign := jen.Add(field(fd)).Op("=").Add(readValue(fd))
	if len(fd.FormerKeys) == 0 {
		s.Case(jen.Lit(fd.Key)).Block(assign)
		return
	}

	from := func() *jen.Statement { return jen.Id(fromVar(i)) }
	s.Case(jen.Lit(fd.Key)).Block(assign, from().Op("=").Lit(1))
	for n, k := range fd.FormerKeys {
		rank := n + 2
		s.Case(jen.Lit(k)).Block(
			jen.If(from().Op("==").Lit(0).Op("||").Add(from()).Op(">").Lit(rank)).Block(
				jen.Add(field(fd)).Op("=").Add(readValue(fd)),
				from().Op("=").Lit(rank),
			).Else().Block(
				jen.Id("d").Dot("Skip").Call(),
			),
		)
	}
}

func readValue(fd model.Field) jen.Code {
	read := func(fn string, args ...jen.Code) *jen.Statement {
		return jen.Id("d").Dot(fn).Call(args...)
	}
	switch fd.Kind {
	case model.KindString:
		return fromBasic(fd, "string", read("String"))
	case model.KindBool:
		return fromBasic(fd, "bool", read("Bool"))
	case model.KindInt:
		return fromBasic(fd, "int64", read("Int", jen.Lit(fd.Bits)))
	case model.KindUint:
		return fromBasic(fd, "uint64", read("Uint", jen.Lit(fd.Bits)))
	case model.KindFloat:
		return fromBasic(fd, "float64", read("Float", jen.Lit(fd.Bits)))
	case model.KindDuration:
		return fromBasic(fd, "time.Duration", read("Duration"))
	case model.KindTime:
		return fromBasic(fd, "time.Time", read("Time"))
	}
	return fromBasic(fd, "[]string", read("Strings"))
}
