package configurator_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/secretgen/secretgen/configurator"
	"github.com/secretgen/secretgen/generated"
	"github.com/secretgen/secretgen/runtime/httpapi"
	"github.com/secretgen/secretgen/runtime/kind"
)

// generatedRoutes returns the types whose update route the API serves
// with a generated handler, as its OpenAPI document says.
func generatedRoutes(api *httpapi.API) []string {
	var types []string
	for path, item := range api.OpenAPI()["paths"].(map[string]any) {
		op, _ := item.(map[string]any)["put"].(map[string]any)
		desc, _ := op["description"].(string)
		typ, ok := strings.CutPrefix(path, "/api/types/")
		if ok && strings.Contains(desc, "secretgen generated") {
			types = append(types, strings.TrimSuffix(typ, "/secrets/{id}"))
		}
	}
	slices.Sort(types)
	return types
}

func TestGeneratedHandlersServeTheTypesTheyWereGeneratedFor(t *testing.T) {
	smtp, _ := generated.Registry().Lookup("SMTP")
	changed := smtp
	changed.Fingerprint = "another shape"

	tests := []struct {
		name string
		opts configurator.Options
		want []string
	}{
		{"built-in SMTP", configurator.Options{}, []string{"SMTP"}},
		{"the generated types", configurator.Options{Registry: generated.Registry()}, []string{"Jira", "SMTP"}},
		{"the generated types and their handlers",
			configurator.Options{Registry: generated.Registry(), Handlers: generated.Handlers()}, []string{"Jira", "SMTP"}},
		{"a platform SMTP of another shape",
			configurator.Options{Registry: kind.Registry{Types: []kind.Type{changed}}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sm, err := newConfigurator(t, tt.opts).SecretManagement()
			if err != nil {
				t.Fatal(err)
			}
			if got := generatedRoutes(sm.API); !slices.Equal(got, tt.want) {
				t.Errorf("generated handlers serve %q, want %q", got, tt.want)
			}
		})
	}
}

func TestHandlersOfAnUnregisteredTypeAreRefused(t *testing.T) {
	opts := configurator.Options{Handlers: generated.Handlers()} // Jira is not registered

	_, err := newConfigurator(t, opts).SecretManagement()

	if err == nil || !strings.Contains(err.Error(), `type "Jira"`) {
		t.Fatalf("err = %v, want one naming type \"Jira\"", err)
	}
}
