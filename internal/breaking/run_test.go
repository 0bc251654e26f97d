package breaking

import (
	"bytes"
	"strings"
	"testing"
)

func TestRunAllowBreaking(t *testing.T) {
	t.Chdir(moduleRoot(t))
	dir := goldenDir + "/field-removed"

	var stdout, stderr bytes.Buffer
	code := Run([]string{"-allow-breaking", "-against", dir + "/old-schemas", "./" + dir + "/new"}, &stdout, &stderr)
	if code != 0 {
		t.Errorf("exit code %d with -allow-breaking, want 0; stderr: %s", code, &stderr)
	}
	if !strings.Contains(stdout.String(), "SMTP.Password: field removed") || !strings.Contains(stdout.String(), "allowed by --allow-breaking") {
		t.Errorf("report does not list the change as allowed:\n%s", &stdout)
	}
}

func TestRunErrors(t *testing.T) {
	t.Chdir(moduleRoot(t))
	schemas := goldenDir + "/unchanged/old-schemas"
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no patterns", []string{"-against", schemas}, 2, "no package patterns given"},
		{"unknown flag", []string{"-agianst", "HEAD", "./secret"}, 2, "flag provided but not defined: -agianst"},
		{"unknown ref", []string{"-against", "no-such-ref-xyz", "./secret"}, 1, `against "no-such-ref-xyz": not a directory, and not a commit git knows`},
		{"no package", []string{"-against", schemas, "./no/such/dir"}, 1, "secretgen: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Run(tt.args, &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit code %d, want %d", code, tt.code)
			}
			if !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stderr %q does not contain %q", &stderr, tt.stderr)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout %q, want nothing on error", &stdout)
			}
		})
	}
}
