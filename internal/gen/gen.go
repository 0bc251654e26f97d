// Package gen drives the generator: load, model and emit into a map of
// file paths to bytes, then write the files that changed or compare them
// with the disk.
//
//	out, ds, err := gen.Generate(gen.Config{}, "./secret")
//	if err == nil && len(ds) == 0 {
//		written, removed, err := out.Write() // only files whose bytes changed
//	}
//	problems, err := out.Check() // stale, missing and orphaned files
package gen

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/secretgen/secretgen/internal/diag"
	"github.com/secretgen/secretgen/internal/emit"
	"github.com/secretgen/secretgen/internal/load"
	"github.com/secretgen/secretgen/internal/model"
)

// Config says what to load and where the output goes.
type Config struct {
	Dir     string   // working directory; "" for the current one
	Tags    []string // build tags for loading
	Out     string   // Go output directory; default <module root>/generated
	Docs    string   // catalogue file; default <module root>/docs/secret-types.md
	Package string   // package name of the output; default "generated"
}

// ErrNoVariants is returned when the loaded packages declare no variant.
var ErrNoVariants = errors.New("no enum.Variant declaration found")

// Output is the complete result of one run, by absolute path.
type Output struct {
	Files  map[string][]byte
	OutDir string
}

// Generate loads the packages matched by patterns and returns the files
// to write. Problems in the input come back as diagnostics, all of them,
// and no output; the error is for a run that could not happen.
func Generate(cfg Config, patterns ...string) (*Output, diag.List, error) {
	res, ds, err := load.Load(load.Config{Dir: cfg.Dir, Tags: cfg.Tags}, patterns...)
	if err != nil || len(ds) > 0 {
		return nil, ds, err
	}

	vs, ds := model.Build(res)
	if len(ds) > 0 {
		return nil, ds, nil
	}
	if len(vs) == 0 {
		return nil, nil, fmt.Errorf("%w in %s", ErrNoVariants, strings.Join(patterns, " "))
	}

	paths, err := cfg.paths(res.ModuleDir)
	if err != nil {
		return nil, nil, err
	}
	out, err := emitAll(vs, cfg, paths)
	return out, nil, err
}

type paths struct {
	out, docs string
}

// paths resolves the output locations: flags relative to the working
// directory, defaults relative to the module root.
func (cfg Config) paths(moduleDir string) (paths, error) {
	wd := cfg.Dir
	if wd == "" {
		var err error
		if wd, err = os.Getwd(); err != nil {
			return paths{}, err
		}
	}
	if (cfg.Out == "" || cfg.Docs == "") && moduleDir == "" {
		return paths{}, errors.New("the loaded packages are in no module: set -out and -docs")
	}

	p := paths{
		out:  filepath.Join(moduleDir, "generated"),
		docs: filepath.Join(moduleDir, "docs", "secret-types.md"),
	}
	if cfg.Out != "" {
		p.out = abs(wd, cfg.Out)
	}
	if cfg.Docs != "" {
		p.docs = abs(wd, cfg.Docs)
	}
	return p, nil
}

func abs(wd, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(wd, p)
}

func emitAll(vs []model.Variant, cfg Config, p paths) (*Output, error) {
	schemaDir := filepath.Join(p.out, emit.SchemaDir)
	link, err := filepath.Rel(filepath.Dir(p.docs), schemaDir)
	if err != nil {
		return nil, err
	}

	// Schemas and the catalogue are written while the Go files render,
	// most of a run's own work.
	var (
		schemas   map[string][]byte
		docs      []byte
		schemaErr error
		wg        sync.WaitGroup
	)
	wg.Go(func() {
		schemas, schemaErr = emit.Schemas(vs)
		docs = emit.Docs(vs, filepath.ToSlash(link))
	})
	goFiles, err := emit.Go(vs, emit.Options{Package: cfg.pkg()})
	wg.Wait()
	if err := errors.Join(err, schemaErr); err != nil {
		return nil, err
	}

	out := &Output{Files: map[string][]byte{p.docs: docs}, OutDir: p.out}
	addFiles(out.Files, p.out, goFiles)
	addFiles(out.Files, schemaDir, schemas)
	return out, nil
}

