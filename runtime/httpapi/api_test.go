package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/secretgen/secretgen/runtime/access"
)

func decode[T any](t *testing.T, res response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(res.body, &v); err != nil {
		t.Fatalf("decode %s: %v", res.body, err)
	}
	return v
}

func field(t *testing.T, s Secret, key string) any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(s.Data, &m); err != nil {
		t.Fatalf("data %s: %v", s.Data, err)
	}
	return m[key]
}

func wantStatus(t *testing.T, res response, status int) {
	t.Helper()
	if res.status != status {
		t.Fatalf("status %d, want %d: %s", res.status, status, res.body)
	}
}

func TestSecretLifecycle(t *testing.T) {
	onEachDatabase(t, secretLifecycle)
}

func secretLifecycle(t *testing.T, e *env) {

	res := e.do("alice", "POST", "/api/secrets/Server", `{"data":`+goodData+`}`)
	wantStatus(t, res, 201)
	s := decode[Secret](t, res)
	if res.header.Get("ETag") != `"1"` || res.header.Get("Location") != "/api/secrets/"+s.ID {
		t.Fatalf("ETag %q Location %q", res.header.Get("ETag"), res.header.Get("Location"))
	}
	if s.Name != "prod mail" || s.Role != access.Owner || field(t, s, "password") != password {
		t.Fatalf("created %+v", s)
	}
	path := "/api/secrets/" + s.ID

	wantStatus(t, e.do("alice", "PUT", path+"/users/bob", `{"role":"viewer"}`), 204)

	t.Run("a viewer gets the secret masked", func(t *testing.T) {
		e := e.in(t)
		res := e.do("bob", "GET", path, "")
		wantStatus(t, res, 200)
		got := decode[Secret](t, res)
		if !got.Masked || field(t, got, "password") != access.Mask || res.header.Get("ETag") != `"1"` {
			t.Fatalf("viewer got %+v, ETag %q", got, res.header.Get("ETag"))
		}
	})

	t.Run("lists leave data out", func(t *testing.T) {
		e := e.in(t)
		res := e.do("bob", "GET", "/api/secrets", "")
		wantStatus(t, res, 200)
		list := decode[[]Secret](t, res)
		if len(list) != 1 || list[0].ID != s.ID || list[0].Data != nil {
			t.Fatalf("bob's list %s", res.body)
		}
	})

	t.Run("reveal gives the viewer the value", func(t *testing.T) {
		e := e.in(t)
		res := e.do("bob", "POST", path+"/reveal", "")
		wantStatus(t, res, 200)
		if got := decode[Secret](t, res); got.Masked || field(t, got, "password") != password {
			t.Fatalf("revealed %+v", got)
		}
	})

	t.Run("an update with the mask keeps the password", func(t *testing.T) {
		e := e.in(t)
		before := e.digest()
		body := `{"data":{"name":"prod mail","host":"smtp.example.com","port":2525,"password":"` + access.Mask + `"}}`
		res := e.do("alice", "PUT", path, body, `If-Match: "1"`)
		wantStatus(t, res, 200)
		if res.header.Get("ETag") != `"2"` {
			t.Fatalf("ETag %q after update", res.header.Get("ETag"))
		}
		if e.digest() == before {
			t.Fatalf("the digest missed a real change")
		}
		got := decode[Secret](t, e.do("alice", "GET", path, ""))
		if field(t, got, "password") != password || field(t, got, "port") != 2525.0 {
			t.Fatalf("after update %s", got.Data)
		}
	})

	t.Run("history and restore", func(t *testing.T) {
		e := e.in(t)
		res := e.do("alice", "GET", path+"/history", "")
		wantStatus(t, res, 200)
		if versions := decode[[]Version](t, res); len(versions) < 2 {
			t.Fatalf("history %s", res.body)
		}

		res = e.do("alice", "POST", path+"/restore", `{"from":1}`, `If-Match: "2"`)
		wantStatus(t, res, 200)
		got := decode[Secret](t, res)
		if got.Version != 3 || field(t, got, "port") != 587.0 || res.header.Get("ETag") != `"3"` {
			t.Fatalf("restored %+v", got)
		}
	})

	t.Run("the owner reads the audit", func(t *testing.T) {
		e := e.in(t)
		res := e.do("alice", "GET", path+"/audit", "")
		wantStatus(t, res, 200)
		var actions []access.Action
		for _, a := range decode[[]AuditEntry](t, res) {
			actions = append(actions, a.Action)
		}
		for _, want := range []access.Action{access.ActionCreated, access.ActionShared, access.ActionRevealed, access.ActionUpdated, access.ActionRestored} {
			if !slices.Contains(actions, want) {
				t.Errorf("audit %v lacks %q", actions, want)
			}
		}
	})

	t.Run("delete with the current version", func(t *testing.T) {
		e := e.in(t)
		wantStatus(t, e.do("alice", "DELETE", path, "", `If-Match: "3"`), 204)
		wantStatus(t, e.do("alice", "GET", path, ""), 404)
	})

	if strings.Contains(e.logs.String(), password) {
		t.Errorf("the secret value reached the log")
	}
}

