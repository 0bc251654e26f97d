package httpapi

import (
	"strings"
	"testing"

	"github.com/secretgen/secretgen/runtime/access"
)

// inputRuleCases are requests the access layer refuses on its own input
// rules: the mask as a value, a group listed twice, and a match that
// cannot choose among the caller's groups.
func inputRuleCases() []badCase {
	shares := func(name, body string, detail, field string) badCase {
		return badCase{name, "alice", "PUT", "/api/secrets/{id}/shares", body, nil, 422, detail, field}
	}
	alice := `"users":[{"user":"alice","role":"owner"}]`
	masked := `{"name":"mail","host":"smtp.example.com","port":587,"password":"` + access.Mask + `"}`

	return []badCase{
		{"create with the mask as password", "alice", "POST", "/api/secrets/Server", `{"data":` + masked + `}`, nil,
			422, "password: is the mask placeholder, not a value (not_mask)", "password"},
		{"create in a group listed twice", "alice", "POST", "/api/secrets/Server", `{"data":` + goodData + `,"groups":["ops","ops"]}`, nil,
			422, `group "ops": listed twice`, "groups"},
		shares("shares with a group listed twice", `{`+alice+`,"groups":["ops","ops"]}`,
			`group "ops": listed twice`, "groups"),
		shares("shares from a dialog that loaded a group twice", `{`+alice+`,"groups":["ops"],"loaded":{`+alice+`,"groups":["ops","ops"]}}`,
			`loaded shares: group "ops": listed twice`, "loaded.groups"),
		{"match among the caller's groups", "alice", "GET", "/api/match?type=Server", "", nil,
			409, "2 Server secrets in the groups of the caller and no hint or default", ""},
	}
}

// TestInputRulesAnswer422Or409AndChangeNothing sends each request to a
// real API and checks the answer, its field and that nothing stored
// changed.
func TestInputRulesAnswer422Or409AndChangeNothing(t *testing.T) {
	e := newEnv(t)
	s := e.create("alice", `{"data":`+goodData+`,"groups":["ops"]}`)
	e.create("alice", `{"data":{"name":"backup mail","host":"h","port":25},"groups":["ops"]}`)

	for _, c := range inputRuleCases() {
		t.Run(c.name, func(t *testing.T) {
			e := e.in(t)
			before := e.digest()

			res := e.do(c.user, c.method, strings.ReplaceAll(c.path, "{id}", s.ID), c.body, c.headers...)

			checkProblem(t, res, c)
			if c.status == 422 && (len(res.problem.Errors) != 1 || res.problem.Errors[0].Rule == "") {
				t.Errorf("errors %+v, want one naming its rule", res.problem.Errors)
			}
			if e.digest() != before {
				t.Errorf("stored data changed")
			}
		})
	}
}
