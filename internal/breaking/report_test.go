package breaking

import (
	"bytes"
	"testing"
)

func TestReportOrdersBySourceAndDecidesTheExitCode(t *testing.T) {
	changes := []Change{
		change(TypeRemoved, "Jira", "", "gone"),
		change(PresentationChanged, "SMTP", "Name", "title"),
		change(FieldRetyped, "SMTP", "Port", "int to string"),
	}
	changes[0].Pos = "HEAD:generated/schemas/Jira.schema.json"
	Locate(changes, func(typ, field string) (string, bool) {
		pos := map[string]string{"SMTP": "secret/smtp.go:5:9", "SMTP.Name": "secret/smtp.go:10:2", "SMTP.Port": "secret/smtp.go:12:2"}
		p, ok := pos[typ+"."+field]
		if field == "" {
			p, ok = pos[typ]
		}
		return p, ok
	})

	tests := []struct {
		name  string
		in    []Change
		allow bool
		code  int
		want  string
	}{
		{"breaking", changes, false, 1, `HEAD:generated/schemas/Jira.schema.json: Jira: type removed: gone (breaks stored data)
secret/smtp.go:10:2: SMTP.Name: presentation changed: title (cosmetic)
secret/smtp.go:12:2: SMTP.Port: field retyped: int to string (breaks stored data)
2 breaking changes (stored data: 2, API clients: 0); if they are intended, pass --allow-breaking
`},
		{"allowed", changes[2:], true, 0, `secret/smtp.go:12:2: SMTP.Port: field retyped: int to string (breaks stored data)
1 breaking change (stored data: 1, API clients: 0) allowed by --allow-breaking
`},
		{"cosmetic only", changes[1:2], false, 0, `secret/smtp.go:10:2: SMTP.Name: presentation changed: title (cosmetic)
no breaking changes
`},
		{"nothing", nil, false, 0, "no breaking changes\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if code := Report(&out, tt.in, tt.allow); code != tt.code {
				t.Errorf("exit code %d, want %d", code, tt.code)
			}
			if out.String() != tt.want {
				t.Errorf("report:\n%s\nwant:\n%s", out.String(), tt.want)
			}
		})
	}
}

func TestLocatePlacesARemovedFieldAtItsType(t *testing.T) {
	changes := []Change{change(FieldRemoved, "SMTP", "Gone", "x")}

	Locate(changes, func(typ, field string) (string, bool) {
		if field == "" {
			return "secret/smtp.go:5:9", true
		}
		return "", false
	})
	if changes[0].Pos != "secret/smtp.go:5:9" {
		t.Errorf("Pos = %q, want the type's position", changes[0].Pos)
	}
}
