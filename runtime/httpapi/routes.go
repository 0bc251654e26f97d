package httpapi

import (
	"errors"
	"net/http"

	"github.com/secretgen/secretgen/runtime/access"
)

// route is one mounted route and what the OpenAPI document says about it.
type route struct {
	method  string
	path    string
	summary string
	query   []string // accepted query parameters
	ifMatch bool     // whether If-Match is required
	body    any      // request body type; nil for none
	status  int      // success status
	resp    any      // response body type; nil for none
	public  bool     // served without authentication
	typ     string   // the type of a generated handler's route; "" for generic routes
	handler http.Handler
}

func (rt route) pattern() string {
	return rt.method + " " + rt.path
}

// routes lists every route of the API, the generated handlers' last. The
// OpenAPI document is built from the same list.
func (a *API) routes() []route {
	rs := []route{
		{method: "GET", path: "/api/types", summary: "List the secret types with their forms",
			status: 200, resp: []Type{}, handler: a.Wrap(a.listTypes)},
		{method: "GET", path: "/api/types/{type}", summary: "Get one type's form schema",
			status: 200, resp: Type{}, handler: a.Form("")},
		{method: "GET", path: "/api/types/{type}/secrets/{id}", summary: "Get a secret of a type",
			status: 200, resp: Secret{}, handler: a.Get("")},
		{method: "PUT", path: "/api/types/{type}/secrets/{id}", summary: "Change the data of a secret of a type",
			ifMatch: true, body: UpdateRequest{}, status: 200, resp: Secret{}, handler: a.Update("")},
		{method: "GET", path: "/api/secrets", summary: "List my secrets: owned and shared with me as a user",
			status: 200, resp: []Secret{}, handler: a.Wrap(a.mine)},
		{method: "POST", path: "/api/secrets/{type}", summary: "Create a secret of a type",
			body: CreateRequest{}, status: 201, resp: Secret{}, handler: a.Create("")},
		{method: "GET", path: "/api/secrets/{id}", summary: "Get a secret; viewers get secret fields masked",
			status: 200, resp: Secret{}, handler: a.Get("")},
		{method: "PUT", path: "/api/secrets/{id}", summary: "Change a secret's data",
			ifMatch: true, body: UpdateRequest{}, status: 200, resp: Secret{}, handler: a.Update("")},
		{method: "DELETE", path: "/api/secrets/{id}", summary: "Delete a secret",
			ifMatch: true, status: 204, handler: a.Wrap(a.delete)},
		{method: "POST", path: "/api/secrets/{id}/reveal", summary: "Get a secret unmasked; audited",
			status: 200, resp: Secret{}, handler: a.Wrap(a.reveal)},
		{method: "PUT", path: "/api/secrets/{id}/shares", summary: "Save the users and groups a secret is shared with",
			body: SharesRequest{}, status: 204, handler: a.Wrap(a.saveShares)},
		{method: "PUT", path: "/api/secrets/{id}/users/{user}", summary: "Share a secret with a user in a role",
			body: ShareRequest{}, status: 204, handler: a.Wrap(a.share)},
		{method: "DELETE", path: "/api/secrets/{id}/users/{user}", summary: "Stop sharing a secret with a user",
			status: 204, handler: a.Wrap(a.unshare)},
		{method: "PUT", path: "/api/secrets/{id}/groups/{group}", summary: "Add a secret to a group",
			status: 204, handler: a.Wrap(a.addGroup)},
		{method: "DELETE", path: "/api/secrets/{id}/groups/{group}", summary: "Remove a secret from a group",
			status: 204, handler: a.Wrap(a.removeGroup)},
		{method: "POST", path: "/api/secrets/{id}/transfer", summary: "Make another user the owner",
			body: TransferRequest{}, status: 204, handler: a.Wrap(a.transfer)},
		{method: "GET", path: "/api/secrets/{id}/history", summary: "List a secret's versions",
			status: 200, resp: []Version{}, handler: a.Wrap(a.history)},
		{method: "POST", path: "/api/secrets/{id}/restore", summary: "Make an earlier version's data current",
			ifMatch: true, body: RestoreRequest{}, status: 200, resp: Secret{}, handler: a.Wrap(a.restore)},
		{method: "GET", path: "/api/secrets/{id}/audit", summary: "List a secret's audit events; owners only",
			status: 200, resp: []AuditEntry{}, handler: a.Wrap(a.audit)},
		{method: "GET", path: "/api/groups/{group}/secrets", summary: "List the secrets usable through a group",
			query: []string{"type"}, status: 200, resp: []Secret{}, handler: a.Wrap(a.groupSecrets)},
		{method: "PUT", path: "/api/groups/{group}/defaults/{type}", summary: "Choose the secret a group uses for a type",
			body: DefaultRequest{}, status: 204, handler: a.Wrap(a.setDefault)},
		{method: "GET", path: "/api/match", summary: "Find the one secret a group uses for a type; secret fields masked, audited",
			query: []string{"type", "group", "hint"}, status: 200, resp: Secret{}, handler: a.Wrap(a.match)},
		{method: "GET", path: "/api/openapi.json", summary: "This API as an OpenAPI 3.1 document",
			status: 200, resp: map[string]any{}, public: true, handler: http.HandlerFunc(a.openAPI)},
	}
	rs = append(rs, a.typedRoutes()...)

	for i, rt := range rs {
		rs[i].handler = strictQuery(rt.query, rt.handler)
	}
	return rs
}

