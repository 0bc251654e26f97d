package httpapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/secretgen/secretgen/runtime/kind"
)

// openAPIDoc is the part of the document the tests read.
type openAPIDoc struct {
	OpenAPI    string                           `json:"openapi"`
	Paths      map[string]map[string]openAPIOp  `json:"paths"`
	Components struct{ Schemas map[string]any } `json:"components"`
}

type openAPIOp struct {
	Summary    string                      `json:"summary"`
	Parameters []struct{ Name, In string } `json:"parameters"`
	Responses  map[string]any              `json:"responses"`
}

func fetchOpenAPI(t *testing.T, h http.Handler) (openAPIDoc, []byte) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/openapi.json", nil))
	if rec.Code != 200 {
		t.Fatalf("GET /api/openapi.json: %d %s", rec.Code, rec.Body)
	}

	var d openAPIDoc
	if err := json.Unmarshal(rec.Body.Bytes(), &d); err != nil {
		t.Fatalf("decode: %v", err)
	}
	return d, rec.Body.Bytes()
}

func newDocAPI() *API {
	reg := kind.Registry{Types: []kind.Type{serverType()}}
	return New(Config{Service: broken{}, Registry: reg, Authenticate: authenticate})
}

var pathParam = regexp.MustCompile(`\{(\w+)\}`)

// TestOpenAPICoversEveryMountedRoute checks both ways: each mounted route
// is documented with its parameters, and each documented operation is
// served by the route it names.
func TestOpenAPICoversEveryMountedRoute(t *testing.T) {
	api := newDocAPI()
	mux := api.Handler().(*http.ServeMux)
	d, _ := fetchOpenAPI(t, mux)

	if d.OpenAPI != "3.1.0" {
		t.Fatalf("openapi %q", d.OpenAPI)
	}

	for _, rt := range api.routes() {
		op, ok := d.Paths[rt.path][strings.ToLower(rt.method)]
		if !ok {
			t.Errorf("%s is mounted but not documented", rt.pattern())
			continue
		}
		if op.Summary == "" || len(op.Responses) < 2 {
			t.Errorf("%s: no summary or no responses", rt.pattern())
		}
		for _, m := range pathParam.FindAllStringSubmatch(rt.path, -1) {
			if !hasParam(op, m[1], "path") {
				t.Errorf("%s: path parameter %q undocumented", rt.pattern(), m[1])
			}
		}
		if rt.ifMatch && !hasParam(op, "If-Match", "header") {
			t.Errorf("%s: If-Match undocumented", rt.pattern())
		}
	}

	for path, ops := range d.Paths {
		for method, _ := range ops {
			req := httptest.NewRequest(strings.ToUpper(method), samplePath(path), nil)
			_, pattern := mux.Handler(req)
			if want := strings.ToUpper(method) + " " + path; pattern != want {
				t.Errorf("documented %s is served by %q", want, pattern)
			}
		}
	}
}

func hasParam(op openAPIOp, name, in string) bool {
	for _, p := range op.Parameters {
		if p.Name == name && p.In == in {
			return true
		}
	}
	return false
}

func samplePath(path string) string {
	return pathParam.ReplaceAllStringFunc(path, func(p string) string {
		if p == "{type}" {
			return "Server"
		}
		return "sample-" + strings.Trim(p, "{}")
	})
}

func TestOpenAPIHoldsTheTypeSchemasAndResolves(t *testing.T) {
	d, raw := fetchOpenAPI(t, newDocAPI().Handler())

	got, err := json.Marshal(d.Components.Schemas["type-Server"])
	if err != nil {
		t.Fatal(err)
	}
	var want any
	json.Unmarshal([]byte(serverSchema), &want)
	wantJSON, _ := json.Marshal(want)
	if string(got) != string(wantJSON) {
		t.Fatalf("component type-Server is %s, want the type's schema", got)
	}

	for _, m := range regexp.MustCompile(`"#/components/schemas/([^"]+)"`).FindAllStringSubmatch(string(raw), -1) {
		if _, ok := d.Components.Schemas[m[1]]; !ok {
			t.Errorf("$ref to missing component %q", m[1])
		}
	}
	for _, name := range []string{"Secret", "Problem", "CreateRequest", "FieldError"} {
		if _, ok := d.Components.Schemas[name]; !ok {
			t.Errorf("component %q missing", name)
		}
	}
}
