// Package diag holds the generator's diagnostics: a position and a
// message each, collected by every stage so that one run reports every
// problem, sorted and printed as `file:line:col: message`.
//
//	var ds diag.List
//	ds.Addf(pos, "unknown tag key %q", key)
//	…
//	ds.Print(os.Stderr, wd) // secret/smtp.go:12:2: unknown tag key "lable"
package diag

import (
	"cmp"
	"fmt"
	"go/token"
	"io"
	"path/filepath"
	"slices"
)

// Diagnostic is one problem in the input, at a position.
type Diagnostic struct {
	Pos     token.Position
	Message string
}

// List collects diagnostics in the order they were found.
type List []Diagnostic

// Addf adds a diagnostic at pos.
func (l *List) Addf(pos token.Position, format string, args ...any) {
	*l = append(*l, Diagnostic{Pos: pos, Message: fmt.Sprintf(format, args...)})
}

// Sorted returns the diagnostics ordered by file, line and column, each
// distinct one once.
func (l List) Sorted() List {
	out := slices.Clone(l)
	slices.SortStableFunc(out, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.Pos.Filename, b.Pos.Filename),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Column, b.Pos.Column),
			cmp.Compare(a.Message, b.Message),
		)
	})
	return slices.Compact(out)
}

// Print writes every diagnostic, sorted, as `file:line:col: message`, with
// file names relative to dir where they lie below it.
func (l List) Print(w io.Writer, dir string) {
	for _, d := range l.Sorted() {
		fmt.Fprintf(w, "%s: %s\n", Position(d.Pos, dir), d.Message)
	}
}

// Position formats pos as file:line:col with the file relative to dir
// where possible. A position without a file prints as "-".
func Position(pos token.Position, dir string) string {
	name := pos.Filename
	if name == "" {
		return "-"
	}
	if rel, err := filepath.Rel(dir, name); err == nil && filepath.IsLocal(rel) {
		name = filepath.ToSlash(rel)
	}
	switch {
	case pos.Line == 0:
		return name
	case pos.Column == 0:
		return fmt.Sprintf("%s:%d", name, pos.Line)
	}
	return fmt.Sprintf("%s:%d:%d", name, pos.Line, pos.Column)
}
