package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/secretgen/secretgen/runtime/access"
	"github.com/secretgen/secretgen/runtime/kind"
)

// A secret whose type the server no longer registers stays in alice's
// list, flagged and without data, and the others are listed as before;
// reading it alone answers 409 with the reason.
func TestASecretOfAGoneTypeIsFlaggedInListsAndTheOthersStay(t *testing.T) {
	e := newEnv(t)
	e.create("alice", `{"data":{"name":"relay","host":"mail.example","port":587,"password":"`+password+`"}}`)

	gone := serverType()
	gone.Name, gone.Form.Type = "Gone", "Gone"
	older, err := access.New(context.Background(), access.Config{
		Store: e.store, Registry: kind.Registry{Types: []kind.Type{serverType(), gone}},
	})
	if err != nil {
		t.Fatal(err)
	}
	old, err := older.Create(context.Background(), users["alice"], "Gone",
		[]byte(`{"name":"legacy","host":"old.example","port":587,"password":"`+password+`"}`), nil)
	if err != nil {
		t.Fatal(err)
	}

	res := e.do("alice", "GET", "/api/secrets", "")
	var list []Secret
	if err := json.Unmarshal(res.body, &list); res.status != http.StatusOK || err != nil {
		t.Fatalf("list: status %d, %v: %s", res.status, err, res.body)
	}
	unreadable := map[string]string{}
	for _, s := range list {
		unreadable[s.Name+" "+s.ID] = s.Unreadable
	}
	if len(list) != 2 || !strings.Contains(unreadable[" "+old.ID], "not registered") {
		t.Errorf("list %s; want relay and the Gone secret, nameless, flagged as not registered", res.body)
	}
	for key, why := range unreadable {
		if strings.HasPrefix(key, "relay ") && why != "" {
			t.Errorf("relay is flagged unreadable: %q", why)
		}
	}

	res = e.do("alice", "GET", "/api/secrets/"+old.ID, "")
	if res.status != http.StatusConflict || !strings.Contains(res.problem.Detail, "not registered") {
		t.Errorf("get: status %d detail %q; want 409 saying the type is not registered", res.status, res.problem.Detail)
	}
	if strings.Contains(string(res.body), password) {
		t.Errorf("the stored value came back: %s", res.body)
	}
}
