package httpapi

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/secretgen/secretgen/runtime/access"
)

// doc is a JSON object of the OpenAPI document.
type doc = map[string]any

// OpenAPI returns the OpenAPI 3.1 document of every route, with each
// secret type's JSON Schema as the component "type-<Name>".
func (a *API) OpenAPI() map[string]any {
	s := &schemas{api: a, comps: doc{}}
	paths := doc{}

	for _, rt := range a.routes() {
		item, _ := paths[rt.path].(doc)
		if item == nil {
			item = doc{}
			paths[rt.path] = item
		}
		item[strings.ToLower(rt.method)] = s.operation(rt)
	}
	for _, t := range a.reg.Types {
		s.comps[typeComponent(t.Name)] = typeSchema(t.Schema)
	}

	return doc{
		"openapi": "3.1.0",
		"info": doc{
			"title":   "secretgen API",
			"version": "1",
			"description": "Secrets stored encrypted and shared with users and groups. " +
				"Errors are application/problem+json; changes send the ETag back in If-Match.",
		},
		"paths":      paths,
		"components": doc{"schemas": s.comps},
	}
}

func (a *API) openAPI(w http.ResponseWriter, r *http.Request) {
	WriteJSON(w, http.StatusOK, a.OpenAPI())
}

func typeComponent(name string) string {
	return "type-" + name
}

// typeSchema returns the type's schema, or any object when the registry
// gave none that parses.
func typeSchema(raw []byte) any {
	if len(raw) == 0 || !json.Valid(raw) {
		return doc{"type": "object"}
	}
	return json.RawMessage(raw)
}

// schemas builds the document's parts and collects its components.
type schemas struct {
	api   *API
	comps doc
}

func (s *schemas) operation(rt route) doc {
	op := doc{
		"operationId": operationID(rt),
		"summary":     rt.summary,
		"responses":   s.responses(rt),
	}
	if params := s.parameters(rt); len(params) > 0 {
		op["parameters"] = params
	}
	if rt.body != nil {
		op["requestBody"] = doc{
			"required": true,
			"content":  doc{"application/json": doc{"schema": s.body(rt)}},
		}
	}
	if rt.public {
		op["description"] = "Served without authentication."
	}
	if rt.typ != "" {
		op["description"] = "Served by the handler secretgen generated for type " + rt.typ + "."
	}
	return op
}

// body is the schema of a route's request body. On a generated handler's
// route, data is the route's type only.
func (s *schemas) body(rt route) any {
	t := reflect.TypeOf(rt.body)
	if rt.typ == "" {
		return s.of(t)
	}

	obj := s.object(t)
	obj["properties"].(doc)["data"] = doc{"$ref": "#/components/schemas/" + typeComponent(rt.typ)}
	return obj
}

// operationID names a route by method and path: "get_api_secrets_id".
func operationID(rt route) string {
	r := strings.NewReplacer("/", "_", "{", "", "}", "", ".", "_")
	return strings.ToLower(rt.method) + r.Replace(rt.path)
}

func (s *schemas) parameters(rt route) []any {
	var params []any
	for _, seg := range strings.Split(rt.path, "/") {
		name, ok := strings.CutPrefix(seg, "{")
		if !ok {
			continue
		}
		name = strings.TrimSuffix(name, "}")
		params = append(params, doc{"name": name, "in": "path", "required": true, "schema": s.pathSchema(rt, name)})
	}
	for _, name := range rt.query {
		params = append(params, doc{"name": name, "in": "query", "schema": doc{"type": "string"}})
	}
	if rt.ifMatch {
		params = append(params, doc{
			"name": "If-Match", "in": "header", "required": true,
			"description": "the secret's version as its GET returned it in ETag",
			"schema":      doc{"type": "string"},
		})
	}
	return params
}

