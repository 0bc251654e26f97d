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

// TestGeneratedSMTP serves the generated SMTP type: the Port
// 70000 is refused with a message beside the field, a good server is
// stored, and its password reaches a viewer masked.
func TestGeneratedSMTP(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{DSN: filepath.Join(t.TempDir(), "secrets.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, err := access.New(ctx, access.Config{Store: st, Registry: generated.Registry()})
	if err != nil {
		t.Fatal(err)
	}
	api := httpapi.New(httpapi.Config{
		Service: svc, Registry: generated.Registry(),
		Authenticate: func(r *http.Request) (access.Subject, error) {
			return access.Subject{UserID: r.Header.Get("X-User"), Groups: []string{"system"}}, nil
		},
	})
	srv := httptest.NewServer(api.Handler())
	defer srv.Close()

	send := func(user, method, path, body string) (int, []byte) {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("X-User", user)
		req.Header.Set("Content-Type", "application/json")
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b
	}
	smtp := func(port string) string {
		return `{"data":{"Name":"mail","Host":"smtp.example.com","Port":` + port +
			`,"Username":"u","Password":"pw-not-to-echo"},"groups":["system"]}`
	}

	status, body := send("alice", "POST", "/api/secrets/SMTP", smtp("70000"))
	var p httpapi.Problem
	json.Unmarshal(body, &p)
	if status != 422 || len(p.Errors) != 1 || p.Errors[0].Field != "Port" || p.Errors[0].Message == "" {
		t.Fatalf("Port 70000: status %d, %s", status, body)
	}

	status, body = send("alice", "POST", "/api/secrets/SMTP", smtp("587"))
	var s httpapi.Secret
	json.Unmarshal(body, &s)
	if status != 201 || s.Name != "mail" {
		t.Fatalf("create: status %d, %s", status, body)
	}

	if status, body := send("alice", "PUT", "/api/secrets/"+s.ID+"/users/bob", `{"role":"viewer"}`); status != 204 {
		t.Fatalf("share: status %d, %s", status, body)
	}
	status, body = send("bob", "GET", "/api/secrets/"+s.ID, "")
	if status != 200 || strings.Contains(string(body), "pw-not-to-echo") || !strings.Contains(string(body), access.Mask) {
		t.Fatalf("viewer: status %d, %s", status, body)
	}
}
