package emit

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dave/jennifer/jen"

	"github.com/secretgen/secretgen/internal/model"
)

// validateFile holds Validate<Name>.
func validateFile(f *jen.File, v model.Variant) {
	doc(f, "Validate%s checks v against the validate tags of %s and\nreturns nil or a *kind.ValidationError listing each broken field with its\nrule. Values never appear in it.", v.Name, v.Type)
	f.Func().Id("Validate" + v.Name).Params(jen.Id("v").Add(typeOf(v))).Error().BlockFunc(func(g *jen.Group) {
		g.Var().Id("errs").Index().Qual(kindPath, "FieldError")
		for _, fd := range v.Fields {
			fieldChecks(g, fd)
		}
		g.If(jen.Id("errs").Op("!=").Nil()).Block(
			jen.Return(jen.Op("&").Qual(kindPath, "ValidationError").Values(
				jen.Id("Type").Op(":").Lit(v.Name),
				jen.Id("Fields").Op(":").Id("errs"),
			)),
		)
		g.Return(jen.Nil())
	})
}

// fieldChecks writes the checks of one field: the first broken rule is
// reported, as validator/v10 does.
func fieldChecks(g *jen.Group, fd model.Field) {
	if len(fd.Checks) == 0 && !fd.Fallback {
		return
	}
	if fd.Fallback {
		g.Id("errs").Op("=").Append(jen.Id("errs"), jen.Qual(fallbackPath, "Check").Call(
			jen.Lit(fd.Key), field(fd), jen.Lit(fd.Rules),
		).Op("..."))
		return
	}

	rules := fd.Checks
	omitEmpty := rules[0].String() == "omitempty"
	if omitEmpty {
		rules = rules[1:]
	}
	if len(rules) == 0 {
		return
	}

	var chain *jen.Statement
	for _, r := range rules {
		cond := failCond(fd, r)
		report := jen.Id("errs").Op("=").Append(jen.Id("errs"), jen.Qual(kindPath, "FieldError").Values(
			jen.Id("Field").Op(":").Lit(fd.Key),
			jen.Id("Rule").Op(":").Lit(r.String()),
			jen.Id("Message").Op(":").Lit(ruleMessage(fd, r)),
		))
		if chain == nil {
			chain = jen.If(cond).Block(report)
		} else {
			chain = chain.Else().If(cond).Block(report)
		}
	}

	if omitEmpty {
		g.If(nonZeroCond(fd)).Block(chain)
		return
	}
	g.Add(chain)
}

// failCond is true when the field breaks r.
func failCond(fd model.Field, r model.Rule) jen.Code {
	if len(r.Alts) == 1 {
		return check(fd, r.Alts[0], false)
	}
	var either *jen.Statement
	for _, a := range r.Alts {
		if either == nil {
			either = jen.Add(check(fd, a, true))
		} else {
			either = either.Op("||").Add(check(fd, a, true))
		}
	}
	return jen.Op("!").Parens(either)
}

// zeroCond is true when the field holds its zero value.
func zeroCond(fd model.Field) *jen.Statement {
	switch fd.Kind {
	case model.KindString:
		return field(fd).Op("==").Lit("")
	case model.KindBool:
		return jen.Op("!").Add(field(fd))
	case model.KindTime:
		return field(fd).Dot("IsZero").Call()
	case model.KindStrings:
		return field(fd).Op("==").Nil()
	}
	return field(fd).Op("==").Lit(0)
}

// nonZeroCond is true when the field holds a value.
func nonZeroCond(fd model.Field) *jen.Statement {
	switch fd.Kind {
	case model.KindString:
		return field(fd).Op("!=").Lit("")
	case model.KindBool:
		return field(fd)
	case model.KindTime:
		return jen.Op("!").Add(field(fd)).Dot("IsZero").Call()
	case model.KindStrings:
		return field(fd).Op("!=").Nil()
	}
	return field(fd).Op("!=").Lit(0)
}

// check is the condition for one alternative: true when the field passes
// it if pass is set, when it fails it otherwise.
func check(fd model.Field, a model.Alt, pass bool) jen.Code {
	switch {
	case a.Tag == "required":
		if pass {
			return nonZeroCond(fd)
		}
		return zeroCond(fd)
	case slices.Contains(model.StringRules, a.Tag):
		call := jen.Qual(rulesPath, stringRuleFunc[a.Tag]).Call(asBasic(fd, "string"))
		if pass {
			return call
		}
		return jen.Op("!").Add(call)
	case a.Tag == "oneof":
		return oneOf(fd, a, pass)
	}
	return sizeCheck(fd, a, pass)
}

