package access_test

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/secretgen/secretgen/runtime/kind"
	"github.com/secretgen/secretgen/secret"
)

// registry holds SMTP and Jira with hand-written codecs, standing in for
// generated.Registry() until the generator's output is committed.
func registry() kind.Registry {
	return kind.Registry{Types: []kind.Type{smtpType(), jiraType()}}
}

func smtpType() kind.Type {
	return kind.Type{
		Name:   "SMTP",
		Groups: []string{"system"},
		Form: kind.Form{Type: "SMTP", Fields: []kind.Field{
			{Key: "Name"}, {Key: "Host"}, {Key: "Port"}, {Key: "Username"},
			{Key: "Password", Style: "secret"}, {Key: "SenderAddress"},
		}},
		Defaults: func() any { return secret.SMTP{Port: 587} },
		Decode: func(data []byte, strict bool) (any, error) {
			var v secret.SMTP
			err := decodeFields("SMTP", data, strict, map[string]any{
				"Name": &v.Name, "Host": &v.Host, "Port": &v.Port, "Username": &v.Username,
				"Password": &v.Password, "SenderAddress": &v.SenderAddress,
			})
			return v, err
		},
		Encode: func(v any) ([]byte, error) { return json.Marshal(v.(secret.SMTP)) },
		Validate: func(v any) error {
			s := v.(secret.SMTP)
			var fields []kind.FieldError
			if s.Host == "" {
				fields = append(fields, kind.FieldError{Field: "Host", Rule: "required", Message: "is required"})
			}
			if s.Port < 1 || s.Port > 65535 {
				fields = append(fields, kind.FieldError{Field: "Port", Rule: "max", Message: "must be between 1 and 65535"})
			}
			if fields != nil {
				return &kind.ValidationError{Type: "SMTP", Fields: fields}
			}
			return nil
		},
	}
}

func jiraType() kind.Type {
	return kind.Type{
		Name: "Jira",
		Form: kind.Form{Type: "Jira", Fields: []kind.Field{
			{Key: "Name"}, {Key: "EMail"}, {Key: "Token", Style: "secret"},
		}},
		Defaults: func() any { return secret.Jira{} },
		Decode: func(data []byte, strict bool) (any, error) {
			var v secret.Jira
			err := decodeFields("Jira", data, strict, map[string]any{
				"Name": &v.Name, "EMail": &v.EMail, "Token": &v.Token,
			})
			return v, err
		},
		Encode: func(v any) ([]byte, error) { return json.Marshal(v.(secret.Jira)) },
		Validate: func(v any) error {
			j := v.(secret.Jira)
			if j.Token == "" {
				return &kind.ValidationError{Type: "Jira", Fields: []kind.FieldError{{Field: "Token", Rule: "required", Message: "is required"}}}
			}
			return nil
		},
	}
}

// decodeFields fills the fields named by key from a JSON object, naming
// the key (never the value) in its errors.
func decodeFields(typ string, data []byte, strict bool, fields map[string]any) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return &kind.DecodeError{Type: typ, Reason: "want a JSON object"}
	}
	for k, raw := range m {
		dst, ok := fields[k]
		if !ok {
			if strict {
				return &kind.DecodeError{Type: typ, Key: k, Reason: "unknown key"}
			}
			continue
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			return &kind.DecodeError{Type: typ, Key: k, Reason: "want " + strings.TrimPrefix(fmt.Sprintf("%T", dst), "*")}
		}
	}
	return nil
}
