package model

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"github.com/secretgen/secretgen/internal/load"
)

// fieldSyntax is what the syntax tree adds to a field object: where its
// tag literal starts.
type fieldSyntax struct {
	tagPos token.Pos
}

// fieldIndex maps the position of every struct field name in the loaded
// syntax to its tag's position. Fields of packages loaded without syntax
// report problems at the field itself.
func fieldIndex(res *load.Result) map[token.Pos]fieldSyntax {
	idx := map[token.Pos]fieldSyntax{}
	for _, p := range res.Packages {
		for _, f := range p.Syntax {
			ast.Inspect(f, func(n ast.Node) bool {
				fd, ok := n.(*ast.Field)
				if !ok || fd.Tag == nil {
					return true
				}
				if len(fd.Names) == 0 {
					idx[fd.Type.Pos()] = fieldSyntax{tagPos: fd.Tag.Pos()}
				}
				for _, name := range fd.Names {
					idx[name.Pos()] = fieldSyntax{tagPos: fd.Tag.Pos()}
				}
				return true
			})
		}
	}
	return idx
}

// candidate is a field that may be promoted to the variant.
type candidate struct {
	v     *types.Var
	tag   tagSet
	depth int
}

// walk adds the fields of st to v in declaration order, embedded structs
// inlined where they stand. A shallower field hides a deeper one of the
// same name, as Go's promotion rules say.
func (b *builder) walk(v *Variant, st *types.Struct, owner string) {
	var cands []candidate
	b.collect(v, st, owner, 0, &cands)

	type at struct {
		name  string
		depth int
	}
	shallowest := map[string]int{}
	count := map[at]int{}
	for _, c := range cands {
		if d, ok := shallowest[c.v.Name()]; !ok || c.depth < d {
			shallowest[c.v.Name()] = c.depth
		}
		count[at{c.v.Name(), c.depth}]++
	}

	for _, c := range cands {
		switch {
		case c.depth != shallowest[c.v.Name()]:
			continue
		case count[at{c.v.Name(), c.depth}] > 1:
			b.ds.Addf(b.pos(c.v.Pos()), "field %s is promoted from two embedded structs at the same depth, so Go cannot select it", c.v.Name())
		default:
			b.field(v, c.v, c.tag)
		}
	}
}

// collect gathers the stored fields of st and reads its blank fields.
func (b *builder) collect(v *Variant, st *types.Struct, owner string, depth int, out *[]candidate) {
	for i := range st.NumFields() {
		f := st.Field(i)
		tag := b.tag(f, st.Tag(i))
		switch {
		case f.Name() == "_":
			b.presentation(v, f, tag)
		case f.Embedded():
			if tag.raw != "" {
				b.ds.Addf(tag.pos, "embedded field %s cannot carry tags; tag its fields instead", f.Name())
			}
			b.embedded(v, f, depth, out)
		case !f.Exported():
			b.ds.Addf(b.pos(f.Pos()), "field %s of %s is unexported: every field of a secret type is stored, so export it", f.Name(), owner)
		default:
			*out = append(*out, candidate{v: f, tag: tag, depth: depth})
		}
	}
}

func (b *builder) embedded(v *Variant, f *types.Var, depth int, out *[]candidate) {
	t := types.Unalias(f.Type())
	if _, ok := t.(*types.Pointer); ok {
		b.ds.Addf(b.pos(f.Pos()), "embedded field %s is a pointer: a nil pointer would hide its fields; embed the struct itself", f.Name())
		return
	}
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		b.ds.Addf(b.pos(f.Pos()), "embedded field %s is not a struct", f.Name())
		return
	}
	b.collect(v, st, f.Name(), depth+1, out)
}

// field adds one named, exported field.
func (b *builder) field(v *Variant, f *types.Var, tag tagSet) {
	pos := b.pos(f.Pos())
	fd := Field{GoName: f.Name(), Key: f.Name(), Label: f.Name(), Pos: pos}
	if !b.fieldType(&fd, f.Type()) {
		return
	}
	b.fieldTags(&fd, tag)
	v.Fields = append(v.Fields, fd)
}

// fieldType sets the kind of fd from t, or reports t as unsupported.
func (b *builder) fieldType(fd *Field, t types.Type) bool {
	kindName, bits, named, ok := classify(t)
	if !ok {
		b.ds.Addf(fd.Pos, "field %s has unsupported type %s: use string, bool, an integer or float type, time.Duration, time.Time, []string, or a named type of one of these",
			fd.GoName, types.TypeString(t, qualifier))
		return false
	}
	if named != nil && !token.IsExported(named.Name) {
		b.ds.Addf(fd.Pos, "field %s has unexported type %s: generated code in another package cannot name it", fd.GoName, named)
		return false
	}
	fd.Kind, fd.Bits, fd.Named = kindName, bits, named
	fd.Basic = basicName(t)
	return true
}

