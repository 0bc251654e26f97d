package emit

import "testing"

func TestFileBase(t *testing.T) {
	tests := map[string]string{
		"SMTP":          "smtp",
		"Jira":          "jira",
		"SenderAddress": "sender_address",
		"HTTPHook":      "http_hook",
		"OAuth2Token":   "o_auth2token",
	}
	for in, want := range tests {
		if got := FileBase(in); got != want {
			t.Errorf("FileBase(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGroupImportsSeparatesStandardLibrary(t *testing.T) {
	src := "package x\n\nimport (\n\"context\"\nkind \"github.com/a/b/kind\"\n_ \"embed\"\n)\n"
	want := "package x\n\nimport (\n\"context\"\n_ \"embed\"\n\nkind \"github.com/a/b/kind\"\n)\n"
	if got := string(groupImports([]byte(src))); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
