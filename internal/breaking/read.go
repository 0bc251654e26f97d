package breaking

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ReadAgainst reads the old schemas to compare with. against is either a
// directory that holds *.schema.json files, or a git ref (a branch, a
// tag, a commit, "HEAD~1"), in which case dir, the schema directory
// relative to the working directory, is read as committed there.
func ReadAgainst(against, dir string) (map[string]*Schema, error) {
	if fi, err := os.Stat(against); err == nil && fi.IsDir() {
		return ReadDir(against)
	}
	return ReadRef(against, dir)
}

// ReadDir reads every *.schema.json file of dir, keyed by variant name.
func ReadDir(dir string) (map[string]*Schema, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read schemas: %w", err)
	}

	schemas := map[string]*Schema{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), schemaSuffix) {
			continue
		}
		file := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("read schemas: %w", err)
		}
		if err := add(schemas, file, data); err != nil {
			return nil, err
		}
	}
	return schemas, nil
}

// ErrNoSchemas is returned, wrapped, with an empty set of schemas when
// the schema directory did not exist yet at the ref: every type is new.
var ErrNoSchemas = errors.New("no schema directory")

// ReadRef reads the *.schema.json files of dir as committed at ref. dir
// is a path in the working tree, relative to the working directory.
func ReadRef(ref, dir string) (map[string]*Schema, error) {
	if _, err := git("rev-parse", "--verify", "--end-of-options", ref+"^{commit}"); err != nil {
		return nil, fmt.Errorf("against %q: not a directory, and not a commit git knows: %w", ref, err)
	}
	path, err := repoPath(dir)
	if err != nil {
		return nil, fmt.Errorf("against %q: %w", ref, err)
	}
	tree := ref + ":" + path
	if _, err := git("cat-file", "-e", tree); err != nil {
		return map[string]*Schema{}, fmt.Errorf("against %q: %w %s there", ref, ErrNoSchemas, path)
	}

	names, err := git("ls-tree", "--full-tree", "--name-only", "-z", tree)
	if err != nil {
		return nil, fmt.Errorf("against %q: list %s: %w", ref, dir, err)
	}
	schemas := map[string]*Schema{}
	for _, name := range strings.Split(string(names), "\x00") {
		if !strings.HasSuffix(name, schemaSuffix) {
			continue
		}
		file := tree + "/" + name
		data, err := git("cat-file", "blob", file)
		if err != nil {
			return nil, fmt.Errorf("against %q: read %s: %w", ref, name, err)
		}
		if err := add(schemas, file, data); err != nil {
			return nil, err
		}
	}
	return schemas, nil
}

func add(schemas map[string]*Schema, file string, data []byte) error {
	s, err := ParseSchema(file, data)
	if err != nil {
		return err
	}
	schemas[s.Name] = s
	return nil
}

// repoPath returns dir relative to the top of the git working tree, as
// git's "ref:path" syntax reads it.
func repoPath(dir string) (string, error) {
	top, err := git("rev-parse", "--show-toplevel")
	if err != nil {
		return "", err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}

	rel, err := filepath.Rel(realPath(strings.TrimSpace(string(top))), realPath(abs))
	if err != nil || !filepath.IsLocal(rel) {
		return "", fmt.Errorf("schema directory %s is outside the git working tree", dir)
	}
	return filepath.ToSlash(rel), nil
}

// realPath resolves symbolic links where the path exists, so that it
// compares with what git reports.
func realPath(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

// git runs git in the working directory and returns its standard output;
// its error carries git's own message.
func git(args ...string) ([]byte, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.Command("git", args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			return nil, err
		}
		return nil, errors.New(msg)
	}
	return stdout.Bytes(), nil
}