// strictQuery refuses unknown query parameters before h runs.
func strictQuery(allowed []string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := checkQuery(r, allowed); err != nil {
			WriteProblem(w, r, err)
			return
		}
		h.ServeHTTP(w, r)
	})
}

func (a *API) listTypes(w http.ResponseWriter, r *http.Request, _ access.Subject) error {
	types := make([]Type, 0, len(a.reg.Types))
	for _, name := range a.reg.Names() {
		t, _ := a.reg.Lookup(name)
		types = append(types, NewType(t, false))
	}
	WriteJSON(w, http.StatusOK, types)
	return nil
}

func (a *API) mine(w http.ResponseWriter, r *http.Request, sub access.Subject) error {
	list, err := a.svc.Mine(r.Context(), sub)
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, newSecrets(list))
	return nil
}

func (a *API) delete(w http.ResponseWriter, r *http.Request, sub access.Subject) error {
	id, version, err := versioned(r)
	if err != nil {
		return err
	}

	if err := a.svc.Delete(r.Context(), sub, id, version); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) reveal(w http.ResponseWriter, r *http.Request, sub access.Subject) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}

	s, err := a.svc.Reveal(r.Context(), sub, id)
	if errors.Is(err, access.ErrForbidden) {
		// Reveal refuses only subjects who may not see the secret at all.
		return notFound(id)
	}
	if err != nil {
		return err
	}
	writeSecret(w, http.StatusOK, s)
	return nil
}

func (a *API) saveShares(w http.ResponseWriter, r *http.Request, sub access.Subject) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req SharesRequest
	if err := ReadJSON(r, a.maxBody, &req); err != nil {
		return err
	}
	if err := checkShares(req); err != nil {
		return err
	}

	saved := access.Shares{Users: req.Users, Groups: req.Groups}
	if req.Loaded != nil {
		return noContent(w, a.svc.SaveSharesFrom(r.Context(), sub, id, *req.Loaded, saved))
	}
	return noContent(w, a.svc.SaveShares(r.Context(), sub, id, req.Users, req.Groups))
}

func (a *API) share(w http.ResponseWriter, r *http.Request, sub access.Subject) error {
	id, user, err := pathIDs(r, "id", "user")
	if err != nil {
		return err
	}
	var req ShareRequest
	if err := ReadJSON(r, a.maxBody, &req); err != nil {
		return err
	}
	if err := checkRole("role", req.Role); err != nil {
		return err
	}

	return noContent(w, a.svc.Share(r.Context(), sub, id, user, req.Role))
}

func (a *API) unshare(w http.ResponseWriter, r *http.Request, sub access.Subject) error {
	id, user, err := pathIDs(r, "id", "user")
	if err != nil {
		return err
	}
	return noContent(w, a.svc.Unshare(r.Context(), sub, id, user))
}

