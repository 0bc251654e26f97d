package access_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/secretgen/secretgen/runtime/access"
	"github.com/secretgen/secretgen/runtime/keyring"
	"github.com/secretgen/secretgen/runtime/kind"
	"github.com/secretgen/secretgen/runtime/store"
)

func TestBobLeavingOpsEndsASystemsAccessAtOnce(t *testing.T) {
	backends(t, func(t *testing.T, dsn string, keys *keyring.Keyring) {
		w := newWorld(t, dsn, keys)
		w.join(t, w.alice, w.system, w.ops)
		w.join(t, w.bob, w.ops)
		shared := w.smtp(t, w.alice, "ops relay", "pw-1", w.ops)

		forBob := access.MatchQuery{Type: "SMTP", Group: w.ops, Expect: true}
		got, err := w.svc.Match(w.ctx, w.bob, forBob)
		if err != nil || got.ID != shared.ID {
			t.Fatalf("while bob is in ops: Match = %q, %v; want %q", got.ID, err, shared.ID)
		}

		if err := w.dir.RemoveMember(w.ctx, w.ops, w.bob.UserID); err != nil {
			t.Fatal(err)
		}

		if _, err := w.svc.Match(w.ctx, w.bob, forBob); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("Match in ops after bob left: err = %v, want ErrForbidden", err)
		}
		anyGroup := access.MatchQuery{Type: "SMTP", Expect: true}
		if _, err := w.svc.Match(w.ctx, w.bob, anyGroup); !errors.Is(err, kind.ErrNotFound) {
			t.Errorf("Match in any of bob's groups after he left: err = %v, want ErrNotFound", err)
		}
		if _, err := w.svc.GroupSecrets(w.ctx, w.bob, w.ops, "SMTP"); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("GroupSecrets of ops after bob left: err = %v, want ErrForbidden", err)
		}
	})
}

