package diag

import (
	"go/token"
	"strings"
	"testing"
)

func TestPrintSortsDeduplicatesAndRelativises(t *testing.T) {
	var l List
	l.Addf(token.Position{Filename: "/m/b.go", Line: 2, Column: 1}, "second")
	l.Addf(token.Position{Filename: "/m/a.go", Line: 9, Column: 3}, "first %q", "x")
	l.Addf(token.Position{Filename: "/m/b.go", Line: 2, Column: 1}, "second")
	l.Addf(token.Position{Filename: "/elsewhere/c.go", Line: 1}, "outside")

	var out strings.Builder
	l.Print(&out, "/m")
	want := "/elsewhere/c.go:1: outside\na.go:9:3: first \"x\"\nb.go:2:1: second\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}