// pkg returns the package name of the output.
func (cfg Config) pkg() string {
	if cfg.Package == "" {
		return "generated"
	}
	return cfg.Package
}

// addFiles adds the files named relative to dir to files.
func addFiles(files map[string][]byte, dir string, add map[string][]byte) {
	for name, data := range add {
		files[filepath.Join(dir, name)] = data
	}
}

// Paths returns the output paths in sorted order.
func (o *Output) Paths() []string {
	ps := make([]string, 0, len(o.Files))
	for p := range o.Files {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps
}

// Write writes each file whose bytes differ from the disk, through a
// temporary file and a rename, and removes orphans. It returns the paths
// written and removed.
func (o *Output) Write() (written, removed []string, err error) {
	for _, p := range o.Paths() {
		changed, err := writeIfChanged(p, o.Files[p])
		if err != nil {
			return written, removed, err
		}
		if changed {
			written = append(written, p)
		}
	}

	orphans, err := o.orphans()
	if err != nil {
		return written, removed, err
	}
	for _, p := range orphans {
		if err := os.Remove(p); err != nil {
			return written, removed, err
		}
		removed = append(removed, p)
	}
	return written, removed, nil
}

func writeIfChanged(path string, data []byte) (bool, error) {
	old, err := os.ReadFile(path)
	if err == nil && bytes.Equal(old, data) {
		return false, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return false, err
	}

	tmp, err := os.CreateTemp(filepath.Dir(path), ".secretgen-*")
	if err != nil {
		return false, err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return false, fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return false, err
	}
	if err := tmp.Close(); err != nil {
		return false, err
	}
	return true, os.Rename(tmp.Name(), path)
}

// Problem is one file whose disk state differs from this run's output.
type Problem struct {
	Path string
	What string // "stale", "missing" or "orphaned"
	Line int    // for a stale file, the first line that differs
}

// Check compares the output with the disk without writing anything.
func (o *Output) Check() ([]Problem, error) {
	var ps []Problem
	for _, p := range o.Paths() {
		old, err := os.ReadFile(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			ps = append(ps, Problem{Path: p, What: "missing"})
		case err != nil:
			return nil, err
		case !bytes.Equal(old, o.Files[p]):
			ps = append(ps, Problem{p, "stale", firstDiff(old, o.Files[p])})
		}
	}

	orphans, err := o.orphans()
	if err != nil {
		return nil, err
	}
	for _, p := range orphans {
		ps = append(ps, Problem{Path: p, What: "orphaned"})
	}
	return ps, nil
}

// firstDiff returns the number of the first line where a and b differ.
func firstDiff(a, b []byte) int {
	line := 1
	for i := 0; i < len(a) && i < len(b) && a[i] == b[i]; i++ {
		if a[i] == '\n' {
			line++
		}
	}
	return line
}

// orphans lists the files secretgen wrote earlier that this run would not
// write: Go files in the output directory that start with the generated
// header, and schema files in its schemas directory.
func (o *Output) orphans() ([]string, error) {
	var out []string
	goFiles, err := filepath.Glob(filepath.Join(o.OutDir, "*.go"))
	if err != nil {
		return nil, err
	}
	for _, p := range goFiles {
		if _, ours := o.Files[p]; ours {
			continue
		}
		if generated, err := hasHeader(p); err != nil {
			return nil, err
		} else if generated {
			out = append(out, p)
		}
	}

	schemas, err := filepath.Glob(filepath.Join(o.OutDir, emit.SchemaDir, "*.schema.json"))
	if err != nil {
		return nil, err
	}
	for _, p := range schemas {
		if _, ours := o.Files[p]; !ours {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out, nil
}

func hasHeader(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	buf := make([]byte, len(emit.Header))
	n, _ := f.Read(buf)
	return string(buf[:n]) == emit.Header, nil
}