func TestCarolAsViewerCannotChangeShareOrSeeTheTokenWithoutAnAuditedReveal(t *testing.T) {
	w := sqliteWorld(t)
	w.join(t, w.carol, w.ops)
	const token = "jira-token-do-not-show"
	jira, err := w.svc.Create(w.ctx, w.alice, "Jira",
		[]byte(`{"Name":"tracker","EMail":"a@example.com","Token":"`+token+`"}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Share(w.ctx, w.alice, jira.ID, w.carol.UserID, access.Viewer); err != nil {
		t.Fatal(err)
	}

	refused := map[string]error{
		"add to ops": w.svc.AddGroup(w.ctx, w.carol, jira.ID, w.ops),
		"share":      w.svc.Share(w.ctx, w.carol, jira.ID, w.bob.UserID, access.Viewer),
		"delete":     w.svc.Delete(w.ctx, w.carol, jira.ID, jira.Version),
	}
	_, refused["update"] = w.svc.Update(w.ctx, w.carol, jira.ID, jira.Version,
		[]byte(`{"Name":"mine now","EMail":"c@example.com"}`))
	for what, err := range refused {
		if !errors.Is(err, access.ErrForbidden) {
			t.Errorf("carol may not %s: err = %v, want ErrForbidden", what, err)
		}
	}

	got, err := w.svc.Get(w.ctx, w.carol, jira.ID)
	if err != nil {
		t.Fatal(err)
	}
	mine, err := w.svc.Mine(w.ctx, w.carol)
	if err != nil || len(mine) != 1 {
		t.Fatalf("Mine(carol) = %d secrets, %v; want the Jira secret", len(mine), err)
	}
	for _, sec := range []access.Secret{got, mine[0]} {
		if !sec.Masked || strings.Contains(string(sec.Payload), token) || !strings.Contains(string(sec.Payload), access.Mask) {
			t.Errorf("carol sees %s (masked %v), want the token masked", sec.Payload, sec.Masked)
		}
	}
	if n := count(w.audit(t, w.alice, jira.ID), access.ActionRevealed, access.Allowed); n != 0 {
		t.Fatalf("%d reveals audited before carol revealed", n)
	}

	shown, err := w.svc.Reveal(w.ctx, w.carol, jira.ID)
	if err != nil || !strings.Contains(string(shown.Payload), token) || shown.Masked {
		t.Fatalf("Reveal = %s, %v; want the token in clear", shown.Payload, err)
	}
	rows := w.audit(t, w.alice, jira.ID)
	if n := count(rows, access.ActionRevealed, access.Allowed); n != 1 {
		t.Errorf("%d reveals audited, want 1", n)
	}
	if n := countBy(rows, w.carol.UserID, access.Refused); n != len(refused) {
		t.Errorf("%d refused attempts of carol audited, want %d", n, len(refused))
	}
	if unchanged, _ := w.svc.Get(w.ctx, w.alice, jira.ID); unchanged.Version != 1 || len(unchanged.Groups) != 0 || len(unchanged.Users) != 2 {
		t.Errorf("after carol's attempts: version %d, groups %v, users %v; want version 1, no group, alice and carol",
			unchanged.Version, unchanged.Groups, unchanged.Users)
	}
}

func countBy(rows []access.AuditEntry, actor string, o access.Outcome) int {
	n := 0
	for _, r := range rows {
		if r.Actor == actor && r.Outcome == o {
			n++
		}
	}
	return n
}

func TestStalePortChangeConflictsAndThePasswordChangeSurvives(t *testing.T) {
	backends(t, func(t *testing.T, dsn string, keys *keyring.Keyring) {
		w := newWorld(t, dsn, keys)
		w.join(t, w.alice, w.system)
		created := w.smtp(t, w.alice, "relay", "old-password")
		second := w.secondProcess(t, dsn, keys)

		one, err := w.svc.Get(w.ctx, w.alice, created.ID)
		if err != nil {
			t.Fatal(err)
		}
		two, err := second.Get(w.ctx, w.alice, created.ID)
		if err != nil || one.Version != 1 || two.Version != 1 {
			t.Fatalf("both sessions load version 1: got %d and %d, %v", one.Version, two.Version, err)
		}

		password := withField(t, one.Payload, "Password", "new-password")
		if _, err := w.svc.Update(w.ctx, w.alice, created.ID, 1, password); err != nil {
			t.Fatalf("first session changes the password: %v", err)
		}
		port := withField(t, two.Payload, "Port", 2600)
		if _, err := second.Update(w.ctx, w.alice, created.ID, 1, port); !errors.Is(err, kind.ErrConflict) {
			t.Fatalf("second session changes the port with version 1: err = %v, want ErrConflict", err)
		}

		now, err := w.svc.Reveal(w.ctx, w.alice, created.ID)
		if err != nil {
			t.Fatal(err)
		}
		if fieldOf(t, now.Payload, "Password") != "new-password" || fieldOf(t, now.Payload, "Port") != float64(2525) || now.Version != 2 {
			t.Errorf("after the conflict: version %d, %s; want version 2 with the new password and the old port", now.Version, now.Payload)
		}
	})
}

// secondProcess opens another store and service on the same database,
// with their own connections, as a second secretd would.
func (w *world) secondProcess(t *testing.T, dsn string, keys *keyring.Keyring) *access.Service {
	t.Helper()
	st, err := store.Open(w.ctx, store.Config{DSN: dsn, Keyring: keys})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc, err := access.New(w.ctx, access.Config{Store: st, Registry: registry(), Membership: w.dir})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func withField(t *testing.T, payload []byte, key string, value any) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(payload, &m); err != nil {
		t.Fatal(err)
	}
	m[key] = value
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func fieldOf(t *testing.T, payload []byte, key string) any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(payload, &m); err != nil {
		t.Fatal(err)
	}
	return m[key]
}

func TestBobAsCoOwnerOutsideOpsSavesOwnersAndTheOpsShareSurvives(t *testing.T) {
	backends(t, func(t *testing.T, dsn string, keys *keyring.Keyring) {
		w := newWorld(t, dsn, keys)
		w.join(t, w.alice, w.system, w.ops)
		relay := w.smtp(t, w.alice, "relay", "pw", w.ops)
		if err := w.svc.Share(w.ctx, w.alice, relay.ID, w.bob.UserID, access.Owner); err != nil {
			t.Fatal(err)
		}

		owners := []access.UserShare{
			{UserID: w.alice.UserID, Role: access.Owner},
			{UserID: w.bob.UserID, Role: access.Owner},
			{UserID: w.carol.UserID, Role: access.Viewer},
		}
		if err := w.svc.SaveShares(w.ctx, w.bob, relay.ID, owners, nil); err != nil {
			t.Fatalf("bob saves the owners: %v", err)
		}

		got, err := w.svc.Get(w.ctx, w.alice, relay.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := sorted(w.ops, w.system); !slices.Equal(got.Groups, want) {
			t.Errorf("groups after bob saved = %v, want ops and system %v", got.Groups, want)
		}
		if len(got.Users) != 3 {
			t.Errorf("users after bob saved = %v, want alice, bob and carol", got.Users)
		}
		inOps, err := w.svc.GroupSecrets(w.ctx, w.alice, w.ops, "SMTP")
		if err != nil || len(inOps) != 1 || inOps[0].ID != relay.ID {
			t.Errorf("GroupSecrets(ops) = %v, %v; want the relay", inOps, err)
		}
	})
}

func sorted(list ...string) []string {
	slices.Sort(list)
	return list
}

func TestBobWithoutAccessCannotAttachAlicesSecretToSystem(t *testing.T) {
	backends(t, func(t *testing.T, dsn string, keys *keyring.Keyring) {
		w := newWorld(t, dsn, keys)
		w.join(t, w.bob, w.system)
		jira, err := w.svc.Create(w.ctx, w.alice, "Jira", []byte(`{"Name":"tracker","EMail":"a@example.com","Token":"t0k"}`), nil)
		if err != nil {
			t.Fatal(err)
		}
		eventsBefore := len(w.events.all())

		err = w.svc.AddGroup(w.ctx, w.bob, jira.ID, w.system)
		if !errors.Is(err, access.ErrForbidden) {
			t.Fatalf("AddGroup by bob: err = %v, want ErrForbidden", err)
		}

		got, err := w.svc.Get(w.ctx, w.alice, jira.ID)
		if err != nil || len(got.Groups) != 0 || got.Version != jira.Version {
			t.Errorf("after the refusal: groups %v, version %d, %v; want unchanged", got.Groups, got.Version, err)
		}
		inSystem, err := w.svc.GroupSecrets(w.ctx, w.bob, w.system, "")
		if err != nil || len(inSystem) != 0 {
			t.Errorf("GroupSecrets(system) for bob = %d secrets, %v; want none", len(inSystem), err)
		}
		rows := w.audit(t, w.alice, jira.ID)
		if countBy(rows, w.bob.UserID, access.Refused) != 1 || count(rows, access.ActionGroupAdded, access.Refused) != 1 {
			t.Errorf("audit = %+v, want bob's refused group_added", rows)
		}
		if n := len(w.events.all()); n != eventsBefore {
			t.Errorf("%d events published for a refused attempt", n-eventsBefore)
		}
	})
}
