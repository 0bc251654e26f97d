package httpapi

import (
	"testing"

	"github.com/secretgen/secretgen/runtime/access"
)

// A shares body that says what the dialog loaded changes only what the
// dialog changed: carol, shared with while the dialog was open, keeps
// her role, and the dialog's own change (bob as editor) lands.
func TestSavingSharesFromALoadedDialogKeepsSharesAddedMeanwhile(t *testing.T) {
	e := newEnv(t)
	s := e.create("alice", `{"data":`+goodData+`}`)
	loaded := `"loaded":{"users":[{"user":"alice","role":"owner"}],"groups":[]}`

	wantStatus(t, e.do("alice", "PUT", "/api/secrets/"+s.ID+"/users/carol", `{"role":"viewer"}`), 204)
	body := `{"users":[{"user":"alice","role":"owner"},{"user":"bob","role":"editor"}],"groups":[],` + loaded + `}`
	wantStatus(t, e.do("alice", "PUT", "/api/secrets/"+s.ID+"/shares", body), 204)

	got := decode[Secret](t, e.do("alice", "GET", "/api/secrets/"+s.ID, ""))
	want := []access.UserShare{{UserID: "alice", Role: access.Owner}, {UserID: "bob", Role: access.Editor}, {UserID: "carol", Role: access.Viewer}}
	if len(got.Users) != len(want) {
		t.Fatalf("users %v, want %v", got.Users, want)
	}
	for i := range want {
		if got.Users[i] != want[i] {
			t.Errorf("users %v, want %v", got.Users, want)
			break
		}
	}

	bad := `{"users":[{"user":"alice","role":"owner"}],"loaded":{"users":[{"user":"bob smith","role":"owner"}]}}`
	res := e.do("alice", "PUT", "/api/secrets/"+s.ID+"/shares", bad)
	wantStatus(t, res, 400)
	if len(res.problem.Errors) == 0 || res.problem.Errors[0].Field != "loaded.users[0].user" {
		t.Errorf("errors %+v, want one about loaded.users[0].user", res.problem.Errors)
	}
}
