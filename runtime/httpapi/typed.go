package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/secretgen/secretgen/runtime/access"
	"github.com/secretgen/secretgen/runtime/kind"
)

// TypeHandlers are the handlers secretgen generates for one secret type.
// A platform hands them to New in Config.Handlers, usually all at once
// with the generated package's Handlers(), and they serve the type's own
// routes in place of the generic handlers:
//
//	POST /api/secrets/SMTP             Create
//	GET  /api/types/SMTP/secrets/{id}  Get
//	PUT  /api/types/SMTP/secrets/{id}  Update, with If-Match
//	GET  /api/types/SMTP               Form
//
// A nil handler leaves its route to the generic one, as do types with no
// TypeHandlers at all.
type TypeHandlers struct {
	// Type is the variant name; it must be registered.
	Type string
	// Fingerprint is the fingerprint of the kind.Type the handlers were
	// generated with; it must match the registered one.
	Fingerprint string

	Create, Get, Update, Form TypedFunc
}

// TypedFunc serves one authenticated request on a type's route. The API
// passes itself, so that the handler reaches the service and reads the
// body within the API's limit. A returned error is written as a problem
// document, as for HandlerFunc.
type TypedFunc func(a *API, w http.ResponseWriter, r *http.Request, sub access.Subject) error

// checkHandlers panics on handlers that do not fit the registry: a
// wiring mistake, like a missing Service.
func (a *API) checkHandlers(hs []TypeHandlers) []TypeHandlers {
	out := slices.Clone(hs)
	slices.SortFunc(out, func(x, y TypeHandlers) int { return strings.Compare(x.Type, y.Type) })

	for i, h := range out {
		t, ok := a.reg.Lookup(h.Type)
		switch {
		case !ok:
			panic(fmt.Sprintf("httpapi: handlers for type %q, which the registry lacks", h.Type))
		case t.Fingerprint != h.Fingerprint:
			panic(fmt.Sprintf("httpapi: handlers for type %q were generated for fingerprint %q, the registry holds %q",
				h.Type, h.Fingerprint, t.Fingerprint))
		case !ValidID(h.Type):
			panic(fmt.Sprintf("httpapi: type %q cannot name a route; give it a URL-safe name", h.Type))
		case i > 0 && out[i-1].Type == h.Type:
			panic(fmt.Sprintf("httpapi: two sets of handlers for type %q", h.Type))
		}
	}
	return out
}

// typedRoutes lists the routes of the generated handlers.
func (a *API) typedRoutes() []route {
	var rs []route
	for _, h := range a.typed {
		name := h.Type
		add := func(fn TypedFunc, rt route) {
			if fn == nil {
				return
			}
			rt.typ = name
			rt.handler = a.Wrap(func(w http.ResponseWriter, r *http.Request, sub access.Subject) error {
				return fn(a, w, r, sub)
			})
			rs = append(rs, rt)
		}

		add(h.Create, route{method: "POST", path: "/api/secrets/" + name, summary: "Create a secret of type " + name,
			body: CreateRequest{}, status: 201, resp: Secret{}})
		add(h.Get, route{method: "GET", path: "/api/types/" + name + "/secrets/{id}", summary: "Get a secret of type " + name,
			status: 200, resp: Secret{}})
		add(h.Update, route{method: "PUT", path: "/api/types/" + name + "/secrets/{id}", summary: "Change a secret of type " + name,
			ifMatch: true, body: UpdateRequest{}, status: 200, resp: Secret{}})
		add(h.Form, route{method: "GET", path: "/api/types/" + name, summary: "Get the form schema of type " + name,
			status: 200, resp: Type{}})
	}
	return rs
}

// typedRoute reports whether a generated handler serves method and path.
func (a *API) typedRoute(method, path string) bool {
	for _, rt := range a.typedRoutes() {
		if rt.method == method && rt.path == path {
			return true
		}
	}
	return false
}

