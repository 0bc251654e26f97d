package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/secretgen/secretgen/runtime/access"
)

// password is the one secret value of the test; it must never come back
// in an error, a header or a log line.
const password = "hunter2-do-not-echo"

const goodData = `{"name":"prod mail","host":"smtp.example.com","port":587,"password":"` + password + `"}`

// badCase is one malformed request and what the API must answer.
type badCase struct {
	name    string
	user    string // bearer token; "" sends none
	method  string
	path    string // {id} stands for alice's secret
	body    string
	headers []string // "Name: value"; "Name: " removes the header
	status  int
	detail  string // a piece of the problem's detail
	field   string // the first errors[].field, when the problem names one
}

func badCases() []badCase {
	huge := `{"data":{"name":"` + strings.Repeat("x", 5000) + `"}}`
	create := func(name, body string, status int, detail, field string, headers ...string) badCase {
		return badCase{name, "alice", "POST", "/api/secrets/Server", body, headers, status, detail, field}
	}
	update := func(name, body string, status int, detail, field string, headers ...string) badCase {
		return badCase{name, "alice", "PUT", "/api/secrets/{id}", body, append([]string{`If-Match: "1"`}, headers...), status, detail, field}
	}

	return []badCase{
		// Malformed bodies.
		create("truncated object", `{"data":{"name":"x"`, 400, "truncated JSON", ""),
		create("truncated after key", `{"data":`, 400, "truncated JSON", ""),
		create("truncated string", `{"data":{"name":"x`, 400, "truncated JSON", ""),
		create("unquoted key", `{"data":{name:"x"}}`, 400, "malformed JSON at line 1, column 10", ""),
		create("single quotes", `{'data':1}`, 400, "malformed JSON at line 1", ""),
		create("trailing comma", `{"data":{"name":"x",}}`, 400, "malformed JSON", ""),
		create("malformed on line 2", "{\n  \"data\": {\"name\" \"x\"}}", 400, "line 2, column", ""),
		create("empty body", " ", 400, "body: empty", ""),
		create("array body", `[{"data":{}}]`, 400, "want a JSON object, got an array", ""),
		create("string body", `"data"`, 400, "got a string", ""),
		create("null body", `null`, 400, "got null", ""),
		create("number body", `42`, 400, "got a number", ""),
		create("latin1 bytes in a string", "{\"data\":{\"name\":\"caf\xe9\",\"host\":\"h\"}}", 400, "body: not UTF-8 at line 1, column 21", ""),
		create("not JSON at all", `name=x&host=y`, 400, "got something that is not JSON", ""),
		create("second document", `{"data":`+goodData+`} {"data":{}}`, 400, "unexpected data after the JSON object", ""),
		create("trailing garbage", `{"data":`+goodData+`}x`, 400, "unexpected data after the JSON object", ""),

		// Unknown keys and wrong types.
		create("unknown top-level key", `{"data":`+goodData+`,"owner":"bob"}`, 400, `key "owner": unknown key`, "owner"),
		create("unknown key in data", `{"data":{"name":"a","host":"h","colour":"red"}}`, 400, `"colour"`, "colour"),
		create("port as string", `{"data":{"name":"a","host":"h","port":"587"}}`, 400, `"port"`, "port"),
		create("port as float", `{"data":{"name":"a","host":"h","port":1.5}}`, 400, `"port"`, "port"),
		create("name as number", `{"data":{"name":7,"host":"h"}}`, 400, `"name"`, "name"),
		create("password as object", `{"data":{"name":"a","host":"h","password":{}}}`, 400, `"password"`, "password"),
		create("data given twice", `{"data":{"name":"a","host":"h"},"data":`+goodData+`}`, 400, `key "data": given twice`, "data"),
		create("field given twice", `{"data":{"name":"a","host":"h","port":1,"port":2}}`, 400, `key "data.port": given twice`, "data.port"),
		create("data as array", `{"data":[1,2]}`, 400, "want a JSON object", ""),
		create("data as string", `{"data":"name=a"}`, 400, "want a JSON object", ""),
		create("data null", `{"data":null}`, 400, `key "data": missing`, "data"),
		create("data missing", `{"groups":["ops"]}`, 400, `key "data": missing`, "data"),
		create("groups as string", `{"data":`+goodData+`,"groups":"ops"}`, 400, `key "groups": want an array, got a JSON string`, "groups"),
		create("group as number", `{"data":`+goodData+`,"groups":[1]}`, 400, `key "groups": want a string, got a JSON number`, "groups"),
		create("group id with slash", `{"data":`+goodData+`,"groups":["ops/../x"]}`, 400, `groups[0]: group id "ops/../x" is malformed`, "groups[0]"),
		create("empty group id", `{"data":`+goodData+`,"groups":["ops",""]}`, 400, `groups[1]: group id "" is malformed`, "groups[1]"),

		// Validation.
		create("port too high", `{"data":{"name":"a","host":"h","port":70000}}`, 422, "must be at most 65535", "port"),
		create("port zero", `{"data":{"name":"a","host":"h","port":0}}`, 422, "must be at least 1", "port"),
		create("required fields missing", `{"data":{"port":25}}`, 422, "name: is required", "name"),

		// Size and content type.
		create("body over the limit", huge, 413, "larger than the limit of 4096 bytes", ""),
		create("text/plain", `{"data":{}}`, 415, `"text/plain" is not accepted`, "", "Content-Type: text/plain"),
		create("form encoding", `data=1`, 415, "application/x-www-form-urlencoded", "", "Content-Type: application/x-www-form-urlencoded"),
		create("no content type", `{"data":{}}`, 415, "Content-Type: missing", "", "Content-Type: "),
		create("latin1 charset", `{"data":{}}`, 415, `charset "latin1"`, "", "Content-Type: application/json; charset=latin1"),

		// Authentication.
		{"no credentials", "", "POST", "/api/secrets/Server", `{"data":` + goodData + `}`, nil, 401, "no bearer token", ""},
		{"expired session", "expired", "POST", "/api/secrets/Server", `{"data":` + goodData + `}`, nil, 401, "session expired", ""},
		{"unknown token", "mallory", "GET", "/api/secrets", "", nil, 401, "unknown token", ""},
		{"expired session on read", "expired", "GET", "/api/secrets/{id}", "", nil, 401, "session expired", ""},

		// Unknown types, bad ids, other users' secrets.
		create("unknown type", `{"data":{}}`, 404, `secret type "Nope": not found; known types: Server`, "").at("/api/secrets/Nope"),
		{"id with bang", "alice", "GET", "/api/secrets/bad!id", "", nil, 400, `path {id}: secret id "bad!id" is malformed`, "path {id}"},
		{"id too long", "alice", "GET", "/api/secrets/" + strings.Repeat("a", 200), "", nil, 400, "is malformed; want 1 to 128", "path {id}"},
		{"id with percent-encoded slash", "alice", "GET", "/api/secrets/a%2Fb", "", nil, 400, `path {id}: secret id "a/b" is malformed`, "path {id}"},
		{"id that does not exist", "alice", "GET", "/api/secrets/no-such-secret", "", nil, 404, "not found", ""},
		{"another user's secret", "carol", "GET", "/api/secrets/{id}", "", nil, 404, "not found", ""},
		{"reveal another user's secret", "carol", "POST", "/api/secrets/{id}/reveal", "", nil, 404, "not found", ""},
		{"history of another user's secret", "carol", "GET", "/api/secrets/{id}/history", "", nil, 404, "not found", ""},
		{"audit as viewer", "bob", "GET", "/api/secrets/{id}/audit", "", nil, 403, "only owners", ""},
		{"audit of another user's secret", "carol", "GET", "/api/secrets/{id}/audit", "", nil, 404, "not found", ""},

		// Updates: versions, rights and bodies.
		update("missing If-Match", `{"data":`+goodData+`}`, 428, "If-Match: missing", "", "If-Match: "),
		update("If-Match not a number", `{"data":`+goodData+`}`, 400, `If-Match: "\"abc\"" is not a version`, "If-Match", `If-Match: "abc"`),
		update("If-Match zero", `{"data":`+goodData+`}`, 400, "is not a version", "If-Match", `If-Match: "0"`),
		update("If-Match star", `{"data":`+goodData+`}`, 400, `"*" is not a version`, "If-Match", "If-Match: *"),
		update("stale version", `{"data":`+goodData+`}`, 412, "not the current one", "", `If-Match: "7"`),
		update("truncated update", `{"data":{"name":"x"`, 400, "truncated JSON", ""),
		update("unknown key in update", `{"data":{"name":"a","host":"h","tls":true}}`, 400, `"tls"`, "tls"),
		update("unknown top-level key in update", `{"data":`+goodData+`,"version":2}`, 400, `key "version": unknown key`, "version"),
		update("invalid port in update", `{"data":{"name":"a","host":"h","port":70000}}`, 422, "must be at most 65535", "port"),
		update("update over the limit", huge, 413, "larger than the limit", ""),
		update("update as text", `{"data":{}}`, 415, "not accepted", "", "Content-Type: text/plain"),
		update("update by a viewer", `{"data":`+goodData+`}`, 403, "forbidden", "").as("bob"),
		update("update of another user's secret", `{"data":`+goodData+`}`, 404, "not found", "").as("carol"),
		update("update of a missing secret", `{"data":`+goodData+`}`, 404, "not found", "").at("/api/secrets/no-such-secret"),

		// Deletes.
		{"delete without If-Match", "alice", "DELETE", "/api/secrets/{id}", "", nil, 428, "If-Match: missing", ""},
		{"delete stale", "alice", "DELETE", "/api/secrets/{id}", "", []string{`If-Match: "9"`}, 412, "not the current one", ""},
		{"delete by a viewer", "bob", "DELETE", "/api/secrets/{id}", "", []string{`If-Match: "1"`}, 403, "forbidden", ""},
		{"delete another user's secret", "carol", "DELETE", "/api/secrets/{id}", "", []string{`If-Match: "1"`}, 404, "not found", ""},

		// Restore.
		{"restore without If-Match", "alice", "POST", "/api/secrets/{id}/restore", `{"from":1}`, nil, 428, "If-Match: missing", ""},
		{"restore from zero", "alice", "POST", "/api/secrets/{id}/restore", `{"from":0}`, []string{`If-Match: "1"`}, 400, `key "from": missing or below 1`, "from"},
		{"restore from a string", "alice", "POST", "/api/secrets/{id}/restore", `{"from":"1"}`, []string{`If-Match: "1"`}, 400, `key "from": want an integer`, "from"},
		{"restore stale", "alice", "POST", "/api/secrets/{id}/restore", `{"from":1}`, []string{`If-Match: "4"`}, 412, "not the current one", ""},

		// Shares.
		{"share with unknown role", "alice", "PUT", "/api/secrets/{id}/shares", `{"users":[{"user":"bob","role":"god"}]}`, nil, 422, `role "god" is unknown`, "users[0].role"},
		{"share users as object", "alice", "PUT", "/api/secrets/{id}/shares", `{"users":{"bob":"viewer"}}`, nil, 400, `key "users": want an array`, "users"},
		{"share with bad user id", "alice", "PUT", "/api/secrets/{id}/shares", `{"users":[{"user":"bob smith","role":"viewer"}]}`, nil, 400, `users[0].user: user id "bob smith"`, "users[0].user"},
		{"share role given twice", "alice", "PUT", "/api/secrets/{id}/shares", `{"users":[{"user":"bob","role":"viewer"},{"user":"carol","role":"viewer","role":"owner"}]}`, nil, 400, `key "users.role": given twice`, "users.role"},
		{"share with unknown share key", "alice", "PUT", "/api/secrets/{id}/shares", `{"users":[{"user":"bob","role":"viewer","until":"never"}]}`, nil, 400, `key "until": unknown key`, "until"},
		{"shares of another user's secret", "carol", "PUT", "/api/secrets/{id}/shares", `{"users":[{"user":"carol","role":"owner"}]}`, nil, 404, "not found", ""},
		{"share one user without role", "alice", "PUT", "/api/secrets/{id}/users/bob", `{}`, nil, 422, `role "" is unknown`, "role"},
		{"share with a user who does not exist", "alice", "PUT", "/api/secrets/{id}/users/nobody", `{"role":"viewer"}`, nil, 422, `user "nobody": names no user`, "user"},
		{"shares with a user listed twice", "alice", "PUT", "/api/secrets/{id}/shares", `{"users":[{"user":"alice","role":"owner"},{"user":"bob","role":"viewer"},{"user":"bob","role":"editor"}]}`, nil, 422, `user "bob": listed twice`, "user"},
		{"shares with a user who does not exist", "alice", "PUT", "/api/secrets/{id}/shares", `{"users":[{"user":"alice","role":"owner"},{"user":"nobody","role":"owner"}]}`, nil, 422, `user "nobody": names no user`, "user"},
		{"transfer to a user who does not exist", "alice", "POST", "/api/secrets/{id}/transfer", `{"user":"nobody"}`, nil, 422, `user "nobody": names no user`, "user"},
		{"share by a viewer", "bob", "PUT", "/api/secrets/{id}/users/carol", `{"role":"owner"}`, nil, 403, "forbidden", ""},
		{"create in a group I am not in", "carol", "POST", "/api/secrets/Server", `{"data":` + goodData + `,"groups":["ops"]}`, nil, 403, `not a member of group "ops"`, ""},
		{"add a group I am not in", "alice", "PUT", "/api/secrets/{id}/groups/finance", "", nil, 403, `not a member of group "finance"`, ""},
		{"add group to another user's secret", "carol", "PUT", "/api/secrets/{id}/groups/ops", "", nil, 404, "not found", ""},
		{"transfer to a bad id", "alice", "POST", "/api/secrets/{id}/transfer", `{"user":""}`, nil, 400, `user: user id "" is malformed`, "user"},

		// Routing and query strings.
		{"unknown route", "alice", "GET", "/api/nothing", "", nil, 404, `no route for GET "/api/nothing"`, ""},
		{"wrong method", "alice", "PATCH", "/api/secrets/{id}", `{"data":{}}`, nil, 405, "use GET, POST, PUT, DELETE", ""},
		{"unknown query parameter", "alice", "GET", "/api/secrets?owner=bob", "", nil, 400, `query parameter "owner": unknown; this route takes none`, "owner"},
		{"repeated query parameter", "alice", "GET", "/api/groups/ops/secrets?type=Server&type=Server", "", nil, 400, `"type": given 2 times`, "type"},
		{"group secrets of an unknown type", "alice", "GET", "/api/groups/ops/secrets?type=Nope", "", nil, 404, `secret type "Nope"`, ""},
		{"match without type", "alice", "GET", "/api/match?group=ops", "", nil, 400, `query parameter "type": missing`, "type"},
	}
}

