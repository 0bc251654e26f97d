package httpapi

import (
	"strings"
	"testing"
)

// FuzzBodies sends arbitrary bodies as bob to every route that reads one
// and checks that none answers 500 or puts a secret value in an error. The
// seeds are the bad bodies of TestBadInputChangesNothing; plain `go test`
// runs them, `go test -fuzz FuzzBodies` explores further.
func FuzzBodies(f *testing.F) {
	for _, c := range badCases() {
		f.Add(c.body)
	}
	e := newEnv(f)
	s := e.create("alice", `{"data":`+goodData+`}`)

	routes := []struct{ method, path string }{
		{"POST", "/api/secrets/Server"},
		{"PUT", "/api/secrets/" + s.ID},
		{"PUT", "/api/secrets/" + s.ID + "/shares"},
		{"PUT", "/api/secrets/" + s.ID + "/users/bob"},
		{"POST", "/api/secrets/" + s.ID + "/restore"},
		{"POST", "/api/secrets/" + s.ID + "/transfer"},
		{"PUT", "/api/groups/ops/defaults/Server"},
	}

	f.Fuzz(func(t *testing.T, body string) {
		for _, rt := range routes {
			res := e.in(t).do("bob", rt.method, rt.path, body, `If-Match: "1"`)
			if res.status >= 500 {
				t.Fatalf("%s %s: status %d: %s", rt.method, rt.path, res.status, res.body)
			}
			if res.status >= 400 && strings.Contains(string(res.body), password) {
				t.Fatalf("%s %s: the secret value came back in an error", rt.method, rt.path)
			}
		}
	})
}