// Service returns the use cases the API serves.
func (a *API) Service() Service {
	return a.svc
}

// ReadCreate reads the body of a create as ReadJSON does, and refuses one
// without data or with a malformed group id.
func (a *API) ReadCreate(r *http.Request) (CreateRequest, error) {
	var req CreateRequest
	if err := ReadJSON(r, a.maxBody, &req); err != nil {
		return CreateRequest{}, err
	}
	if err := checkData(req.Data); err != nil {
		return CreateRequest{}, err
	}
	if err := checkIDs("groups", "group", req.Groups); err != nil {
		return CreateRequest{}, err
	}
	return req, nil
}

// readUpdate reads the body of an update as ReadJSON does, and refuses
// one without data.
func (a *API) readUpdate(r *http.Request) (UpdateRequest, error) {
	var req UpdateRequest
	if err := ReadJSON(r, a.maxBody, &req); err != nil {
		return UpdateRequest{}, err
	}
	if err := checkData(req.Data); err != nil {
		return UpdateRequest{}, err
	}
	return req, nil
}

// Secret reads the secret named by the path value {id} for sub. A secret
// the subject may not see, or one of another type than typ, is not found
// (404); typ "" accepts every type.
func (a *API) Secret(r *http.Request, sub access.Subject, typ string) (access.Secret, error) {
	return a.get(r, sub, typ)
}

// CreateSecret creates a secret of type typ from its canonical payload,
// attached to groups, and answers 201 with it, its ETag and its Location.
func (a *API) CreateSecret(w http.ResponseWriter, r *http.Request, sub access.Subject, typ string, payload []byte, groups []string) error {
	s, err := a.svc.Create(r.Context(), sub, typ, payload, groups)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/secrets/"+url.PathEscape(s.ID))
	writeSecret(w, http.StatusCreated, s)
	return nil
}

// Change is an update as ReadChange checked it: the secret's id, the
// version If-Match named, and the body's data.
type Change struct {
	ID      string
	Version int64
	Data    json.RawMessage
}

// ReadChange reads an update of the secret {id} of type typ: the id must
// look like one, If-Match must name a version (428 when missing), the
// body is read as ReadJSON does and must hold data, and the secret must
// be one of type typ that sub may see (404 otherwise). With typ "" and no
// path value {type}, the secret may be of any type, and the service
// alone decides who may change it.
func (a *API) ReadChange(r *http.Request, sub access.Subject, typ string) (Change, error) {
	id, version, err := versioned(r)
	if err != nil {
		return Change{}, err
	}
	req, err := a.readUpdate(r)
	if err != nil {
		return Change{}, err
	}
	if typ != "" || r.PathValue("type") != "" {
		if _, err := a.get(r, sub, typ); err != nil {
			return Change{}, err
		}
	}
	return Change{ID: id, Version: version, Data: req.Data}, nil
}

// ApplyChange updates the secret as c says and answers 200 with it and
// its new ETag. The access layer keeps secret fields that c's data
// leaves out or sends masked, then validates the result.
func (a *API) ApplyChange(w http.ResponseWriter, r *http.Request, sub access.Subject, c Change) error {
	s, err := a.svc.Update(r.Context(), sub, c.ID, c.Version, c.Data)
	if err != nil {
		return err
	}
	writeSecret(w, http.StatusOK, s)
	return nil
}

// ServeSecret answers the secret {id} of type typ with its ETag; see
// Secret for what is not found.
func (a *API) ServeSecret(w http.ResponseWriter, r *http.Request, sub access.Subject, typ string) error {
	s, err := a.get(r, sub, typ)
	if err != nil {
		return err
	}
	writeSecret(w, http.StatusOK, s)
	return nil
}

// ServeForm answers the form schema of t with its JSON Schema.
func ServeForm(w http.ResponseWriter, t kind.Type) error {
	WriteJSON(w, http.StatusOK, NewType(t, true))
	return nil
}
