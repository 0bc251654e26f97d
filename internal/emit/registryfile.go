package emit

import (
	"github.com/dave/jennifer/jen"

	"github.com/secretgen/secretgen/internal/model"
)

// repositoryFile holds the typed record and repository over kind.Store.
func repositoryFile(f *jen.File, v model.Variant) {
	record := v.Name + "Record"
	repo := v.Name + "Repository"
	decodeRecord := "decode" + record
	ctx := jen.Id("ctx").Qual("context", "Context")
	meta := jen.Qual(kindPath, "Meta")
	store := func(method string, args ...jen.Code) *jen.Statement {
		return jen.Id("r").Dot("store").Dot(method).Call(append([]jen.Code{jen.Id("ctx"), jen.Lit(v.Name)}, args...)...)
	}

	doc(f, "%s is one stored %s: its metadata in clear and its\ndecrypted fields.", record, v.Type)
	f.Type().Id(record).Struct(
		jen.Qual(kindPath, "Meta"),
		jen.Id("Credentials").Add(typeOf(v)),
	)

	f.Commentf("%s stores %s values through a kind.Store, which encrypts them.", repo, v.Type)
	f.Comment("Create and Update validate before storing.")
	f.Type().Id(repo).Struct(jen.Id("store").Qual(kindPath, "Store"))

	f.Commentf("New%s returns a repository of %s values over s.", repo, v.Type)
	f.Func().Id("New" + repo).Params(jen.Id("s").Qual(kindPath, "Store")).Id(repo).Block(
		jen.Return(jen.Id(repo).Values(jen.Id("store").Op(":").Id("s"))),
	)

	recv := func() *jen.Statement { return jen.Func().Params(jen.Id("r").Id(repo)) }

	f.Comment("Create validates v and stores it as a new secret at version 1.")
	f.Add(recv()).Id("Create").Params(ctx, jen.Id("v").Add(typeOf(v))).Params(meta, jen.Error()).Block(
		jen.If(jen.Err().Op(":=").Id("Validate"+v.Name).Call(jen.Id("v")), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Qual(kindPath, "Meta").Values(), jen.Err()),
		),
		jen.Return(store("Create", jen.Id("Encode"+v.Name).Call(jen.Id("v")))),
	)

	f.Comment("Get returns the current version of the secret with the given id.")
	f.Add(recv()).Id("Get").Params(ctx, jen.Id("id").String()).Params(jen.Id(record), jen.Error()).Block(
		jen.List(jen.Id("item"), jen.Err()).Op(":=").Add(store("Get", jen.Id("id"))),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id(record).Values(), jen.Err())),
		jen.Return(jen.Id(decodeRecord).Call(jen.Id("item"))),
	)

	f.Comment("Update validates v and replaces the secret if its current version is version;")
	f.Comment("otherwise the error matches kind.ErrConflict.")
	f.Add(recv()).Id("Update").Params(ctx, jen.Id("id").String(), jen.Id("version").Int64(), jen.Id("v").Add(typeOf(v))).Params(meta, jen.Error()).Block(
		jen.If(jen.Err().Op(":=").Id("Validate"+v.Name).Call(jen.Id("v")), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Qual(kindPath, "Meta").Values(), jen.Err()),
		),
		jen.Return(store("Update", jen.Id("id"), jen.Id("version"), jen.Id("Encode"+v.Name).Call(jen.Id("v")))),
	)

	f.Commentf("List returns every live %s secret.", v.Name)
	f.Add(recv()).Id("List").Params(ctx).Params(jen.Index().Id(record), jen.Error()).Block(
		jen.List(jen.Id("items"), jen.Err()).Op(":=").Add(store("List")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		jen.Id("out").Op(":=").Make(jen.Index().Id(record), jen.Lit(0), jen.Len(jen.Id("items"))),
		jen.For(jen.List(jen.Id("_"), jen.Id("item")).Op(":=").Range().Id("items")).Block(
			jen.List(jen.Id("rec"), jen.Err()).Op(":=").Id(decodeRecord).Call(jen.Id("item")),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
			jen.Id("out").Op("=").Append(jen.Id("out"), jen.Id("rec")),
		),
		jen.Return(jen.Id("out"), jen.Nil()),
	)

	f.Comment("Delete removes the secret if its current version is version.")
	f.Add(recv()).Id("Delete").Params(ctx, jen.Id("id").String(), jen.Id("version").Int64()).Error().Block(
		jen.Return(store("Delete", jen.Id("id"), jen.Id("version"))),
	)

	f.Line()
	f.Commentf("%s decodes a stored payload; stored data is read tolerantly.", decodeRecord)
	f.Func().Id(decodeRecord).Params(jen.Id("item").Qual(kindPath, "Item")).Params(jen.Id(record), jen.Error()).Block(
		jen.List(jen.Id("v"), jen.Err()).Op(":=").Id("Decode"+v.Name).Call(jen.Id("item").Dot("Payload"), jen.False()),
		jen.If(jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Id(record).Values(), jen.Qual("fmt", "Errorf").Call(jen.Lit("secret %q: %w"), jen.Id("item").Dot("ID"), jen.Err())),
		),
		jen.Return(jen.Id(record).Values(
			jen.Id("Meta").Op(":").Id("item").Dot("Meta"),
			jen.Id("Credentials").Op(":").Id("v"),
		), jen.Nil()),
	)
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
