package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestEndToEnd generates code for a type in a separate module that uses
// this one through a replace directive, then builds and runs a program
// that stores, reads, updates and decodes secrets through the output.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a program")
	}
	root, err := filepath.Abs(moduleRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeE2EModule(t, root, dir)

	t.Chdir(dir)
	if code, stderr := runIn(t, "generate", "./types"); code != 0 {
		t.Fatalf("generate: exit %d\n%s", code, stderr)
	}
	for _, p := range []string{"generated/webhook_codec.go", "generated/schemas/Webhook.schema.json", "docs/secret-types.md"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("default output location: %v", err)
		}
	}

	cmd := exec.Command("go", "run", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go run: %v\n%s", err, out)
	}
	for _, want := range []string{"ok create refuses invalid", "ok get round-trips", "ok fallback rule runs", "ok stale update conflicts", "ok former key", "ok strict refuses unknown key", "ok delete"} {
		if !strings.Contains(string(out), want+"\n") {
			t.Errorf("program output lacks %q:\n%s", want, out)
		}
	}
}

// writeE2EModule lays out the module example.com/e2e in dir.
func writeE2EModule(t *testing.T, root, dir string) {
	t.Helper()
	src := filepath.Join("testdata", "e2e")
	files := map[string]string{
		"types/types.go": filepath.Join(src, "types", "types.go"),
		"main.go":        filepath.Join(src, "main.go.txt"),
		"go.sum":         filepath.Join(root, "go.sum"),
	}
	for dst, from := range files {
		data, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, dst)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	gomod := fmt.Sprintf(`module example.com/e2e

go 1.26.0

require github.com/secretgen/secretgen v0.0.0

replace github.com/secretgen/secretgen => %s
`, root)
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
}