func (s *schemas) pathSchema(rt route, name string) doc {
	if name == "type" {
		return s.typeParam(rt)
	}
	return doc{"type": "string", "pattern": "^[A-Za-z0-9._~-]{1," + strconv.Itoa(maxID) + "}$"}
}

// typeParam is the schema of a generic route's {type}: the registered
// types that have no generated handler for the route.
func (s *schemas) typeParam(rt route) doc {
	var names []string
	for _, name := range s.api.reg.Names() {
		if !s.api.typedRoute(rt.method, strings.Replace(rt.path, "{type}", name, 1)) {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return doc{"type": "string", "description": "every registered type has a route of its own for this"}
	}
	return doc{"type": "string", "enum": names}
}

func (s *schemas) responses(rt route) doc {
	ok := doc{"description": http.StatusText(rt.status)}
	if rt.resp != nil {
		ok["content"] = doc{"application/json": doc{"schema": s.of(reflect.TypeOf(rt.resp))}}
	}
	if reflect.TypeOf(rt.resp) == reflect.TypeOf(Secret{}) {
		ok["headers"] = doc{"ETag": doc{"description": "the version", "schema": doc{"type": "string"}}}
	}

	return doc{
		strconv.Itoa(rt.status): ok,
		"default": doc{
			"description": "a problem: 400 malformed, 401, 403, 404, 409, 412 stale, 413, 415, 422 invalid, 428 no If-Match",
			"content":     doc{"application/problem+json": doc{"schema": s.of(reflect.TypeOf(Problem{}))}},
		},
	}
}

var (
	timeType = reflect.TypeOf(time.Time{})
	rawType  = reflect.TypeOf(json.RawMessage(nil))
	roleType = reflect.TypeOf(access.Role(""))
)

// of returns the schema of a Go type, registering named structs as
// components and referring to them.
func (s *schemas) of(t reflect.Type) any {
	switch {
	case t == timeType:
		return doc{"type": "string", "format": "date-time"}
	case t == rawType:
		return doc{} // any JSON value
	case t == roleType:
		return doc{"type": "string", "enum": []string{string(access.Owner), string(access.Editor), string(access.Viewer)}}
	}

	switch t.Kind() {
	case reflect.String:
		return doc{"type": "string"}
	case reflect.Bool:
		return doc{"type": "boolean"}
	case reflect.Int, reflect.Int64:
		return doc{"type": "integer"}
	case reflect.Slice:
		return doc{"type": "array", "items": s.of(t.Elem())}
	case reflect.Map:
		return doc{"type": "object"}
	case reflect.Struct:
		return s.ref(t)
	}
	return doc{}
}

func (s *schemas) ref(t reflect.Type) doc {
	name := t.Name()
	if _, ok := s.comps[name]; !ok {
		s.comps[name] = doc{} // a placeholder stops recursion
		s.comps[name] = s.object(t)
	}
	return doc{"$ref": "#/components/schemas/" + name}
}

func (s *schemas) object(t reflect.Type) doc {
	props := doc{}
	for i := range t.NumField() {
		f := t.Field(i)
		key, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if key == "" || key == "-" {
			continue
		}
		props[key] = s.of(f.Type)
		if key == "data" {
			props[key] = s.dataSchema()
		}
	}

	obj := doc{"type": "object", "properties": props, "additionalProperties": false}
	if _, ok := props["data"]; ok && t != reflect.TypeOf(Secret{}) {
		obj["required"] = []string{"data"}
	}
	return obj
}

// dataSchema is a secret's data: one of the registered types' schemas.
func (s *schemas) dataSchema() any {
	names := s.api.reg.Names()
	if len(names) == 0 {
		return doc{"type": "object"}
	}

	refs := make([]any, len(names))
	for i, n := range names {
		refs[i] = doc{"$ref": "#/components/schemas/" + typeComponent(n)}
	}
	return doc{
		"description": "the secret type's fields; in an update a secret field left out or sent masked keeps its value",
		"anyOf":       refs,
	}
}
