// Package load is the generator's first stage: it loads packages with
// full type information and finds every enum.Variant declaration in them.
//
//	res, ds, err := load.Load(load.Config{Tags: []string{"pro"}}, "./secret")
//	for _, d := range res.Decls {
//		… // d.Interface, d.Member, d.Rename
//	}
//
// Calls are matched by the function object they resolve to, so renamed
// imports, aliased types and declarations outside the member's own package
// all work. Every package error is read before anything else.
package load

import (
	"errors"
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/secretgen/secretgen/internal/diag"
)

// EnumPath is the import path of the declaration vocabulary.
const EnumPath = "github.com/secretgen/secretgen/enum"

// Mode is what the loader asks go/packages for: syntax and types of the
// matched packages, export data for their dependencies.
const Mode = packages.NeedName | packages.NeedFiles | packages.NeedImports |
	packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo |
	packages.NeedModule

// ErrNoPackages is returned when the patterns match no package.
var ErrNoPackages = errors.New("no package matched")

// Config says where and how to load.
type Config struct {
	Dir  string   // working directory of the build; "" for the current one
	Tags []string // build tags
	Env  []string // environment of the build; nil for the process's
}

// Result is what the loader found.
type Result struct {
	Fset      *token.FileSet
	Packages  []*packages.Package
	Decls     []Decl
	ModuleDir string // root of the main module of the first package
}

// Decl is one enum.Variant call.
type Decl struct {
	Pos       token.Pos
	Package   *packages.Package // where the call stands
	Interface types.Type        // first type argument, as written
	Member    types.Type        // second type argument, as written
	Rename    string            // from enum.Rename, or ""
	RenamePos token.Pos
}

// MemberObj returns the type name the member refers to: the alias's own
// name for `type Mail = SMTP`, the named type's otherwise, and nil when
// the member is not a named type or an alias.
func (d Decl) MemberObj() *types.TypeName {
	switch t := d.Member.(type) {
	case *types.Alias:
		return t.Obj()
	case *types.Named:
		return t.Obj()
	}
	return nil
}

// Load loads the packages matched by patterns. Problems in the input are
// returned as diagnostics; the error is for a load that could not run or
// matched nothing.
func Load(cfg Config, patterns ...string) (*Result, diag.List, error) {
	pcfg := &packages.Config{
		Mode: Mode,
		Dir:  cfg.Dir,
		Env:  cfg.Env,
		Fset: token.NewFileSet(),
	}
	if len(cfg.Tags) > 0 {
		pcfg.BuildFlags = []string{"-tags=" + strings.Join(cfg.Tags, ",")}
	}

	pkgs, err := packages.Load(pcfg, patterns...)
	if err != nil {
		return nil, nil, fmt.Errorf("load %q: %w", patterns, err)
	}
	if len(pkgs) == 0 {
		return nil, nil, fmt.Errorf("load %q: %w", patterns, ErrNoPackages)
	}

	res := &Result{Fset: pcfg.Fset, Packages: pkgs}
	if m := pkgs[0].Module; m != nil {
		res.ModuleDir = m.Dir
	}

	if ds, err := packageErrors(pkgs); err != nil || len(ds) > 0 {
		return res, ds, err
	}

	var ds diag.List
	for _, p := range pkgs {
		res.Decls = append(res.Decls, findDecls(p, &ds)...)
	}
	return res, ds, nil
}

// packageErrors turns the errors of the loaded packages and their imports
// into diagnostics. A pattern that matched no package is an error.
func packageErrors(pkgs []*packages.Package) (diag.List, error) {
	var ds diag.List
	var unmatched []string
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		typed := slices.ContainsFunc(p.Errors, func(e packages.Error) bool { return e.Kind != packages.ListError })
		for _, e := range p.Errors {
			switch {
			case e.Kind == packages.ListError && len(p.GoFiles) == 0 && len(p.CompiledGoFiles) == 0:
				unmatched = append(unmatched, fmt.Sprintf("%q (%s)", p.ID, lastPart(e.Msg)))
			case e.Kind == packages.ListError && typed && strings.HasPrefix(e.Msg, "# "):
				// The go command's copy of the compiler errors listed below.
			default:
				ds = append(ds, packageError(p, e))
			}
		}
	})
	if len(unmatched) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrNoPackages, strings.Join(unmatched, ", "))
	}
	return ds, nil
}