func TestGroupsShareForSystemsNotForLists(t *testing.T) {
	e := newEnv(t)
	s := e.create("alice", `{"data":`+goodData+`}`)

	wantStatus(t, e.do("alice", "PUT", "/api/secrets/"+s.ID+"/groups/ops", ""), 204)

	res := e.do("bob", "GET", "/api/groups/ops/secrets?type=Server", "")
	wantStatus(t, res, 200)
	if list := decode[[]Secret](t, res); len(list) != 1 || list[0].ID != s.ID {
		t.Fatalf("group secrets %s", res.body)
	}
	if list := decode[[]Secret](t, e.do("bob", "GET", "/api/secrets", "")); len(list) != 0 {
		t.Fatalf("a group member's own list shows %d secrets, want none", len(list))
	}

	res = e.do("bob", "GET", "/api/match?type=Server&group=ops", "")
	wantStatus(t, res, 200)
	if got := decode[Secret](t, res); got.ID != s.ID {
		t.Fatalf("match found %s", res.body)
	}

	wantStatus(t, e.do("alice", "DELETE", "/api/secrets/"+s.ID+"/groups/ops", ""), 204)
	if list := decode[[]Secret](t, e.do("bob", "GET", "/api/groups/ops/secrets", "")); len(list) != 0 {
		t.Fatalf("still in the group after removal: %d", len(list))
	}
}

func TestSaveShares(t *testing.T) {
	e := newEnv(t)
	s := e.create("alice", `{"data":`+goodData+`}`)

	body := `{"users":[{"user":"alice","role":"owner"},{"user":"carol","role":"editor"}],"groups":["ops"]}`
	wantStatus(t, e.do("alice", "PUT", "/api/secrets/"+s.ID+"/shares", body), 204)

	got := decode[Secret](t, e.do("carol", "GET", "/api/secrets/"+s.ID, ""))
	if got.Role != access.Editor || field(t, got, "password") != password {
		t.Fatalf("carol sees %+v", got)
	}
}

func TestTypes(t *testing.T) {
	e := newEnv(t)

	list := decode[[]Type](t, e.do("carol", "GET", "/api/types", ""))
	if len(list) != 1 || list[0].Name != "Server" || list[0].Schema != nil {
		t.Fatalf("types %+v", list)
	}

	res := e.do("carol", "GET", "/api/types/Server", "")
	wantStatus(t, res, 200)
	typ := decode[Type](t, res)
	if typ.Title != "Test server" || len(typ.Fields) != 4 || !typ.Fields[3].Secret || typ.Fields[2].Value != "587" {
		t.Fatalf("form %+v", typ)
	}
	if string(typ.Schema) != serverSchema {
		t.Fatalf("schema %s", typ.Schema)
	}
}

// TestTypedHandlers mounts the per-type handlers the way generated code
// does, and checks that they refuse secrets of another type.
func TestTypedHandlers(t *testing.T) {
	e := newEnv(t)
	s := e.create("alice", `{"data":`+goodData+`}`)

	mux := http.NewServeMux()
	mux.Handle("GET /server/{id}", e.api.Get("Server"))
	mux.Handle("GET /other/{id}", e.api.Get("Other"))
	mux.Handle("PUT /other/{id}", e.api.Update("Other"))
	mux.Handle("POST /server", e.api.Create("Server"))
	mux.Handle("GET /server/form", e.api.Form("Server"))

	tests := []struct {
		method, path, body string
		status             int
	}{
		{"GET", "/server/" + s.ID, "", 200},
		{"GET", "/other/" + s.ID, "", 404},
		{"PUT", "/other/" + s.ID, `{"data":` + goodData + `}`, 404},
		{"POST", "/server", `{"data":` + goodData + `}`, 201},
		{"GET", "/server/form", "", 200},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
		req.Header.Set("Authorization", "Bearer alice")
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("If-Match", `"1"`)
		rec := httptest.NewRecorder()

		mux.ServeHTTP(rec, req)

		if rec.Code != tt.status {
			t.Errorf("%s %s: status %d, want %d: %s", tt.method, tt.path, rec.Code, tt.status, rec.Body)
		}
	}
}

func TestChunkedBodyOverTheLimit(t *testing.T) {
	e := newEnv(t)
	before := e.digest()

	body := io.MultiReader(strings.NewReader(`{"data":{"name":"`), strings.NewReader(strings.Repeat("y", 10000)), strings.NewReader(`"}}`))
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/secrets/Server", body)
	req.Header.Set("Authorization", "Bearer alice")
	req.Header.Set("Content-Type", "application/json")
	res, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()

	if res.StatusCode != 413 || req.ContentLength != 0 {
		t.Fatalf("status %d (content length %d), want 413 for a chunked body", res.StatusCode, req.ContentLength)
	}
	if e.digest() != before {
		t.Fatalf("stored data changed")
	}
}

// broken fails every read with an internal error.
type broken struct{ Service }

func (broken) Get(context.Context, access.Subject, string) (access.Secret, error) {
	return access.Secret{}, errors.New("disk on fire")
}

func TestInternalErrorsHideTheirCause(t *testing.T) {
	logs := &syncBuffer{}
	api := New(Config{Service: broken{}, Authenticate: authenticate, Logger: newTestLogger(logs)})
	req := httptest.NewRequest("GET", "/api/secrets/abc", nil)
	req.Header.Set("Authorization", "Bearer alice")
	rec := httptest.NewRecorder()

	api.Handler().ServeHTTP(rec, req)

	if rec.Code != 500 || strings.Contains(rec.Body.String(), "disk on fire") {
		t.Fatalf("status %d body %s; want 500 without the cause", rec.Code, rec.Body)
	}
	if !strings.Contains(logs.String(), "disk on fire") || !strings.Contains(logs.String(), "level=ERROR") {
		t.Fatalf("the cause is not logged at error level: %s", logs)
	}
}
