package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/secretgen/secretgen/generated"
	"github.com/secretgen/secretgen/runtime/access"
	"github.com/secretgen/secretgen/runtime/httpapi"
	"github.com/secretgen/secretgen/runtime/store"
)

// smtpPassword is the secret value of the tests; no answer may hold it
// unless it is the owner's own read.
const smtpPassword = "pw-not-to-echo"

// genEnv serves the generated types through their generated handlers.
type genEnv struct {
	t   *testing.T
	mux *http.ServeMux
	srv *httptest.Server
}

func newGenEnv(t *testing.T) *genEnv {
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{DSN: filepath.Join(t.TempDir(), "secrets.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc, err := access.New(ctx, access.Config{Store: st, Registry: generated.Registry()})
	if err != nil {
		t.Fatal(err)
	}

	api := httpapi.New(httpapi.Config{
		Service:  svc,
		Registry: generated.Registry(),
		Handlers: generated.Handlers(),
		MaxBody:  4 << 10,
		Authenticate: func(r *http.Request) (access.Subject, error) {
			return access.Subject{UserID: r.Header.Get("X-User"), Groups: []string{"system"}}, nil
		},
	})
	e := &genEnv{t: t, mux: api.Handler().(*http.ServeMux)}
	e.srv = httptest.NewServer(e.mux)
	t.Cleanup(e.srv.Close)
	return e
}

// response is one answer of the API.
type response struct {
	status  int
	header  http.Header
	body    []byte
	problem httpapi.Problem
	secret  httpapi.Secret
}

// send sends a request as user with a JSON body and the headers given as
// "Name: value" ("Name: " leaves the header out).
func (e *genEnv) send(user, method, path, body string, headers ...string) response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("X-User", user)
	req.Header.Set("Content-Type", "application/json")
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ": ")
		req.Header.Set(name, value)
		if value == "" {
			req.Header.Del(name)
		}
	}

	res, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	out := response{status: res.StatusCode, header: res.Header}
	out.body, _ = io.ReadAll(res.Body)
	json.Unmarshal(out.body, &out.problem)
	json.Unmarshal(out.body, &out.secret)
	return out
}

// pattern returns the route that serves method and path.
func (e *genEnv) pattern(method, path string) string {
	_, p := e.mux.Handler(httptest.NewRequest(method, path, nil))
	return p
}

func smtpBody(port string) string {
	return `{"data":{"Name":"mail","Host":"smtp.example.com","Port":` + port +
		`,"Username":"u","Password":"` + smtpPassword + `"},"groups":["system"]}`
}

const jiraBody = `{"data":{"Name":"tracker","EMail":"a@example.com","Token":"tok-not-to-echo"}}`

// TestGeneratedHandlersServeTheirTypesRoutes checks that each route of a
// type with generated handlers is served by them, and the others by the
// generic ones.
func TestGeneratedHandlersServeTheirTypesRoutes(t *testing.T) {
	e := newGenEnv(t)
	tests := []struct{ method, path, want string }{
		{"POST", "/api/secrets/SMTP", "POST /api/secrets/SMTP"},
		{"GET", "/api/types/SMTP/secrets/x1", "GET /api/types/SMTP/secrets/{id}"},
		{"PUT", "/api/types/SMTP/secrets/x1", "PUT /api/types/SMTP/secrets/{id}"},
		{"GET", "/api/types/SMTP", "GET /api/types/SMTP"},
		{"POST", "/api/secrets/Jira", "POST /api/secrets/Jira"},
		{"POST", "/api/secrets/Other", "POST /api/secrets/{type}"},
		{"GET", "/api/types/Other/secrets/x1", "GET /api/types/{type}/secrets/{id}"},
		{"GET", "/api/secrets/x1", "GET /api/secrets/{id}"},
	}
	for _, tt := range tests {
		if got := e.pattern(tt.method, tt.path); got != tt.want {
			t.Errorf("%s %s is served by %q, want %q", tt.method, tt.path, got, tt.want)
		}
	}
}

