package generated_test

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/go-playground/validator/v10"

	"github.com/secretgen/secretgen/generated"
	"github.com/secretgen/secretgen/runtime/kind"
	"github.com/secretgen/secretgen/secret"
)

func randomSMTP(r *rand.Rand) secret.SMTP {
	pick := func(options ...string) string { return options[r.IntN(len(options))] }
	return secret.SMTP{
		Name:          pick("", "Office", "Relay \"main\"", "Zürich\n"),
		Host:          pick("", "smtp.example.com", "10.0.0.1", "::1", "-bad-", "mail", "a..b"),
		Port:          r.IntN(70000) - 2,
		Username:      pick("", "mailer", "ü"),
		Password:      pick("", "hunter2", "p\\a\"ss"),
		SenderAddress: pick("", "noreply@example.com", "not-an-address", "a@b", "x@example.org"),
	}
}

// TestCodecRoundTripAndJSONCompatibility encodes random values, decodes
// them with the generated codec and with encoding/json, and expects the
// original back from both.
func TestCodecRoundTripAndJSONCompatibility(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	for range 500 {
		v := randomSMTP(r)
		data := generated.EncodeSMTP(v)

		got, err := generated.DecodeSMTP(data, true)
		if err != nil || got != v {
			t.Fatalf("generated round trip of %s: %+v, %v", data, got, err)
		}
		var viaJSON secret.SMTP
		if err := json.Unmarshal(data, &viaJSON); err != nil || viaJSON != v {
			t.Fatalf("encoding/json read %s as %+v, %v", data, viaJSON, err)
		}
	}
}

// TestValidateAgreesWithValidatorStruct checks that the generated
// validator accepts and refuses exactly what validator.Struct does, and
// names the same fields.
func TestValidateAgreesWithValidatorStruct(t *testing.T) {
	v := validator.New(validator.WithRequiredStructEnabled())
	r := rand.New(rand.NewPCG(9, 1))
	for range 2000 {
		s := randomSMTP(r)
		want := map[string]bool{}
		var ves validator.ValidationErrors
		if errors.As(v.Struct(s), &ves) {
			for _, fe := range ves {
				want[fe.Field()] = true
			}
		}

		got := map[string]bool{}
		var ve *kind.ValidationError
		err := generated.ValidateSMTP(s)
		if err != nil && !errors.As(err, &ve) {
			t.Fatalf("error %v is not a *kind.ValidationError", err)
		}
		if ve != nil {
			for _, f := range ve.Fields {
				got[f.Field] = true
			}
			if s.Password != "" && strings.Contains(err.Error(), s.Password) {
				t.Fatalf("error %q holds the password", err)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("%+v: generated flags %v, validator.Struct flags %v", s, got, want)
		}
		for f := range want {
			if !got[f] {
				t.Fatalf("%+v: generated flags %v, validator.Struct flags %v", s, got, want)
			}
		}
	}
}

func TestRegistryHoldsBothTypes(t *testing.T) {
	reg := generated.Registry()
	if got := strings.Join(reg.Names(), ","); got != "Jira,SMTP" {
		t.Fatalf("registry names %q, want Jira,SMTP", got)
	}
	smtp, _ := reg.Lookup("SMTP")
	if len(smtp.Groups) != 1 || smtp.Groups[0] != "system" {
		t.Errorf("SMTP groups %v, want [system]", smtp.Groups)
	}
	if f, ok := smtp.Form.Field("Password"); !ok || !f.Secret() {
		t.Errorf("SMTP Password field %+v is not styled secret", f)
	}
	if d := smtp.Defaults().(secret.SMTP); d.Port != 587 || d.Name != "My SMTP server" {
		t.Errorf("SMTP defaults %+v", d)
	}
	if _, err := smtp.Encode(secret.Jira{}); err == nil {
		t.Error("SMTP Encode accepted a Jira value")
	}
	if !json.Valid(smtp.Schema) {
		t.Error("SMTP schema is not valid JSON")
	}
}
