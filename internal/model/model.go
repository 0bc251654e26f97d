// Package model is the generator's second stage: it turns the Variant
// declarations the loader found into plain descriptions of each secret
// type, checking every tag on the way.
//
//	vs, ds := model.Build(res) // res from load.Load
//	for _, v := range vs {
//		… // v.Name, v.Fields[i].Key, v.Fields[i].Kind, v.Groups
//	}
//
// A problem is a positioned diagnostic; Build reports all of them.
package model

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strings"

	"github.com/secretgen/secretgen/internal/diag"
	"github.com/secretgen/secretgen/internal/load"
)

// Variant describes one declared secret type.
type Variant struct {
	Name      string  // the public name: enum.Rename, else the type name
	Type      TypeRef // the Go type, as the declaration names it
	Interface string  // the interface, package-qualified
	Pos       token.Position

	Title       string // credentialName, else Name
	Description string
	Logo        string
	Groups      []string // requireGroup

	Fields      []Field
	Fingerprint string
}

// TypeRef names a Go type declared in a package.
type TypeRef struct {
	PkgPath string
	PkgName string
	Name    string
}

// String returns the type as pkgname.Name.
func (t TypeRef) String() string {
	return t.PkgName + "." + t.Name
}

// Field describes one stored field.
type Field struct {
	GoName     string   // accessible as v.GoName, promoted or not
	Key        string   // JSON key
	FormerKeys []string // keys read when Key is absent
	Kind       string   // a Kind… constant value
	Bits       int      // for int, uint and float kinds
	Basic      string   // the underlying Go type: "int", "float32", "[]string", "time.Duration", …
	Named      *TypeRef // the field's named type, when it is not the kind's own
	Pos        token.Position

	Label          string
	SupportingText string
	Style          string
	Default        string // the value tag as written
	DefaultValue   any    // parsed: string, bool, int64, uint64, float64, time.Duration, time.Time or []string
	Rules          string // the validate tag as written
	Checks         []Rule // parsed rules, in order
	Fallback       bool   // whether Rules need validator/v10 at run time
	Required       bool
}

// Rule is one comma-separated validate rule; Alts holds its
// '|'-separated alternatives.
type Rule struct {
	Alts []Alt
}

// String returns the rule as written.
func (r Rule) String() string {
	parts := make([]string, len(r.Alts))
	for i, a := range r.Alts {
		parts[i] = a.String()
	}
	return strings.Join(parts, "|")
}

// Alt is one validator tag with its parameter.
type Alt struct {
	Tag   string
	Param string
}

// String returns the alternative as written.
func (a Alt) String() string {
	if a.Param == "" {
		return a.Tag
	}
	return a.Tag + "=" + a.Param
}

// Build describes every declared variant, sorted by name.
func Build(res *load.Result) ([]Variant, diag.List) {
	b := &builder{fset: res.Fset, fields: fieldIndex(res)}
	var out []Variant
	seen := map[string]token.Position{}
	for _, d := range res.Decls {
		v, ok := b.variant(d)
		if !ok {
			continue
		}
		if at, dup := seen[v.Name]; dup {
			b.ds.Addf(v.Pos, "variant name %q is already declared at %s:%d:%d", v.Name, filepath.Base(at.Filename), at.Line, at.Column)
			continue
		}
		seen[v.Name] = v.Pos
		out = append(out, v)
	}

	slices.SortFunc(out, func(a, b Variant) int { return strings.Compare(a.Name, b.Name) })
	return out, b.ds
}

type builder struct {
	fset   *token.FileSet
	fields map[token.Pos]fieldSyntax
	ds     diag.List
}

func (b *builder) pos(p token.Pos) token.Position {
	return b.fset.Position(p)
}

