package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/secretgen/secretgen/internal/model"
)

// httpFile holds <Name>Handlers and the four handlers it returns: create,
// get, update and form, each an httpapi.TypedFunc.
func httpFile(f *jen.File, v model.Variant) {
	h := handlerNames(v)

	doc(f, "%sHandlers returns the HTTP handlers of %s for\nhttpapi.Config.Handlers: create, get, update and form.", v.Name, v.Type)
	f.Func().Id(v.Name+"Handlers").Params().Qual(httpapiPath, "TypeHandlers").Block(
		jen.Return(jen.Qual(httpapiPath, "TypeHandlers").Values(handlersValue(v, h)...)),
	)

	doc(f, "%s decodes the body's data strictly as %s, validates it\nand stores its canonical encoding as a new secret.", h.create, v.Type)
	typedFunc(f, h.create, jen.Id("a"), jen.Id("r"), jen.Id("sub")).Block(
		jen.List(jen.Id("req"), jen.Err()).Op(":=").Id("a").Dot("ReadCreate").Call(jen.Id("r")),
		ifErr(),
		jen.List(jen.Id("v"), jen.Err()).Op(":=").Id("Decode"+v.Name).Call(jen.Id("req").Dot("Data"), jen.True()),
		ifErr(),
		jen.If(jen.Err().Op(":=").Id("Validate"+v.Name).Call(jen.Id("v")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.Return(api("CreateSecret", jen.Lit(v.Name), jen.Id("Encode"+v.Name).Call(jen.Id("v")), jen.Id("req").Dot("Groups"))),
	)

	doc(f, "%s answers the secret {id}, which must be of type %s;\nthe access layer masks secret fields for viewers.", h.get, v.Name)
	typedFunc(f, h.get, jen.Id("a"), jen.Id("r"), jen.Id("sub")).Block(
		jen.Return(api("ServeSecret", jen.Lit(v.Name))),
	)

	doc(f, "%s changes the %s secret {id} at the version If-Match\nnames. The data is decoded strictly here; the access layer keeps secret\nfields sent masked or left out, then validates.", h.update, v.Name)
	typedFunc(f, h.update, jen.Id("a"), jen.Id("r"), jen.Id("sub")).Block(
		jen.List(jen.Id("c"), jen.Err()).Op(":=").Id("a").Dot("ReadChange").Call(jen.Id("r"), jen.Id("sub"), jen.Lit(v.Name)),
		ifErr(),
		jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("Decode"+v.Name).Call(jen.Id("c").Dot("Data"), jen.True()), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.Return(api("ApplyChange", jen.Id("c"))),
	)

	doc(f, "%s answers %sForm with the JSON Schema of %s.", h.form, v.Name, v.Type)
	typedFunc(f, h.form, jen.Id("_"), jen.Id("_"), jen.Id("_")).Block(
		jen.Return(jen.Qual(httpapiPath, "ServeForm").Call(jen.Id("w"), jen.Id(v.Name+"Type").Call())),
	)
}

// handlers names the unexported handler functions of a variant.
type handlers struct {
	create, get, update, form string
}

func handlerNames(v model.Variant) handlers {
	return handlers{"create" + v.Name, "get" + v.Name, "update" + v.Name, "form" + v.Name}
}

func handlersValue(v model.Variant, h handlers) []jen.Code {
	var k keyed
	k.add("Type", jen.Lit(v.Name))
	k.add("Fingerprint", jen.Lit(v.Fingerprint))
	k.add("Create", jen.Id(h.create))
	k.add("Get", jen.Id(h.get))
	k.add("Update", jen.Id(h.update))
	k.add("Form", jen.Id(h.form))
	return k.values()
}

// typedFunc starts the declaration of an httpapi.TypedFunc with the
// given names for the API, the request and the subject.
func typedFunc(f *jen.File, name string, api, req, sub jen.Code) *jen.Statement {
	return f.Func().Id(name).Params(
		jen.Add(api).Op("*").Qual(httpapiPath, "API"),
		jen.Id("w").Qual("net/http", "ResponseWriter"),
		jen.Add(req).Op("*").Qual("net/http", "Request"),
		jen.Add(sub).Qual(accessPath, "Subject"),
	).Error()
}

// api calls a method of the API with the response writer, the request
// and the subject first.
func api(method string, args ...jen.Code) *jen.Statement {
	args = append([]jen.Code{jen.Id("w"), jen.Id("r"), jen.Id("sub")}, args...)
	return jen.Id("a").Dot(method).Call(args...)
}

func ifErr() *jen.Statement {
	return jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))
}

// handlersFunc writes Handlers, which returns every variant's handlers.
func handlersFunc(f *jen.File, vs []model.Variant) {
	doc(f, "Handlers returns the HTTP handlers of every secret type generated into\nthis package, for httpapi.Config.Handlers:\n\n\tapi := httpapi.New(httpapi.Config{Registry: Registry(), Handlers: Handlers(), …})")
	f.Func().Id("Handlers").Params().Index().Qual(httpapiPath, "TypeHandlers").Block(
		jen.Return(jen.Index().Qual(httpapiPath, "TypeHandlers").ValuesFunc(func(g *jen.Group) {
			for _, v := range vs {
				g.Line().Id(v.Name + "Handlers").Call()
			}
			g.Line()
		})),
	)
}
