package httpapi

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/secretgen/secretgen/runtime/access"
	"github.com/secretgen/secretgen/runtime/kind"
)

// Create returns the handler that creates a secret of type typ from a
// CreateRequest body and answers 201 with the secret, its ETag and its
// Location. With typ "", the type comes from the path value {type}.
func (a *API) Create(typ string) http.Handler {
	return a.Wrap(func(w http.ResponseWriter, r *http.Request, sub access.Subject) error {
		t, err := a.lookup(typ, r)
		if err != nil {
			return err
		}

		req, err := a.ReadCreate(r)
		if err != nil {
			return err
		}
		return a.CreateSecret(w, r, sub, t.Name, req.Data, req.Groups)
	})
}

// Get returns the handler that answers the secret {id} with its ETag.
// With typ set, or with typ "" on a route with the path value {type}, a
// secret of another type is not found.
func (a *API) Get(typ string) http.Handler {
	return a.Wrap(func(w http.ResponseWriter, r *http.Request, sub access.Subject) error {
		return a.ServeSecret(w, r, sub, typ)
	})
}

// Update returns the handler that replaces the data of the secret {id}
// from an UpdateRequest body. The request must carry the version it
// changes in If-Match. With typ set, or with typ "" on a route with the
// path value {type}, a secret of another type is not found.
func (a *API) Update(typ string) http.Handler {
	return a.Wrap(func(w http.ResponseWriter, r *http.Request, sub access.Subject) error {
		c, err := a.ReadChange(r, sub, typ)
		if err != nil {
			return err
		}
		return a.ApplyChange(w, r, sub, c)
	})
}

// Form returns the handler that answers the form schema of type typ, or
// with typ "" of the type named by the path value {type}.
func (a *API) Form(typ string) http.Handler {
	return a.Wrap(func(w http.ResponseWriter, r *http.Request, _ access.Subject) error {
		t, err := a.lookup(typ, r)
		if err != nil {
			return err
		}
		return ServeForm(w, t)
	})
}

// lookup finds typ, or the type named by the path value {type}.
func (a *API) lookup(typ string, r *http.Request) (kind.Type, error) {
	if typ == "" {
		typ = r.PathValue("type")
	}

	t, ok := a.reg.Lookup(typ)
	if !ok {
		return kind.Type{}, &StatusError{
			Status: http.StatusNotFound,
			Detail: fmt.Sprintf("secret type %q: not found; known types: %s",
				typ, strings.Join(a.reg.Names(), ", ")),
		}
	}
	return t, nil
}

// get reads the secret {id}, which must be of type typ, or of the type
// named by the path value {type}; with neither, of any type.
func (a *API) get(r *http.Request, sub access.Subject, typ string) (access.Secret, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return access.Secret{}, err
	}
	if typ == "" && r.PathValue("type") != "" {
		t, err := a.lookup("", r)
		if err != nil {
			return access.Secret{}, err
		}
		typ = t.Name
	}

	s, err := a.svc.Get(r.Context(), sub, id)
	if errors.Is(err, access.ErrForbidden) || err == nil && typ != "" && s.Type != typ {
		// Get refuses only subjects who may not see the secret at all.
		return access.Secret{}, notFound(id)
	}
	return s, err
}

func writeSecret(w http.ResponseWriter, status int, s access.Secret) {
	w.Header().Set("ETag", ETag(s.Version))
	WriteJSON(w, status, NewSecret(s, true))
}

// checkData refuses a body whose data key is missing or null.
func checkData(data []byte) error {
	d := bytes.TrimSpace(data)
	if len(d) == 0 || bytes.Equal(d, []byte("null")) {
		return badRequest("data", "required", "key %q: missing; send the secret's fields as a JSON object", "data")
	}
	return nil
}

// maxID bounds ids taken from paths and bodies.
const maxID = 128

// ValidID reports whether id looks like an id: 1 to 128 URL-safe bytes
// (letters, digits and "-._~"). Other strings name nothing, and the
// store is never asked about them.
func ValidID(id string) bool {
	if id == "" || len(id) > maxID {
		return false
	}
	for _, c := range []byte(id) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~'
		if !ok {
			return false
		}
	}
	return true
}

func idProblem(where, what, id string) *StatusError {
	return badRequest(where, "id", "%s: %s id %q is malformed; want 1 to %d letters, digits, '-', '_', '.' or '~'",
		where, what, id, maxID)
}

// pathID returns the path value name after checking that it is an id.
func pathID(r *http.Request, name string) (string, error) {
	id := r.PathValue(name)
	if !ValidID(id) {
		what := name
		if name == "id" {
			what = "secret"
		}
		return "", idProblem("path {"+name+"}", what, id)
	}
	return id, nil
}

// versioned returns the checked path value {id} and the If-Match version.
func versioned(r *http.Request) (string, int64, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return "", 0, err
	}
	version, err := IfMatch(r)
	return id, version, err
}

// checkIDs checks each id of a list taken from a body key.
func checkIDs(key, what string, ids []string) error {
	for i, id := range ids {
		if !ValidID(id) {
			return idProblem(fmt.Sprintf("%s[%d]", key, i), what, id)
		}
	}
	return nil
}

// checkQuery refuses query parameters the route does not know, and
// repeated ones.
func checkQuery(r *http.Request, allowed []string) error {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return badRequest("", "", "query: malformed: %v", err)
	}

	for key, vals := range q {
		if !slices.Contains(allowed, key) {
			return badRequest(key, "unknown", "query parameter %q: unknown; this route takes %s",
				key, listOrNone(allowed))
		}
		if len(vals) > 1 {
			return badRequest(key, "repeated", "query parameter %q: given %d times, want once", key, len(vals))
		}
	}
	return nil
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// checkShares checks the users and groups of a shares body, and of the
// shares it says it loaded.
func checkShares(req SharesRequest) error {
	if err := checkSharesAt("", access.Shares{Users: req.Users, Groups: req.Groups}); err != nil {
		return err
	}
	if req.Loaded == nil {
		return nil
	}
	return checkSharesAt("loaded.", *req.Loaded)
}

func checkSharesAt(prefix string, sh access.Shares) error {
	for i, u := range sh.Users {
		if !ValidID(u.UserID) {
			return idProblem(fmt.Sprintf("%susers[%d].user", prefix, i), "user", u.UserID)
		}
		if err := checkRole(fmt.Sprintf("%susers[%d].role", prefix, i), u.Role); err != nil {
			return err
		}
	}
	return checkIDs(prefix+"groups", "group", sh.Groups)
}

func checkRole(key string, role access.Role) error {
	if role.Valid() {
		return nil
	}
	msg := fmt.Sprintf("must be %s, %s or %s", access.Owner, access.Editor, access.Viewer)
	return &StatusError{
		Status: http.StatusUnprocessableEntity,
		Detail: fmt.Sprintf("key %q: role %q is unknown; it %s", key, role, msg),
		Fields: []kind.FieldError{{Field: key, Rule: "oneof", Message: msg}},
	}
}
