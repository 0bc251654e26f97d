package httpapi

import (
	"net/http"
	"strings"
	"testing"
)

// A secret attached to a group is for systems acting for the group's
// members; it never reaches the members themselves (DESIGN.md, "Access
// rules"). Over HTTP the member is the caller, so GET /api/match and
// GET /api/groups/{group}/secrets must not hand a member the stored
// password that the owner never shared with them, and a viewer-like
// read without an audited reveal must not exist.
func TestReviewGroupMemberCannotReadSecretFieldsThroughMatch(t *testing.T) {
	e := newEnv(t)
	const canary = "CANARY-7f3a"
	s := e.create("alice", `{"data":{"name":"relay","host":"mail.example","port":587,"password":"`+canary+`"},"groups":["ops"]}`)

	if res := e.do("bob", "GET", "/api/secrets/"+s.ID, ""); res.status != http.StatusNotFound {
		t.Fatalf("bob, not shared with, reads the secret: status %d, want 404", res.status)
	}
	before := e.auditOutcomes()

	paths := []string{
		"/api/match?type=Server&group=ops",
		"/api/match?type=Server&group=ops&hint=" + s.ID,
		"/api/groups/ops/secrets?type=Server",
	}
	for _, path := range paths {
		res := e.do("bob", "GET", path, "")
		if strings.Contains(string(res.body), canary) {
			t.Errorf("GET %s as bob (group member, no share): status %d, body holds the password: %s",
				path, res.status, res.body)
		}
	}

	if after := e.auditOutcomes(); after["allowed"] == before["allowed"] && after["refused"] == before["refused"] {
		t.Errorf("bob's group reads wrote no audit row (before %v, after %v)", before, after)
	}
}