func (a *API) addGroup(w http.ResponseWriter, r *http.Request, sub access.Subject) error {
	id, group, err := pathIDs(r, "id", "group")
	if err != nil {
		return err
	}
	return noContent(w, a.svc.AddGroup(r.Context(), sub, id, group))
}

func (a *API) removeGroup(w http.ResponseWriter, r *http.Request, sub access.Subject) error {
	id, group, err := pathIDs(r, "id", "group")
	if err != nil {
		return err
	}
	return noContent(w, a.svc.RemoveGroup(r.Context(), sub, id, group))
}

func (a *API) transfer(w http.ResponseWriter, r *http.Request, sub access.Subject) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req TransferRequest
	if err := ReadJSON(r, a.maxBody, &req); err != nil {
		return err
	}
	if !ValidID(req.User) {
		return idProblem("user", "user", req.User)
	}

	return noContent(w, a.svc.Transfer(r.Context(), sub, id, req.User))
}

func (a *API) history(w http.ResponseWriter, r *http.Request, sub access.Subject) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}

	metas, err := a.svc.History(r.Context(), sub, id)
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, newVersions(metas))
	return nil
}

func (a *API) restore(w http.ResponseWriter, r *http.Request, sub access.Subject) error {
	id, expect, err := versioned(r)
	if err != nil {
		return err
	}
	var req RestoreRequest
	if err := ReadJSON(r, a.maxBody, &req); err != nil {
		return err
	}
	if req.From < 1 {
		return badRequest("from", "min", "key %q: missing or below 1; name the version to restore", "from")
	}

	s, err := a.svc.Restore(r.Context(), sub, id, expect, req.From)
	if err != nil {
		return err
	}
	writeSecret(w, http.StatusOK, s)
	return nil
}

func (a *API) audit(w http.ResponseWriter, r *http.Request, sub access.Subject) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}

	entries, err := a.svc.Audit(r.Context(), sub, id)
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, newAudit(entries))
	return nil
}

func (a *API) groupSecrets(w http.ResponseWriter, r *http.Request, sub access.Subject) error {
	group, err := pathID(r, "group")
	if err != nil {
		return err
	}
	typ := r.URL.Query().Get("type")
	if typ != "" {
		if _, err := a.lookup(typ, r); err != nil {
			return err
		}
	}

	list, err := a.svc.GroupSecrets(r.Context(), sub, group, typ)
	if err != nil {
		return err
	}
	WriteJSON(w, http.StatusOK, newSecrets(list))
	return nil
}

func (a *API) setDefault(w http.ResponseWriter, r *http.Request, sub access.Subject) error {
	group, err := pathID(r, "group")
	if err != nil {
		return err
	}
	t, err := a.lookup("", r)
	if err != nil {
		return err
	}
	var req DefaultRequest
	if err := ReadJSON(r, a.maxBody, &req); err != nil {
		return err
	}
	if !ValidID(req.ID) {
		return idProblem("id", "secret", req.ID)
	}

	return noContent(w, a.svc.SetDefault(r.Context(), sub, group, t.Name, req.ID))
}

func (a *API) match(w http.ResponseWriter, r *http.Request, sub access.Subject) error {
	q := r.URL.Query()
	if q.Get("type") == "" {
		return badRequest("type", "required", "query parameter %q: missing; name the secret type", "type")
	}
	t, err := a.lookup(q.Get("type"), r)
	if err != nil {
		return err
	}
	group := q.Get("group")
	if group != "" && !ValidID(group) {
		return idProblem("query group", "group", group)
	}

	s, err := a.svc.Match(r.Context(), sub, access.MatchQuery{
		Type: t.Name, Group: group, Hint: q.Get("hint"), Expect: true, Masked: true,
	})
	if err != nil {
		return err
	}
	writeSecret(w, http.StatusOK, s)
	return nil
}

// pathIDs returns two checked path values.
func pathIDs(r *http.Request, first, second string) (string, string, error) {
	a, err := pathID(r, first)
	if err != nil {
		return "", "", err
	}
	b, err := pathID(r, second)
	return a, b, err
}

// noContent answers 204 unless err is set.
func noContent(w http.ResponseWriter, err error) error {
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
