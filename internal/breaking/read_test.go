package breaking

import (
	"errors"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// gitRepo makes a repository in a temporary directory, changes into it
// and returns a function that runs git there.
func gitRepo(t *testing.T) func(args ...string) {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
			"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	run("init", "-q")
	return run
}

func writeFile(t *testing.T, name, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestReadRefReadsTheCommittedSchemas(t *testing.T) {
	git := gitRepo(t)
	writeFile(t, "generated/schemas/SMTP.schema.json", `{"properties":{"Host":{"type":"string"}}}`)
	writeFile(t, "generated/schemas/README.md", `not a schema`)
	git("add", ".")
	git("commit", "-qm", "one")
	writeFile(t, "generated/schemas/SMTP.schema.json", `{"properties":{"Server":{"type":"string"}}}`)
	writeFile(t, "generated/schemas/Jira.schema.json", `{}`)

	got, err := ReadRef("HEAD", "generated/schemas")
	if err != nil {
		t.Fatal(err)
	}
	if names := slices.Sorted(maps.Keys(got)); !slices.Equal(names, []string{"SMTP"}) {
		t.Fatalf("read types %v, want [SMTP] as committed", names)
	}
	if _, ok := got["SMTP"].Property("Host"); !ok {
		t.Errorf("SMTP read from the working tree, not from HEAD")
	}
	if want := "HEAD:generated/schemas/SMTP.schema.json"; got["SMTP"].Path != want {
		t.Errorf("path = %q, want %q", got["SMTP"].Path, want)
	}
}

func TestReadRefBeforeSchemasExisted(t *testing.T) {
	git := gitRepo(t)
	writeFile(t, "go.mod", "module x\n")
	git("add", ".")
	git("commit", "-qm", "one")

	got, err := ReadRef("HEAD", "generated/schemas")
	if !errors.Is(err, ErrNoSchemas) || len(got) != 0 {
		t.Errorf("ReadRef = %v, %v; want no schemas and ErrNoSchemas", got, err)
	}
}

func TestReadAgainstAnUnknownRef(t *testing.T) {
	gitRepo(t)

	_, err := ReadAgainst("no-such-branch", "generated/schemas")
	if err == nil || !strings.Contains(err.Error(), `"no-such-branch"`) {
		t.Errorf("error = %v, want one naming the ref", err)
	}
}

func TestReadAgainstAFolder(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "Jira.schema.json"), `{"properties":{"Token":{"type":"string"}}}`)

	got, err := ReadAgainst(dir, "ignored")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got["Jira"]; !ok || len(got) != 1 {
		t.Errorf("read %v, want Jira only", slices.Sorted(maps.Keys(got)))
	}
}

func TestReadRejectsABadSchema(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "Jira.schema.json"), `{"properties":[1]}`)

	_, err := ReadDir(dir)
	if err == nil || !strings.Contains(err.Error(), "Jira.schema.json") || !strings.Contains(err.Error(), "properties") {
		t.Errorf("error = %v, want one naming the file and the keyword", err)
	}
}

func TestReadRefFromASubdirectory(t *testing.T) {
	git := gitRepo(t)
	writeFile(t, "generated/schemas/SMTP.schema.json", `{"properties":{"Host":{"type":"string"}}}`)
	writeFile(t, "secret/smtp.go", "package secret\n")
	git("add", ".")
	git("commit", "-qm", "one")
	t.Chdir("secret")

	got, err := ReadRef("HEAD", "../generated/schemas")
	if err != nil || got["SMTP"] == nil {
		t.Errorf("ReadRef from secret/ = %v, %v; want SMTP", got, err)
	}
}