// variant describes the variant declared by d.
func (b *builder) variant(d load.Decl) (Variant, bool) {
	pos := b.pos(d.Pos)
	ref, st, ok := b.member(d, pos)
	if !ok {
		return Variant{}, false
	}

	v := Variant{
		Name:      ref.Name,
		Type:      ref,
		Interface: types.TypeString(d.Interface, qualifier),
		Pos:       pos,
	}
	if d.Rename != "" {
		if !token.IsIdentifier(d.Rename) || !token.IsExported(d.Rename) {
			b.ds.Addf(b.pos(d.RenamePos), "enum.Rename name %q must be an exported Go identifier: generated names are built from it", d.Rename)
			return Variant{}, false
		}
		v.Name = d.Rename
	}

	n := len(b.ds)
	b.walk(&v, st, ref.Name)
	b.checkKeys(&v)
	if len(b.ds) > n {
		return Variant{}, false
	}

	if v.Title == "" {
		v.Title = v.Name
	}
	v.Fingerprint = fingerprint(v)
	return v, true
}

// member checks the second type argument: a named, non-generic, exported
// struct type that implements the interface.
func (b *builder) member(d load.Decl, pos token.Position) (TypeRef, *types.Struct, bool) {
	iface, ok := types.Unalias(d.Interface).Underlying().(*types.Interface)
	if !ok {
		b.ds.Addf(pos, "%s is not an interface: the first type argument of enum.Variant names the interface its members implement", types.TypeString(d.Interface, qualifier))
		return TypeRef{}, nil, false
	}

	obj := d.MemberObj()
	named, isNamed := types.Unalias(d.Member).(*types.Named)
	if obj == nil || !isNamed {
		b.ds.Addf(pos, "member %s is not a named type", types.TypeString(d.Member, qualifier))
		return TypeRef{}, nil, false
	}
	if named.TypeParams().Len() > 0 || named.TypeArgs().Len() > 0 {
		b.ds.Addf(pos, "member %s is generic; declare a named non-generic type for it, e.g. type X = %s",
			types.TypeString(d.Member, qualifier), types.TypeString(d.Member, qualifier))
		return TypeRef{}, nil, false
	}
	st, ok := named.Underlying().(*types.Struct)
	if !ok {
		b.ds.Addf(pos, "member %s is not a struct: its underlying type is %s", obj.Name(), named.Underlying())
		return TypeRef{}, nil, false
	}
	if !obj.Exported() {
		b.ds.Addf(pos, "member %s is unexported: generated code in another package cannot name it", obj.Name())
		return TypeRef{}, nil, false
	}
	if why := notImplemented(d.Member, iface); why != "" {
		b.ds.Addf(pos, "member %s does not implement %s: %s", obj.Name(), types.TypeString(d.Interface, qualifier), why)
		return TypeRef{}, nil, false
	}

	ref := TypeRef{PkgPath: obj.Pkg().Path(), PkgName: obj.Pkg().Name(), Name: obj.Name()}
	return ref, st, true
}

// notImplemented returns why t does not implement iface, or "".
func notImplemented(t types.Type, iface *types.Interface) string {
	if types.Implements(t, iface) {
		return ""
	}
	m, wrongType := types.MissingMethod(t, iface, true)
	if m == nil {
		return "it does not satisfy the interface"
	}
	if types.Implements(types.NewPointer(t), iface) {
		return fmt.Sprintf("method %s has a pointer receiver; secret types are passed by value", m.Name())
	}
	if wrongType {
		return fmt.Sprintf("method %s has the wrong signature, want %s", m.Name(), types.TypeString(m.Type(), qualifier))
	}
	return fmt.Sprintf("method %s is missing", m.Name())
}

// qualifier writes package names, not paths, in type strings.
func qualifier(p *types.Package) string {
	return p.Name()
}

// fingerprint hashes what decides the stored shape: the name and each
// key with its kind and size.
func fingerprint(v Variant) string {
	lines := []string{"variant " + v.Name}
	for _, f := range v.Fields {
		lines = append(lines, fmt.Sprintf("field %s %s %d", f.Key, f.Kind, f.Bits))
	}
	slices.Sort(lines[1:])
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return hex.EncodeToString(sum[:16])
}