// TestGeneratedSMTPLifecycle drives the generated SMTP handlers: the
// issue's Port 70000 is refused beside its field, a good server is
// stored, updates need the current version in If-Match, a viewer gets
// the password masked, and the form comes with its schema.
func TestGeneratedSMTPLifecycle(t *testing.T) {
	e := newGenEnv(t)

	res := e.send("alice", "POST", "/api/secrets/SMTP", smtpBody("70000"))
	if res.status != 422 || len(res.problem.Errors) != 1 || res.problem.Errors[0].Field != "Port" ||
		!strings.Contains(res.problem.Errors[0].Message, "65535") {
		t.Fatalf("Port 70000: status %d, %s", res.status, res.body)
	}

	res = e.send("alice", "POST", "/api/secrets/SMTP", smtpBody("587"))
	s := res.secret
	if res.status != 201 || s.Name != "mail" || s.Type != "SMTP" || res.header.Get("ETag") != `"1"` ||
		res.header.Get("Location") != "/api/secrets/"+s.ID {
		t.Fatalf("create: status %d, headers %v, %s", res.status, res.header, res.body)
	}
	one := "/api/types/SMTP/secrets/" + s.ID

	update := `{"data":{"Name":"renamed","Host":"smtp.example.com","Port":2525}}`
	if res := e.send("alice", "PUT", one, update); res.status != 428 || !strings.Contains(res.problem.Detail, "If-Match") {
		t.Fatalf("update without If-Match: status %d, %s", res.status, res.body)
	}
	if res := e.send("alice", "PUT", one, update, `If-Match: "1"`); res.status != 200 || res.secret.Version != 2 ||
		res.header.Get("ETag") != `"2"` || res.secret.Name != "renamed" {
		t.Fatalf("update: status %d, %s", res.status, res.body)
	}
	if res := e.send("alice", "PUT", one, update, `If-Match: "1"`); res.status != 412 {
		t.Fatalf("stale If-Match: status %d, %s", res.status, res.body)
	}
	if res := e.send("alice", "PUT", one, `{"data":{"Port":0,"Name":"x","Host":"h"}}`, `If-Match: "2"`); res.status != 422 || res.problem.Errors[0].Field != "Port" {
		t.Fatalf("update to port 0: status %d, %s", res.status, res.body)
	}

	res = e.send("alice", "GET", one, "")
	var data map[string]any
	json.Unmarshal(res.secret.Data, &data)
	if res.status != 200 || data["Port"] != 2525.0 || data["Password"] != smtpPassword || res.header.Get("ETag") != `"2"` {
		t.Fatalf("get: status %d, %s; the update without Password must keep it", res.status, res.body)
	}

	if res := e.send("alice", "PUT", "/api/secrets/"+s.ID+"/users/bob", `{"role":"viewer"}`); res.status != 204 {
		t.Fatalf("share: status %d, %s", res.status, res.body)
	}
	res = e.send("bob", "GET", one, "")
	if res.status != 200 || !res.secret.Masked || strings.Contains(string(res.body), smtpPassword) ||
		!strings.Contains(string(res.body), access.Mask) {
		t.Fatalf("viewer: status %d, %s", res.status, res.body)
	}

	res = e.send("carol", "GET", "/api/types/SMTP", "")
	var form httpapi.Type
	json.Unmarshal(res.body, &form)
	if res.status != 200 || form.Name != "SMTP" || len(form.Fields) != len(generated.SMTPForm.Fields) ||
		!strings.Contains(string(form.Schema), `"Port"`) {
		t.Fatalf("form: status %d, %s", res.status, res.body)
	}
}

