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

// ReadRef reads the *.schema.json files of dir as committed at ref. A ref
// where dir does not exist yet gives no schemas, so every type is new.
func ReadRef(ref, dir string) (map[string]*Schema, error) {
	if _, err := git("rev-parse", "--verify", "--end-of-options", ref+"^{commit}"); err != nil {
		return nil, fmt.Errorf("against %q: not a directory, and not a commit git knows: %w", ref, err)
	}
	tree := ref + ":" + gitPath(dir)
	if _, err := git("cat-file", "-e", tree); err != nil {
		return map[string]*Schema{}, nil
	}

	names, err := git("ls-tree", "--name-only", "-z", tree)
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

// gitPath spells dir the way git's "ref:path" syntax reads it relative
// to the working directory.
func gitPath(dir string) string {
	if filepath.IsAbs(dir) {
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, dir); err == nil {
				dir = rel
			}
		}
	}
	return "./" + filepath.ToSlash(filepath.Clean(dir))
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
