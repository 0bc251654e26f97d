package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/secretgen/secretgen/internal/model"
)

// repository declares the variant's record, repository and its
// constructor: aliases of the runtime's generic ones, bound to the
// variant's codec and validator.
func repository(f *jen.File, v model.Variant) {
	record, repo := v.Name+"Record", v.Name+"Repository"

	doc(f, "%s is one stored %s: its metadata in clear and its\ndecrypted fields.", record, v.Type)
	f.Type().Id(record).Op("=").Qual(kindPath, "Record").Types(typeOf(v))

	doc(f, "%s stores %s values through a kind.Store, which encrypts\nthem. Create and Update validate before storing.", repo, v.Type)
	f.Type().Id(repo).Op("=").Qual(kindPath, "Repository").Types(typeOf(v))

	f.Commentf("New%s returns a repository of %s values over s.", repo, v.Type)
	f.Func().Id("New" + repo).Params(jen.Id("s").Qual(kindPath, "Store")).Id(repo).Block(
		jen.Return(jen.Qual(kindPath, "NewRepository").Call(
			append([]jen.Code{jen.Id("s"), jen.Lit(v.Name)}, typedFuncs(v, false)...)...)),
	)
}

// typedFuncs lists the variant's generated functions in the order
// kind.Bind and kind.NewRepository take them.
func typedFuncs(v model.Variant, defaults bool) []jen.Code {
	var fs []jen.Code
	if defaults {
		fs = append(fs, jen.Id("Default"+v.Name))
	}
	return append(fs, jen.Id("Decode"+v.Name), jen.Id("Encode"+v.Name), jen.Id("Validate"+v.Name))
}

// registryFile holds Registry, Handlers, Repositories and NewRepositories.
func registryFile(f *jen.File, vs []model.Variant) {
	doc(f, "Registry returns every secret type generated into this package, for\nthe runtime. Nothing registers itself: a platform passes this value on.")
	f.Func().Id("Registry").Params().Qual(kindPath, "Registry").Block(
		jen.Return(jen.Qual(kindPath, "Registry").Values(
			jen.Id("Types").Op(":").Index().Qual(kindPath, "Type").ValuesFunc(func(g *jen.Group) {
				for _, v := range vs {
					g.Line().Id(v.Name + "Type").Call()
				}
				g.Line()
			}),
		)),
	)

	handlersFunc(f, vs)

	f.Comment("Repositories holds one typed repository per secret type:")
	f.Comment("")
	f.Comment("\trepos := NewRepositories(store)")
	if len(vs) > 0 {
		f.Commentf("\trec, err := repos.%s.Get(ctx, id)", vs[0].Name)
	}
	f.Type().Id("Repositories").StructFunc(func(g *jen.Group) {
		for _, v := range vs {
			g.Id(v.Name).Id(v.Name + "Repository")
		}
	})

	f.Comment("NewRepositories returns the repositories of every type over s.")
	f.Func().Id("NewRepositories").Params(jen.Id("s").Qual(kindPath, "Store")).Id("Repositories").Block(
		jen.Return(jen.Id("Repositories").Values(repositoriesValue(vs)...)),
	)
}

func repositoriesValue(vs []model.Variant) []jen.Code {
	var k keyed
	for _, v := range vs {
		k.add(v.Name, jen.Id("New"+v.Name+"Repository").Call(jen.Id("s")))
	}
	return k.values()
}
