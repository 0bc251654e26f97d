package migrate_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/secretgen/secretgen/runtime/migrate"
)

// secretValue stands in for a password: it must never show up in an error.
const secretValue = "hunter2-do-not-print"

func TestRename(t *testing.T) {
	tests := []struct {
		name, in, from, to, want string
	}{
		{"moves the value", `{"server":"mail.example.com","port":25}`, "server", "host", `{"host":"mail.example.com","port":25}`},
		{"absent key changes nothing", `{"host":"a"}`, "server", "host", `{"host":"a"}`},
		{"keeps nested values", `{"tags":["a","b"]}`, "tags", "labels", `{"labels":["a","b"]}`},
		{"same key", `{"a":1}`, "a", "a", `{"a":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := migrate.Rename([]byte(tt.in), tt.from, tt.to)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("Rename = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestRenameRefusesToOverwrite(t *testing.T) {
	in := `{"server":"` + secretValue + `","host":"b"}`

	_, err := migrate.Rename([]byte(in), "server", "host")
	if err == nil {
		t.Fatal("Rename onto a set key succeeded")
	}
	if !strings.Contains(err.Error(), `"server"`) || !strings.Contains(err.Error(), `"host"`) {
		t.Errorf("error %q does not name both keys", err)
	}
	assertNoSecret(t, err)
}

func TestConvert(t *testing.T) {
	tests := []struct {
		name, in, key string
		f             migrate.Converter
		want          string
	}{
		{"number from string", `{"port":"587"}`, "port", migrate.NumberFromString, `{"port":587}`},
		{"string from number", `{"port":587}`, "port", migrate.StringFromNumber, `{"port":"587"}`},
		{"float from string", `{"ratio":"0.5"}`, "ratio", migrate.NumberFromString, `{"ratio":0.5}`},
		{"absent key", `{"host":"a"}`, "port", migrate.NumberFromString, `{"host":"a"}`},
		{"own function", `{"tls":"yes"}`, "tls", func(json.RawMessage) (json.RawMessage, error) {
			return json.RawMessage(`true`), nil
		}, `{"tls":true}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := migrate.Convert([]byte(tt.in), tt.key, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("Convert = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestConvertErrorsNameTheKeyNotTheValue(t *testing.T) {
	tests := []struct {
		name, in string
		f        migrate.Converter
		reason   string
	}{
		{"not a number", `{"pin":"` + secretValue + `"}`, migrate.NumberFromString, "does not hold a number"},
		{"not a string", `{"pin":{"x":"` + secretValue + `"}}`, migrate.NumberFromString, "want a JSON string"},
		{"not a number value", `{"pin":"` + secretValue + `"}`, migrate.StringFromNumber, "want a JSON number"},
		{"invalid result", `{"pin":"` + secretValue + `"}`, func(v json.RawMessage) (json.RawMessage, error) {
			return v[1:], nil
		}, "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := migrate.Convert([]byte(tt.in), "pin", tt.f)
			if err == nil {
				t.Fatal("Convert succeeded")
			}
			if !strings.Contains(err.Error(), `key "pin"`) || !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("error %q, want the key and %q", err, tt.reason)
			}
			assertNoSecret(t, err)
		})
	}
}

func TestConvertWrapsTheConverterError(t *testing.T) {
	errNope := errors.New("nope")

	_, err := migrate.Convert([]byte(`{"a":1}`), "a", func(json.RawMessage) (json.RawMessage, error) {
		return nil, errNope
	})
	if !errors.Is(err, errNope) {
		t.Errorf("error %v does not wrap the converter's error", err)
	}
}

func TestDelete(t *testing.T) {
	got, err := migrate.Delete([]byte(`{"a":1,"b":2}`), "a")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != `{"b":2}` {
		t.Errorf("Delete = %s", got)
	}
}

func TestPayloadThatIsNotAnObject(t *testing.T) {
	for _, in := range []string{``, `null`, `[1]`, `"` + secretValue + `"`, `{"a":` + secretValue + `}`} {
		_, err := migrate.Rename([]byte(in), "a", "b")
		if !errors.Is(err, migrate.ErrNotObject) {
			t.Errorf("Rename(%q) error = %v, want ErrNotObject", in, err)
		}
		assertNoSecret(t, err)
	}
}

func TestInputIsLeftAlone(t *testing.T) {
	in := []byte(`{"server":"a"}`)

	if _, err := migrate.Rename(in, "server", "host"); err != nil {
		t.Fatal(err)
	}
	if string(in) != `{"server":"a"}` {
		t.Errorf("input changed to %s", in)
	}
}

func assertNoSecret(t *testing.T, err error) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error %q shows the value", err)
	}
}
