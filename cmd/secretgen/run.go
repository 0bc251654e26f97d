package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/secretgen/secretgen/internal/breaking"
	"github.com/secretgen/secretgen/internal/gen"
)

const usage = `usage: secretgen <command> [flags] patterns...

commands:
  generate  write the generated code, schemas and catalogue
  check     exit 1 when the committed output is stale, missing or orphaned
  breaking  compare with the schemas at a git ref: -against REF [-allow-breaking]

flags:
  -out dir    Go output directory (default <module root>/generated)
  -docs file  Markdown catalogue (default <module root>/docs/secret-types.md)
  -tags list  comma-separated build tags`

// command is one subcommand, given the arguments after its name; adding
// one is adding an entry to commands.
type command func(c *cli, args []string) int

var commands = map[string]command{
	"generate": (*cli).generate,
	"check":    (*cli).check,
}

// cli carries the writers and the working directory of one run.
type cli struct {
	stdout, stderr io.Writer
	wd             string
	args           []string
}

// run is the whole command: it parses args, runs the subcommand and
// returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	c := &cli{stdout: stdout, stderr: stderr, args: args}
	if len(args) == 0 {
		return c.usageError("no command given")
	}
	if args[0] == "breaking" { // its own flags: -against, -allow-breaking
		return breaking.Run(args[1:], stdout, stderr)
	}
	cmd, ok := commands[args[0]]
	if !ok {
		return c.usageError(fmt.Sprintf("unknown command %q", args[0]))
	}

	wd, err := os.Getwd()
	if err != nil {
		return c.fail(err)
	}
	c.wd = wd
	return cmd(c, args[1:])
}

func (c *cli) parse(name string, args []string) (gen.Config, []string, bool) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var cfg gen.Config
	var tags string
	fs.StringVar(&cfg.Out, "out", "", "")
	fs.StringVar(&cfg.Docs, "docs", "", "")
	fs.StringVar(&tags, "tags", "", "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			c.printLines(usage)
			return cfg, nil, false
		}
		c.usageError(err.Error())
		return cfg, nil, false
	}
	if fs.NArg() == 0 {
		c.usageError("no package patterns given")
		return cfg, nil, false
	}
	if tags != "" {
		cfg.Tags = strings.Split(tags, ",")
	}
	return cfg, fs.Args(), true
}

func (c *cli) generate(args []string) int {
	cfg, patterns, ok := c.parse("generate", args)
	if !ok {
		return 2
	}
	out, code := c.load(cfg, patterns)
	if out == nil {
		return code
	}
	written, removed, err := out.Write()
	for _, p := range written {
		c.logf("wrote %s", c.rel(p))
	}
	for _, p := range removed {
		c.logf("removed orphan %s", c.rel(p))
	}
	if err != nil {
		return c.fail(err)
	}
	return 0
}

func (c *cli) check(args []string) int {
	cfg, patterns, ok := c.parse("check", args)
	if !ok {
		return 2
	}
	out, code := c.load(cfg, patterns)
	if out == nil {
		return code
	}
	problems, err := out.Check()
	if err != nil {
		return c.fail(err)
	}
	if len(problems) == 0 {
		return 0
	}
	for _, p := range problems {
		if p.Line > 0 {
			c.logf("error: %s: %s (first difference at line %d)", p.What, c.rel(p.Path), p.Line)
			continue
		}
		c.logf("error: %s: %s", p.What, c.rel(p.Path))
	}
	c.logf("hint: run go generate ./... or: %s", c.regenerate())
	return 1
}

// load runs the pipeline and prints diagnostics; out is nil on failure.
func (c *cli) load(cfg gen.Config, patterns []string) (*gen.Output, int) {
	out, ds, err := gen.Generate(cfg, patterns...)
	if len(ds) > 0 {
		ds.Print(c.stderr, c.wd)
		return nil, 1
	}
	if err != nil {
		return nil, c.fail(err)
	}
	return out, 0
}

// regenerate is the command that brings the output up to date.
func (c *cli) regenerate() string {
	args := slices.Clone(c.args)
	args[0] = "generate"
	return "go run github.com/secretgen/secretgen/cmd/secretgen " + strings.Join(args, " ")
}

func (c *cli) rel(p string) string {
	if r, err := filepath.Rel(c.wd, p); err == nil && filepath.IsLocal(r) {
		return filepath.ToSlash(r)
	}
	return p
}

func (c *cli) logf(format string, args ...any) {
	fmt.Fprintf(c.stderr, "secretgen: "+format+"\n", args...)
}

func (c *cli) printLines(text string) {
	for line := range strings.SplitSeq(text, "\n") {
		c.logf("%s", line)
	}
}

func (c *cli) fail(err error) int {
	c.logf("error: %v", err)
	return 1
}

func (c *cli) usageError(msg string) int {
	c.logf("error: %s", msg)
	c.printLines(usage)
	return 2
}
