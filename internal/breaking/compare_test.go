package breaking

import (
	"slices"
	"strings"
	"testing"
)

// schemaOf parses a schema document for the type SMTP whose properties
// are given, in order, as JSON members.
func schemaOf(t *testing.T, top, props string) map[string]*Schema {
	t.Helper()
	doc := `{"title":"SMTP"` + top + `,"properties":{` + props + `}}`
	s, err := ParseSchema("SMTP.schema.json", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*Schema{"SMTP": s}
}

func TestCompareFields(t *testing.T) {
	const host = `"Host":{"type":"string"}`
	tests := []struct {
		name     string
		old, new string
		want     []string // "kind: detail (category)"
	}{
		{"nothing changed", host, host, nil},
		{"field removed", host + `,"Port":{"type":"integer"}`, host,
			[]string{"Port: field removed: stored values are no longer read and are dropped on the next update (breaks stored data)"}},
		{"field retyped", `"Port":{"type":"integer"}`, `"Port":{"type":"string"}`,
			[]string{"Port: field retyped: integer to string: stored values no longer decode (breaks stored data)"}},
		{"retyped to a duration", `"Wait":{"type":"string"}`, `"Wait":{"type":"string","x-format":"go-duration"}`,
			[]string{"Wait: field retyped: string to string x-format go-duration: stored values no longer decode (breaks stored data)"}},
		{"key renamed with a former key", `"Server":{"type":"string"}`, `"Host":{"type":"string","x-former-keys":["Server"]}`,
			[]string{`Host: json key renamed: from "Server": stored data and requests under the old key are still read, responses use the new one (breaks API clients)`}},
		{"renamed and retyped", `"Server":{"type":"string"}`, `"Host":{"type":"integer","x-former-keys":["Server"]}`,
			[]string{
				`Host: json key renamed: from "Server": stored data and requests under the old key are still read, responses use the new one (breaks API clients)`,
				"Host: field retyped: string to integer: stored values no longer decode (breaks stored data)",
			}},
		{"secret style dropped", `"Password":{"type":"string","x-style":"secret"}`, `"Password":{"type":"string"}`,
			[]string{"Password: secret style dropped: values once masked are now shown to viewers and in lists (breaks API clients)"}},
		{"secret style added", `"Password":{"type":"string"}`, `"Password":{"type":"string","x-style":"secret"}`,
			[]string{"Password: secret style added: viewers and lists no longer receive the value (breaks API clients)"}},
		{"other style changed", `"Notes":{"type":"string"}`, `"Notes":{"type":"string","x-style":"multiline"}`,
			[]string{`Notes: style changed: from "" to "multiline" (cosmetic)`}},
		{"default changed", `"Port":{"type":"integer","default":587}`, `"Port":{"type":"integer","default":25}`,
			[]string{"Port: default changed: from 587 to 25: new forms and clients that rely on it get a different value (breaks API clients)"}},
		{"rule added", `"Host":{"type":"string","x-rules":"required"}`, `"Host":{"type":"string","x-rules":"required,hostname"}`,
			[]string{`Host: validation tightened: rule "hostname" added: stored values may now fail (breaks stored data)`}},
		{"max lowered", `"Port":{"type":"integer","x-rules":"min=1,max=65535"}`, `"Port":{"type":"integer","x-rules":"min=1,max=1024"}`,
			[]string{"Port: validation tightened: max lowered from 65535 to 1024: stored values may now fail (breaks stored data)"}},
		{"min raised and max raised", `"Port":{"type":"integer","x-rules":"min=1,max=1024"}`, `"Port":{"type":"integer","x-rules":"min=2,max=65535"}`,
			[]string{
				"Port: validation tightened: min raised from 1 to 2: stored values may now fail (breaks stored data)",
				"Port: validation loosened: max raised from 1024 to 65535 (compatible)",
			}},
		{"omitempty removed", `"From":{"type":"string","x-rules":"omitempty,email"}`, `"From":{"type":"string","x-rules":"email"}`,
			[]string{"From: validation tightened: omitempty removed: empty values are now checked: stored values may now fail (breaks stored data)"}},
		{"alternative dropped", `"Host":{"type":"string","x-rules":"hostname|ip"}`, `"Host":{"type":"string","x-rules":"hostname"}`,
			[]string{`Host: validation tightened: rule "hostname|ip" narrowed to "hostname": stored values may now fail (breaks stored data)`}},
		{"alternative added", `"Host":{"type":"string","x-rules":"hostname"}`, `"Host":{"type":"string","x-rules":"hostname|ip"}`,
			[]string{`Host: validation loosened: rule "hostname" widened to "hostname|ip" (compatible)`}},
		{"oneof narrowed", `"Mode":{"type":"string","x-rules":"oneof=tls starttls none"}`, `"Mode":{"type":"string","x-rules":"oneof=tls starttls"}`,
			[]string{`Mode: validation tightened: rule "oneof=tls starttls none" changed to "oneof=tls starttls": stored values may now fail (breaks stored data)`}},
		{"rule removed", `"Host":{"type":"string","x-rules":"required"}`, `"Host":{"type":"string"}`,
			[]string{`Host: validation loosened: rule "required" removed (compatible)`}},
		{"json schema bound tightened", `"Port":{"type":"integer","maximum":65535}`, `"Port":{"type":"integer","maximum":1024}`,
			[]string{"Port: validation tightened: maximum lowered from 65535 to 1024: stored values may now fail (breaks stored data)"}},
		{"json schema pattern added", `"Host":{"type":"string"}`, `"Host":{"type":"string","pattern":"^a"}`,
			[]string{`Host: validation tightened: pattern "^a" added: stored values may now fail (breaks stored data)`}},
		{"json schema enum grown", `"Mode":{"type":"string","enum":["a"]}`, `"Mode":{"type":"string","enum":["a","b"]}`,
			[]string{`Mode: validation loosened: enum changed from ["a"] to ["a","b"] (compatible)`}},
		{"label changed", `"From":{"type":"string","title":"From"}`, `"From":{"type":"string","title":"Sender address"}`,
			[]string{`From: presentation changed: title from "From" to "Sender address" (cosmetic)`}},
		{"optional field added", host, host + `,"Port":{"type":"integer"}`,
			[]string{"Port: field added: new field: stored secrets read it as its zero value (compatible)"}},
		{"required field added", host, host + `,"Port":{"type":"integer","x-rules":"required"}`,
			[]string{"Port: validation tightened: new required field: stored secrets lack it and fail validation when next saved (breaks stored data)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := lines(Compare(schemaOf(t, "", tt.old), schemaOf(t, "", tt.new)))
			if !slices.Equal(got, tt.want) {
				t.Errorf("Compare:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestCompareRequiredKeyword(t *testing.T) {
	old := schemaOf(t, "", `"Host":{"type":"string"}`)
	new := schemaOf(t, `,"required":["Host"]`, `"Host":{"type":"string"}`)

	got := lines(Compare(old, new))
	want := []string{"Host: validation tightened: now required: stored values may now fail (breaks stored data)"}
	if !slices.Equal(got, want) {
		t.Errorf("Compare = %q, want %q", got, want)
	}
}

func TestCompareTypes(t *testing.T) {
	smtp := `{"title":"SMTP","properties":{"Host":{"type":"string"}}}`
	jira := `{"title":"Jira","properties":{"Token":{"type":"string"}}}`
	tests := []struct {
		name     string
		old, new map[string]string
		want     []string
	}{
		{"type removed", map[string]string{"SMTP": smtp, "Jira": jira}, map[string]string{"SMTP": smtp},
			[]string{"Jira: type removed: secrets stored as Jira no longer find their type (breaks stored data)"}},
		{"type renamed", map[string]string{"SMTP": smtp}, map[string]string{"Mail": smtp},
			[]string{`Mail: type renamed: renamed from "SMTP": secrets stored as SMTP no longer find their type (breaks stored data)`}},
		{"type added", map[string]string{"SMTP": smtp}, map[string]string{"SMTP": smtp, "Jira": jira},
			[]string{"Jira: type added: new type (compatible)"}},
		{"title changed", map[string]string{"SMTP": smtp}, map[string]string{"SMTP": strings.Replace(smtp, `"SMTP"`, `"Mail server"`, 1)},
			[]string{`SMTP: presentation changed: title from "SMTP" to "Mail server" (cosmetic)`}},
		{"group required", map[string]string{"SMTP": smtp}, map[string]string{"SMTP": strings.Replace(smtp, `{`, `{"x-require-groups":["system"],`, 1)},
			[]string{`SMTP: group policy changed: x-require-groups from none to ["system"]: creating or regrouping a secret now needs these groups (breaks API clients)`}},
		{"group dropped", map[string]string{"SMTP": strings.Replace(smtp, `{`, `{"x-require-groups":["system"],`, 1)}, map[string]string{"SMTP": smtp},
			[]string{`SMTP: group policy changed: x-require-groups from ["system"] to none (compatible)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := lines(Compare(parseAll(t, tt.old), parseAll(t, tt.new)))
			if !slices.Equal(got, tt.want) {
				t.Errorf("Compare:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func parseAll(t *testing.T, docs map[string]string) map[string]*Schema {
	t.Helper()
	out := map[string]*Schema{}
	for name, doc := range docs {
		s, err := ParseSchema(name+".schema.json", []byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		out[name] = s
	}
	return out
}

// lines renders changes without their type and position.
func lines(changes []Change) []string {
	var out []string
	for _, c := range changes {
		if c.Field != "" {
			c.Type = ""
		}
		c.Pos = ""
		out = append(out, strings.TrimPrefix(c.String(), "."))
	}
	return out
}

func TestCompareNarrowerIntegerKind(t *testing.T) {
	old := schemaOf(t, "", `"Port":{"type":"integer","minimum":-9223372036854775808,"maximum":9223372036854775807,"x-go-type":"int"}`)
	new := schemaOf(t, "", `"Port":{"type":"integer","minimum":0,"maximum":65535,"x-go-type":"uint16"}`)

	got := lines(Compare(old, new))
	want := []string{"Port: field retyped: integer (int) to integer (uint16): stored values no longer decode (breaks stored data)"}
	if !slices.Equal(got, want) {
		t.Errorf("Compare:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCompareNarrowerNamedIntegerKind(t *testing.T) {
	old := schemaOf(t, "", `"Port":{"type":"integer","minimum":-9223372036854775808,"maximum":9223372036854775807,"x-go-type":"secret.Port"}`)
	new := schemaOf(t, "", `"Port":{"type":"integer","minimum":0,"maximum":65535,"x-go-type":"secret.Port"}`)

	got := lines(Compare(old, new))
	want := []string{"Port: validation tightened: maximum lowered from 9223372036854775807 to 65535; minimum raised from -9223372036854775808 to 0: stored values may now fail (breaks stored data)"}
	if !slices.Equal(got, want) {
		t.Errorf("Compare:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCompareNamedGoTypeOfTheSameKind(t *testing.T) {
	old := schemaOf(t, "", `"Port":{"type":"integer","x-go-type":"int"}`)
	new := schemaOf(t, "", `"Port":{"type":"integer","x-go-type":"secret.Port"}`)

	if got := lines(Compare(old, new)); len(got) != 0 {
		t.Errorf("Compare = %q, want no change", got)
	}
}