func (c badCase) as(user string) badCase {
	c.user = user
	return c
}

func (c badCase) at(path string) badCase {
	c.path = path
	return c
}

// TestBadInputChangesNothing sends malformed and refused requests to the
// API on a real access service and SQLite store, and checks each answer's
// status and message, that the stored data is unchanged, that the audit
// gained refusals only, and that the secret value never comes back.
func TestBadInputChangesNothing(t *testing.T) {
	onEachDatabase(t, badInputChangesNothing)
}

func badInputChangesNothing(t *testing.T, e *env) {
	s := e.create("alice", `{"data":`+goodData+`,"groups":["ops"]}`)
	if err := e.svc.Share(context.Background(), users["alice"], s.ID, "bob", access.Viewer); err != nil {
		t.Fatalf("share with bob: %v", err)
	}

	cases := badCases()
	if len(cases) < 50 {
		t.Fatalf("only %d bad requests; the issue asks for at least 50", len(cases))
	}

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := e.in(t)
			before, allowed := e.digest(), e.auditOutcomes()[string(access.Allowed)]
			path := strings.ReplaceAll(c.path, "{id}", s.ID)

			res := e.do(c.user, c.method, path, c.body, c.headers...)

			checkProblem(t, res, c)
			if after := e.digest(); after != before {
				t.Errorf("stored data changed")
			}
			if got := e.auditOutcomes()[string(access.Allowed)]; got != allowed {
				t.Errorf("audit gained %d allowed rows, want none", got-allowed)
			}
		})
	}

	if strings.Contains(e.logs.String(), password) {
		t.Errorf("the secret value reached the log")
	}
}

func checkProblem(t *testing.T, res response, c badCase) {
	t.Helper()

	if res.status != c.status {
		t.Fatalf("status %d, want %d; body %s", res.status, c.status, res.body)
	}
	if ct := res.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q, want application/problem+json", ct)
	}
	p := res.problem
	if p.Status != c.status || p.Title != http.StatusText(c.status) {
		t.Errorf("problem status %d title %q, want %d %q", p.Status, p.Title, c.status, http.StatusText(c.status))
	}
	if !strings.Contains(p.Detail, c.detail) {
		t.Errorf("detail %q does not say %q", p.Detail, c.detail)
	}
	if c.field != "" && (len(p.Errors) == 0 || p.Errors[0].Field != c.field) {
		t.Errorf("errors %+v, want the first about field %q", p.Errors, c.field)
	}
	if strings.Contains(string(res.body), password) || strings.Contains(strconv.Quote(string(res.body)), password) {
		t.Errorf("the secret value came back in the error")
	}
}
