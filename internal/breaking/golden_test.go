package breaking

import (
	"bytes"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/secretgen/secretgen/internal/emit"
	"github.com/secretgen/secretgen/internal/load"
	"github.com/secretgen/secretgen/internal/model"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/breaking")

// goldenDir holds one folder per change kind, relative to the module root:
//
//	old/           the type package before the change
//	old-schemas/   the schemas the generator writes for old/ (golden)
//	new/           the type package after the change
//	want.txt       the report of breaking -against old-schemas ./new, and its exit code
const goldenDir = "testdata/breaking"

func TestGolden(t *testing.T) {
	t.Chdir(moduleRoot(t))
	cases, err := os.ReadDir(goldenDir)
	if err != nil {
		t.Fatal(err)
	}

	for _, c := range cases {
		dir := goldenDir + "/" + c.Name()
		t.Run(c.Name(), func(t *testing.T) {
			oldSchemas := dir + "/old-schemas"
			checkSchemas(t, oldSchemas, generateSchemas(t, "./"+dir+"/old"))

			var stdout, stderr bytes.Buffer
			code := Run([]string{"-against", oldSchemas, "./" + dir + "/new"}, &stdout, &stderr)
			got := fmt.Sprintf("%s%sexit %d\n", &stdout, &stderr, code)
			checkFile(t, dir+"/want.txt", []byte(got))
		})
	}
}

// generateSchemas runs the generator's stages on pattern and returns the
// schema files it would write.
func generateSchemas(t *testing.T, pattern string) map[string][]byte {
	t.Helper()
	res, ds, err := load.Load(load.Config{}, pattern)
	if err != nil || len(ds) > 0 {
		t.Fatalf("load %s: %v %v", pattern, err, ds)
	}
	vs, ds := model.Build(res)
	if len(ds) > 0 {
		t.Fatalf("model %s: %v", pattern, ds)
	}
	files, err := emit.Schemas(vs)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// checkSchemas compares dir with files, or rewrites dir with -update.
func checkSchemas(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	if *update {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
	}
	for name, data := range files {
		checkFile(t, filepath.Join(dir, name), data)
	}

	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if files[e.Name()] == nil {
			t.Errorf("%s/%s: not generated from old/ any more (run with -update)", dir, e.Name())
		}
	}
	if len(entries) == 0 {
		t.Errorf("%s: no schemas; old/ generates %v", dir, slices.Sorted(maps.Keys(files)))
	}
}

// checkFile compares a golden file with got, or rewrites it with -update.
func checkFile(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update to accept):\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// moduleRoot returns the directory of the go.mod above the test.
func moduleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = parent
	}
}