// basicName returns the unnamed Go type that t is, or is defined as.
func basicName(t types.Type) string {
	t = types.Unalias(t)
	if n, ok := t.(*types.Named); ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "time" {
		return "time." + n.Obj().Name()
	}
	if b, ok := t.Underlying().(*types.Basic); ok {
		return b.Name()
	}
	return "[]string"
}

// classify returns the kind of t, its size, and its named type when the
// codec has to convert to it.
func classify(t types.Type) (string, int, *TypeRef, bool) {
	t = types.Unalias(t)
	named, isNamed := t.(*types.Named)
	if isNamed {
		obj := named.Obj()
		if obj.Pkg() != nil && obj.Pkg().Path() == "time" {
			switch obj.Name() {
			case "Duration":
				return KindDuration, 0, nil, true
			case "Time":
				return KindTime, 0, nil, true
			}
		}
		if named.TypeArgs().Len() > 0 || obj.Pkg() == nil {
			return "", 0, nil, false
		}
	}

	k, bits, ok := classifyUnderlying(t.Underlying())
	if !ok || !isNamed {
		return k, bits, nil, ok
	}
	obj := named.Obj()
	return k, bits, &TypeRef{PkgPath: obj.Pkg().Path(), PkgName: obj.Pkg().Name(), Name: obj.Name()}, true
}

func classifyUnderlying(t types.Type) (string, int, bool) {
	if s, ok := t.(*types.Slice); ok {
		elem, ok := types.Unalias(s.Elem()).(*types.Basic)
		return KindStrings, 0, ok && elem.Kind() == types.String
	}
	basic, ok := t.(*types.Basic)
	if !ok {
		return "", 0, false
	}
	switch basic.Kind() {
	case types.String:
		return KindString, 0, true
	case types.Bool:
		return KindBool, 0, true
	case types.Int, types.Int64:
		return KindInt, 64, true
	case types.Int8:
		return KindInt, 8, true
	case types.Int16:
		return KindInt, 16, true
	case types.Int32:
		return KindInt, 32, true
	case types.Uint, types.Uint64:
		return KindUint, 64, true
	case types.Uint8:
		return KindUint, 8, true
	case types.Uint16:
		return KindUint, 16, true
	case types.Uint32:
		return KindUint, 32, true
	case types.Float32:
		return KindFloat, 32, true
	case types.Float64:
		return KindFloat, 64, true
	}
	return "", 0, false
}

// GoType returns the Go spelling of the field's type as generated code
// outside the field's package would write it, e.g. "int" or "secret.Port".
func (f Field) GoType() string {
	if f.Named != nil {
		return f.Named.String()
	}
	return f.Basic
}

// KindGoType returns the unnamed Go type the codec uses for a kind.
func KindGoType(k string, bits int) string {
	switch k {
	case KindString:
		return "string"
	case KindBool:
		return "bool"
	case KindInt:
		return fmt.Sprintf("int%d", bits)
	case KindUint:
		return fmt.Sprintf("uint%d", bits)
	case KindFloat:
		return fmt.Sprintf("float%d", bits)
	case KindDuration:
		return "time.Duration"
	case KindTime:
		return "time.Time"
	case KindStrings:
		return "[]string"
	}
	return "?"
}

// checkKeys reports fields whose keys, former keys included, are equal or
// equal ignoring case, as encoding/json and most JSON tools match keys
// that way.
func (b *builder) checkKeys(v *Variant) {
	type owner struct {
		key   string
		field string
	}
	seen := map[string]owner{}
	for _, f := range v.Fields {
		for _, k := range append([]string{f.Key}, f.FormerKeys...) {
			norm := strings.ToLower(k)
			o, dup := seen[norm]
			switch {
			case !dup:
				seen[norm] = owner{key: k, field: f.GoName}
			case o.key == k:
				b.ds.Addf(f.Pos, "field %s: json key %q is already used by field %s", f.GoName, k, o.field)
			default:
				b.ds.Addf(f.Pos, "field %s: json key %q and key %q of field %s normalise to the same key (JSON keys match ignoring case)", f.GoName, k, o.key, o.field)
			}
		}
	}
}