// lastPart returns the text after the last ": ", which drops the
// absolute paths the go command puts in front.
func lastPart(msg string) string {
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		return msg[i+2:]
	}
	return msg
}

func packageError(p *packages.Package, e packages.Error) diag.Diagnostic {
	pos := parsePos(e.Pos)
	msg := strings.ReplaceAll(e.Msg, "\n\t", "; ") // one line per diagnostic
	if pos.Filename == "" {
		msg = fmt.Sprintf("package %s: %s", p.PkgPath, msg)
		if len(p.GoFiles) > 0 {
			pos.Filename = p.GoFiles[0]
		}
	}
	return diag.Diagnostic{Pos: pos, Message: msg}
}

// posPattern matches "file:line:col" and "file:line".
var posPattern = regexp.MustCompile(`^(.*?):(\d+)(?::(\d+))?$`)

// parsePos parses a position as go/packages reports it.
func parsePos(s string) token.Position {
	m := posPattern.FindStringSubmatch(s)
	if m == nil {
		if s == "-" {
			s = ""
		}
		return token.Position{Filename: s}
	}
	line, _ := strconv.Atoi(m[2])
	col, _ := strconv.Atoi(m[3])
	return token.Position{Filename: m[1], Line: line, Column: col}
}

// findDecls returns the Variant calls in the syntax of p.
func findDecls(p *packages.Package, ds *diag.List) []Decl {
	var out []Decl
	for _, f := range p.Syntax {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if id := enumFunc(p.TypesInfo, call.Fun, "Variant"); id != nil {
				if d, ok := variantDecl(p, call, id, ds); ok {
					out = append(out, d)
				}
			}
			return true
		})
	}
	return out
}

// enumFunc returns the identifier of fun when it names the function name
// of the enum package, whatever the import is called.
func enumFunc(info *types.Info, fun ast.Expr, name string) *ast.Ident {
	fun = ast.Unparen(fun)
	switch x := fun.(type) {
	case *ast.IndexExpr:
		fun = x.X
	case *ast.IndexListExpr:
		fun = x.X
	}

	var id *ast.Ident
	switch x := ast.Unparen(fun).(type) {
	case *ast.Ident:
		id = x
	case *ast.SelectorExpr:
		id = x.Sel
	default:
		return nil
	}

	fn, ok := info.Uses[id].(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != EnumPath || fn.Name() != name {
		return nil
	}
	return id
}

func variantDecl(p *packages.Package, call *ast.CallExpr, id *ast.Ident, ds *diag.List) (Decl, bool) {
	pos := p.Fset.Position(call.Pos())
	inst, ok := p.TypesInfo.Instances[id]
	if !ok || inst.TypeArgs.Len() != 2 {
		ds.Addf(pos, "enum.Variant needs two type arguments: the interface and the member")
		return Decl{}, false
	}

	d := Decl{
		Pos:       call.Pos(),
		Package:   p,
		Interface: inst.TypeArgs.At(0),
		Member:    inst.TypeArgs.At(1),
	}
	for _, arg := range call.Args {
		if !d.option(arg, ds) {
			return Decl{}, false
		}
	}
	return d, true
}

// option reads one argument of a Variant call.
func (d *Decl) option(arg ast.Expr, ds *diag.List) bool {
	p := d.Package
	pos := p.Fset.Position(arg.Pos())
	call, ok := ast.Unparen(arg).(*ast.CallExpr)
	var id *ast.Ident
	if ok {
		id = enumFunc(p.TypesInfo, call.Fun, "Rename")
	}
	if id == nil || len(call.Args) != 1 {
		ds.Addf(pos, "option of enum.Variant must be a call of enum.Rename")
		return false
	}

	inst := p.TypesInfo.Instances[id]
	if inst.TypeArgs.Len() == 1 && !types.Identical(inst.TypeArgs.At(0), d.Member) {
		ds.Addf(pos, "enum.Rename is for %s, but the variant is %s",
			inst.TypeArgs.At(0), d.Member)
		return false
	}

	tv := p.TypesInfo.Types[call.Args[0]]
	if tv.Value == nil || tv.Value.Kind() != constant.String {
		ds.Addf(pos, "enum.Rename needs a constant string")
		return false
	}
	d.Rename = constant.StringVal(tv.Value)
	d.RenamePos = call.Args[0].Pos()
	return true
}