// TestGeneratedHandlersRefuseBadInput sends malformed requests to the
// generated SMTP routes: each gets its status and a detail that says
// what is wrong, none a 500, and the stored secrets do not change.
func TestGeneratedHandlersRefuseBadInput(t *testing.T) {
	e := newGenEnv(t)
	smtp := e.send("alice", "POST", "/api/secrets/SMTP", smtpBody("587")).secret
	jira := e.send("alice", "POST", "/api/secrets/Jira", jiraBody).secret
	if smtp.ID == "" || jira.ID == "" {
		t.Fatal("setup: create failed")
	}
	before := e.snapshot("alice", smtp.ID, jira.ID)

	smtpURL := "/api/types/SMTP/secrets/" + smtp.ID
	jiraAtSMTP := "/api/types/SMTP/secrets/" + jira.ID
	good := `{"data":{"Name":"x","Host":"h.example.com","Port":25}}`
	huge := `{"data":{"Name":"` + strings.Repeat("x", 5000) + `"}}`
	v1 := `If-Match: "1"`

	tests := []struct {
		name, user, method, path, body string
		headers                        []string
		status                         int
		detail                         string
	}{
		{"create: unknown key", "alice", "POST", "/api/secrets/SMTP", `{"data":{"Name":"x","Hots":"h"},"groups":["system"]}`, nil, 400, `key "Hots": unknown key`},
		{"create: port as string", "alice", "POST", "/api/secrets/SMTP", `{"data":{"Port":"587"},"groups":["system"]}`, nil, 400, `key "Port"`},
		{"create: port out of int64", "alice", "POST", "/api/secrets/SMTP", `{"data":{"Port":1e40},"groups":["system"]}`, nil, 400, `key "Port"`},
		{"create: data not an object", "alice", "POST", "/api/secrets/SMTP", `{"data":"smtp","groups":["system"]}`, nil, 400, "decode SMTP"},
		{"create: data missing", "alice", "POST", "/api/secrets/SMTP", `{"groups":["system"]}`, nil, 400, `key "data": missing`},
		{"create: truncated", "alice", "POST", "/api/secrets/SMTP", `{"data":{"Name":"x"`, nil, 400, "truncated JSON"},
		{"create: host missing", "alice", "POST", "/api/secrets/SMTP", `{"data":{"Name":"x"},"groups":["system"]}`, nil, 422, "Host"},
		{"create: bad group id", "alice", "POST", "/api/secrets/SMTP", `{"data":{"Name":"x","Host":"h"},"groups":["a b"]}`, nil, 400, "malformed"},
		{"create: huge body", "alice", "POST", "/api/secrets/SMTP", huge, nil, 413, "larger than"},
		{"create: form content type", "alice", "POST", "/api/secrets/SMTP", good, []string{"Content-Type: application/x-www-form-urlencoded"}, 415, "Content-Type"},
		{"create: no user", "", "POST", "/api/secrets/SMTP", good, nil, 401, "authentication"},
		{"update: no If-Match", "alice", "PUT", smtpURL, good, nil, 428, "If-Match: missing"},
		{"update: If-Match not a version", "alice", "PUT", smtpURL, good, []string{"If-Match: *"}, 400, "not a version"},
		{"update: stale If-Match", "alice", "PUT", smtpURL, good, []string{`If-Match: "7"`}, 412, "not the current one"},
		{"update: unknown key", "alice", "PUT", smtpURL, `{"data":{"Hots":"h"}}`, []string{v1}, 400, `key "Hots": unknown key`},
		{"update: wrong type", "alice", "PUT", smtpURL, `{"data":{"Name":true}}`, []string{v1}, 400, `key "Name"`},
		{"update: invalid port", "alice", "PUT", smtpURL, `{"data":{"Name":"x","Host":"h","Port":70000}}`, []string{v1}, 422, "Port"},
		{"update: extra body key", "alice", "PUT", smtpURL, `{"data":{},"groups":[]}`, []string{v1}, 400, `key "groups": unknown key`},
		{"update: malformed id", "alice", "PUT", "/api/types/SMTP/secrets/a%20b", good, []string{v1}, 400, "malformed"},
		{"update: unknown id", "alice", "PUT", "/api/types/SMTP/secrets/nope", good, []string{v1}, 404, "not found"},
		{"update: a Jira secret at SMTP's route", "alice", "PUT", jiraAtSMTP, good, []string{v1}, 404, "not found"},
		{"update: another user's secret", "mallory", "PUT", smtpURL, good, []string{v1}, 404, "not found"},
		{"get: a Jira secret at SMTP's route", "alice", "GET", jiraAtSMTP, "", nil, 404, "not found"},
		{"get: another user's secret", "mallory", "GET", smtpURL, "", nil, 404, "not found"},
		{"get: malformed id", "alice", "GET", "/api/types/SMTP/secrets/" + strings.Repeat("x", 200), "", nil, 400, "malformed"},
		{"form: unknown query parameter", "alice", "GET", "/api/types/SMTP?x=1", "", nil, 400, `query parameter "x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.send(tt.user, tt.method, tt.path, tt.body, tt.headers...)

			if res.status != tt.status || !strings.Contains(res.problem.Detail, tt.detail) {
				t.Errorf("status %d, want %d with %q: %s", res.status, tt.status, tt.detail, res.body)
			}
			if ct := res.header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type %q", ct)
			}
			if strings.Contains(string(res.body), smtpPassword) {
				t.Errorf("the answer holds the password: %s", res.body)
			}
		})
	}

	if after := e.snapshot("alice", smtp.ID, jira.ID); after != before {
		t.Errorf("bad input changed the secrets:\nbefore %s\nafter  %s", before, after)
	}
}

// snapshot returns what user reads of the secrets and of their list.
func (e *genEnv) snapshot(user string, ids ...string) string {
	e.t.Helper()
	var b strings.Builder
	b.Write(e.send(user, "GET", "/api/secrets", "").body)
	for _, id := range ids {
		b.Write(e.send(user, "GET", "/api/secrets/"+id, "").body)
	}
	return b.String()
}
