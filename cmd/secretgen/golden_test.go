package main

import (
	"bytes"
	"flag"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/secretgen")

// moduleRoot returns the root of this module, two levels above this file.
func moduleRoot(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("no caller information")
	}
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// TestGolden runs `secretgen generate` on every case under
// testdata/secretgen. A case folder holds input/ (the packages), an
// optional args file (flags and patterns; default ./input), and either
// want/ (the expected output tree) or stderr.golden (the expected
// diagnostics, with exit code 1 and nothing written).
func TestGolden(t *testing.T) {
	dir := filepath.Join(moduleRoot(t), "testdata", "secretgen")
	cases, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name(), func(t *testing.T) {
			runCase(t, filepath.Join(dir, c.Name()))
		})
	}
}

func runCase(t *testing.T, dir string) {
	out := t.TempDir()
	args := []string{"generate",
		"-out", filepath.Join(out, "generated"),
		"-docs", filepath.Join(out, "docs", "secret-types.md"),
	}
	args = append(args, caseArgs(t, dir)...)

	t.Chdir(dir)
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)

	wantStderr := filepath.Join(dir, "stderr.golden")
	if code != 0 {
		if code != 1 {
			t.Errorf("exit code %d, want 1", code)
		}
		if written := tree(t, out); len(written) > 0 {
			t.Errorf("failed run wrote files: %v", keys(written))
		}
		compareFile(t, wantStderr, stderr.Bytes())
		return
	}

	if _, err := os.Stat(wantStderr); err == nil && !*update {
		t.Fatalf("generate succeeded, want failure:\n%s", stderr.String())
	}
	compareTree(t, filepath.Join(dir, "want"), tree(t, out))
}

func caseArgs(t *testing.T, dir string) []string {
	data, err := os.ReadFile(filepath.Join(dir, "args"))
	if os.IsNotExist(err) {
		return []string{"./input"}
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(string(data))
}

// tree reads every file below dir, keyed by slash-separated path.
func tree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return files
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func compareFile(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)\ngot:\n%s", err, got)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs\ngot:\n%s\nwant:\n%s", filepath.Base(path), got, want)
	}
}

func compareTree(t *testing.T, dir string, got map[string][]byte) {
	t.Helper()
	if *update {
		os.RemoveAll(dir)
		for name, data := range got {
			p := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	want := tree(t, dir)
	for name, data := range got {
		w, ok := want[name]
		switch {
		case !ok:
			t.Errorf("unexpected output file %s", name)
		case !bytes.Equal(w, data):
			t.Errorf("%s differs from want/%s (run go test -update and review the diff)\ngot:\n%s", name, name, data)
		}
	}
	for name := range want {
		if _, ok := got[name]; !ok {
			t.Errorf("missing output file %s", name)
		}
	}
}

// TestGoldenOutputBuilds compiles every expected output tree, so a golden
// file cannot pin code that does not build.
func TestGoldenOutputBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds packages")
	}
	root := moduleRoot(t)
	dirs, err := filepath.Glob(filepath.Join(root, "testdata", "secretgen", "*", "want", "generated"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden output found: %v", err)
	}
	args := []string{"vet", "-tags", "pro"}
	for _, d := range dirs {
		rel, _ := filepath.Rel(root, d)
		args = append(args, "./"+filepath.ToSlash(rel))
	}
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go vet of golden output: %v\n%s", err, out)
	}
}
