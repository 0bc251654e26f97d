package httpapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/secretgen/secretgen/runtime/access"
	"github.com/secretgen/secretgen/runtime/kind"
)

// openAPIDoc is the part of the document the tests read.
type openAPIDoc struct {
	OpenAPI    string                           `json:"openapi"`
	Paths      map[string]map[string]openAPIOp  `json:"paths"`
	Components struct{ Schemas map[string]any } `json:"components"`
}

type openAPIOp struct {
	Summary    string `json:"summary"`
	Parameters []struct {
		Name, In string
		Schema   struct{ Enum []string }
	} `json:"parameters"`
	Responses map[string]any `json:"responses"`
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

// newDocAPI serves the type Server with typed handlers, as generated
// code would, on its create and update routes.
func newDocAPI() *API {
	reg := kind.Registry{Types: []kind.Type{serverType()}}
	noop := func(*API, http.ResponseWriter, *http.Request, access.Subject) error { return nil }
	typed := TypeHandlers{Type: "Server", Fingerprint: "test", Create: noop, Update: noop}
	return New(Config{Service: broken{}, Registry: reg, Authenticate: authenticate, Handlers: []TypeHandlers{typed}})
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
		for method, op := range ops {
			req := httptest.NewRequest(strings.ToUpper(method), samplePath(path, op), nil)
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

// samplePath fills the path's parameters: {type} with the first type
// the operation documents, or a type no route has, and ids with samples.
func samplePath(path string, op openAPIOp) string {
	return pathParam.ReplaceAllStringFunc(path, func(p string) string {
		if p == "{type}" {
			return sampleType(op)
		}
		return "sample-" + strings.Trim(p, "{}")
	})
}

func sampleType(op openAPIOp) string {
	for _, p := range op.Parameters {
		if p.Name == "type" && len(p.Schema.Enum) > 0 {
			return p.Schema.Enum[0]
		}
	}
	return "NoSuchType"
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

// TestOpenAPITypedRoutes checks that a type's own routes are documented
// with its schema as the body's data, and that nil handlers leave their
// routes to the generic ones.
func TestOpenAPITypedRoutes(t *testing.T) {
	d, raw := fetchOpenAPI(t, newDocAPI().Handler())
	var full struct {
		Paths map[string]map[string]struct {
			RequestBody struct {
				Content map[string]struct {
					Schema struct {
						Properties map[string]map[string]any `json:"properties"`
					} `json:"schema"`
				} `json:"content"`
			} `json:"requestBody"`
		} `json:"paths"`
	}
	json.Unmarshal(raw, &full)

	for _, op := range []struct{ method, path string }{{"post", "/api/secrets/Server"}, {"put", "/api/types/Server/secrets/{id}"}} {
		data := full.Paths[op.path][op.method].RequestBody.Content["application/json"].Schema.Properties["data"]
		if data["$ref"] != "#/components/schemas/type-Server" {
			t.Errorf("%s %s: data schema %v, want the type's", op.method, op.path, data)
		}
	}
	for _, path := range []string{"/api/types/Server", "/api/types/Server/secrets/{id}"} {
		if _, ok := d.Paths[path]["get"]; ok {
			t.Errorf("GET %s is documented, but the type has no handler for it", path)
		}
	}
}