var stringRuleFunc = map[string]string{
	"email":            "Email",
	"hostname":         "Hostname",
	"hostname_rfc1123": "HostnameRFC1123",
	"fqdn":             "FQDN",
	"ip":               "IP",
	"ipv4":             "IPv4",
	"ipv6":             "IPv6",
	"url":              "URL",
	"http_url":         "HTTPURL",
}

// sizeOps maps a size rule to its failing and its passing comparison.
var sizeOps = map[string][2]string{
	"min": {"<", ">="},
	"gte": {"<", ">="},
	"max": {">", "<="},
	"lte": {">", "<="},
	"gt":  {"<=", ">"},
	"lt":  {">=", "<"},
	"len": {"!=", "=="},
}

func sizeCheck(fd model.Field, a model.Alt, pass bool) jen.Code {
	p, _ := model.SizeParam(fd.Kind, fd.Bits, a.Param)
	var subject jen.Code
	switch fd.Kind {
	case model.KindString:
		subject = jen.Qual("unicode/utf8", "RuneCountInString").Call(asBasic(fd, "string"))
	case model.KindStrings:
		subject = jen.Len(field(fd))
	default:
		subject = field(fd)
	}
	op := sizeOps[a.Tag][0]
	if pass {
		op = sizeOps[a.Tag][1]
	}
	return jen.Add(subject).Op(op).Op(number(p, fd.Bits))
}

// number writes a parsed parameter as an untyped constant.
func number(p any, bits int) string {
	switch x := p.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case float64:
		return floatLiteral(x, bits)
	}
	panic(fmt.Sprintf("emit: parameter of type %T", p))
}

func oneOf(fd model.Field, a model.Alt, pass bool) jen.Code {
	op, join := "!=", "&&"
	if pass {
		op, join = "==", "||"
	}
	var cond *jen.Statement
	for _, s := range strings.Fields(a.Param) {
		value := jen.Lit(s)
		if fd.Kind != model.KindString {
			value = jen.Op(s)
		}
		one := field(fd).Op(op).Add(value)
		if cond == nil {
			cond = one
		} else {
			cond = cond.Op(join).Add(one)
		}
	}
	return jen.Parens(cond)
}

// ruleMessage says in words what the field must be.
func ruleMessage(fd model.Field, r model.Rule) string {
	parts := make([]string, len(r.Alts))
	for i, a := range r.Alts {
		m := altMessage(fd, a)
		if i > 0 {
			m = strings.TrimPrefix(m, "must be ")
		}
		parts[i] = m
	}
	return strings.Join(parts, " or ")
}

var stringRuleMessages = map[string]string{
	"email":            "must be an e-mail address",
	"hostname":         "must be a host name",
	"hostname_rfc1123": "must be a host name (RFC 1123)",
	"fqdn":             "must be a fully qualified domain name",
	"ip":               "must be an IP address",
	"ipv4":             "must be an IPv4 address",
	"ipv6":             "must be an IPv6 address",
	"url":              "must be a URL",
	"http_url":         "must be an http or https URL",
}

func altMessage(fd model.Field, a model.Alt) string {
	switch {
	case a.Tag == "required":
		return "is required"
	case a.Tag == "oneof":
		return "must be one of " + strings.Join(strings.Fields(a.Param), ", ")
	case stringRuleMessages[a.Tag] != "":
		return stringRuleMessages[a.Tag]
	}

	p, _ := model.SizeParam(fd.Kind, fd.Bits, a.Param)
	n := number(p, fd.Bits)
	if fd.Kind == model.KindDuration {
		n = time.Duration(p.(int64)).String()
	}
	return sizeMessage(fd.Kind, a.Tag, n)
}

func sizeMessage(k, tag, n string) string {
	unit := ""
	switch k {
	case model.KindString:
		unit = " characters long"
	case model.KindStrings:
		unit = " items long"
	}
	switch tag {
	case "min", "gte":
		return "must be at least " + n + unit
	case "max", "lte":
		return "must be at most " + n + unit
	case "gt":
		return "must be more than " + n + unit
	case "lt":
		return "must be less than " + n + unit
	}
	return "must be exactly " + n + unit
}
