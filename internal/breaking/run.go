package breaking

import (
	"errors"
	"flag"
	"fmt"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/secretgen/secretgen/internal/diag"
	"github.com/secretgen/secretgen/internal/emit"
	"github.com/secretgen/secretgen/internal/gen"
	"github.com/secretgen/secretgen/internal/load"
	"github.com/secretgen/secretgen/internal/model"
)

const usage = `usage: secretgen breaking [-against REF] [-schemas DIR] [-allow-breaking] [-tags TAGS] patterns...

Compares the JSON Schemas that the current source of the matched packages
would generate with those committed at REF, a git ref or a directory of
*.schema.json files, prints one line per change with its position and
category, and exits 1 when a change breaks stored data or API clients.

flags:
  -against REF      git ref or directory to compare with (default HEAD)
  -schemas DIR      schema directory read at the git ref (default <module root>/generated/schemas)
  -allow-breaking   report breaking changes but exit 0
  -tags list        comma-separated build tags`

// options are the parsed arguments of one run.
type options struct {
	against, schemas string
	allow            bool
	tags             []string
	patterns         []string
}

// Run is the breaking command: args are what follows "secretgen
// breaking". It returns the exit code: 0 when nothing breaks (or breaking
// is allowed), 1 when something breaks or the input has errors, 2 for a
// usage error. The report goes to stdout, problems to stderr.
func Run(args []string, stdout, stderr io.Writer) int {
	opt, code := parse(args, stderr)
	if code != 0 {
		return code
	}

	cur, ok := loadCurrent(stderr, opt.tags, opt.patterns)
	if !ok {
		return 1
	}
	schemas := opt.schemas
	if schemas == "" {
		schemas = filepath.Join(cur.moduleDir, "generated", "schemas")
	}
	old, err := ReadAgainst(opt.against, schemas)
	if errors.Is(err, ErrNoSchemas) {
		fmt.Fprintf(stderr, "secretgen: warning: breaking: %v; every type counts as new\n", err)
		err = nil
	}
	if err != nil {
		fmt.Fprintf(stderr, "secretgen: error: breaking: %v\n", err)
		return 1
	}

	changes := Compare(old, cur.schemas)
	Locate(changes, cur.pos)
	return Report(stdout, changes, opt.allow)
}

func parse(args []string, stderr io.Writer) (options, int) {
	var opt options
	var tags string
	fs := flag.NewFlagSet("breaking", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&opt.against, "against", "HEAD", "")
	fs.StringVar(&opt.schemas, "schemas", "", "")
	fs.BoolVar(&opt.allow, "allow-breaking", false, "")
	fs.StringVar(&tags, "tags", "", "")

	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		printUsage(stderr)
		return opt, 2
	case err != nil:
		return opt, usageError(stderr, err.Error())
	case fs.NArg() == 0:
		return opt, usageError(stderr, "no package patterns given, e.g. ./secret")
	}
	opt.tags, opt.patterns = splitTags(tags), fs.Args()
	return opt, 0
}

func usageError(stderr io.Writer, msg string) int {
	fmt.Fprintf(stderr, "secretgen: error: breaking: %s\n", msg)
	printUsage(stderr)
	return 2
}

func printUsage(stderr io.Writer) {
	for line := range strings.SplitSeq(usage, "\n") {
		fmt.Fprintf(stderr, "secretgen: %s\n", line)
	}
}

func splitTags(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// current is what the source would generate now, with positions.
type current struct {
	moduleDir string
	schemas   map[string]*Schema
	types     map[string]string            // variant name to position
	fields    map[string]map[string]string // variant name to json key to position
}

func (c *current) pos(typ, field string) (string, bool) {
	if field == "" {
		p, ok := c.types[typ]
		return p, ok
	}
	p, ok := c.fields[typ][field]
	return p, ok
}

// loadCurrent runs the generator's load and model stages on patterns and
// builds each variant's schema as generation would write it. Problems in
// the source are printed as positioned diagnostics.
func loadCurrent(stderr io.Writer, tags, patterns []string) (*current, bool) {
	fail := func(err error) (*current, bool) {
		fmt.Fprintf(stderr, "secretgen: error: breaking: %v\n", err)
		return nil, false
	}
	wd, err := os.Getwd()
	if err != nil {
		return fail(err)
	}

	res, ds, err := load.Load(load.Config{Tags: tags}, patterns...)
	var vs []model.Variant
	if err == nil && len(ds) == 0 {
		vs, ds = model.Build(res)
	}
	switch {
	case len(ds) > 0:
		ds.Print(stderr, wd)
		return nil, false
	case err != nil:
		return fail(err)
	case len(vs) == 0:
		return fail(fmt.Errorf("%w in %s", gen.ErrNoVariants, strings.Join(patterns, " ")))
	}
	return fromVariants(stderr, vs, res, wd)
}

// typePositions returns where each member type is declared, keyed by
// package path and name as model.TypeRef spells them. The type, not the
// Variant call, is where a reader looks for its fields and blank field.
func typePositions(res *load.Result) map[model.TypeRef]token.Position {
	out := map[model.TypeRef]token.Position{}
	for _, d := range res.Decls {
		obj := d.MemberObj()
		if obj != nil && obj.Pkg() != nil {
			ref := model.TypeRef{PkgPath: obj.Pkg().Path(), PkgName: obj.Pkg().Name(), Name: obj.Name()}
			out[ref] = res.Fset.Position(obj.Pos())
		}
	}
	return out
}

func fromVariants(stderr io.Writer, vs []model.Variant, res *load.Result, wd string) (*current, bool) {
	docs, err := emit.Schemas(vs)
	if err != nil {
		fmt.Fprintf(stderr, "secretgen: error: breaking: %v\n", err)
		return nil, false
	}

	cur := &current{
		moduleDir: res.ModuleDir,
		schemas:   map[string]*Schema{},
		types:     map[string]string{},
		fields:    map[string]map[string]string{},
	}
	declared := typePositions(res)
	for _, v := range vs {
		s, err := ParseSchema(v.Name+schemaSuffix, docs[v.Name+schemaSuffix])
		if err != nil {
			fmt.Fprintf(stderr, "secretgen: error: breaking: %v\n", err)
			return nil, false
		}
		cur.schemas[v.Name] = s
		pos, ok := declared[v.Type]
		if !ok {
			pos = v.Pos
		}
		cur.types[v.Name] = diag.Position(pos, wd)
		cur.fields[v.Name] = map[string]string{}
		for _, f := range v.Fields {
			cur.fields[v.Name][f.Key] = diag.Position(f.Pos, wd)
		}
	}
	return cur, true
}
