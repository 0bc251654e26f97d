package access_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/secretgen/secretgen/runtime/access"
	"github.com/secretgen/secretgen/runtime/keyring"
	"github.com/secretgen/secretgen/runtime/kind"
	"github.com/secretgen/secretgen/secret"
)

const canary = "CANARY-7f3a"

func TestAliceStoringPortAbcGetsAFieldErrorAndTheCanaryLeaksNowhere(t *testing.T) {
	w := sqliteWorld(t)
	w.join(t, w.alice, w.system)
	w.join(t, w.carol, w.system)
	var errs []error

	_, err := w.svc.Create(w.ctx, w.alice, "SMTP",
		[]byte(`{"Name":"relay","Host":"127.0.0.1","Port":"abc","Password":"`+canary+`"}`), nil)
	var decode *kind.DecodeError
	if !errors.As(err, &decode) || decode.Key != "Port" || !strings.Contains(err.Error(), "Port") {
		t.Errorf("Port \"abc\": err = %v, want a decode error naming Port", err)
	}
	errs = append(errs, err)

	_, err = w.svc.Create(w.ctx, w.alice, "SMTP",
		[]byte(`{"Name":"relay","Host":"127.0.0.1","Port":70000,"Password":"`+canary+`"}`), nil)
	var invalid *kind.ValidationError
	if !errors.As(err, &invalid) || len(invalid.Fields) != 1 || invalid.Fields[0].Field != "Port" || invalid.Fields[0].Rule == "" ||
		!strings.Contains(err.Error(), invalid.Fields[0].Rule) {
		t.Errorf("Port 70000: err = %v, want a validation error naming Port and its rule", err)
	}
	errs = append(errs, err)
	if n := len(w.events.all()); n != 0 {
		t.Errorf("%d events after two refused creates, want none", n)
	}

	relay := w.smtp(t, w.alice, "relay", canary)
	_, err = w.svc.Update(w.ctx, w.alice, relay.ID, relay.Version, []byte(`{"Name":"relay","Host":"127.0.0.1","Port":"abc","Password":"`+canary+`"}`))
	errs = append(errs, err)
	if err := w.svc.Share(w.ctx, w.alice, relay.ID, w.carol.UserID, access.Viewer); err != nil {
		t.Fatal(err)
	}
	_, err = w.svc.Update(w.ctx, w.carol, relay.ID, relay.Version, []byte(`{"Password":"`+canary+`"}`))
	errs = append(errs, err)
	if _, err := w.svc.Reveal(w.ctx, w.carol, relay.ID); err != nil {
		t.Fatal(err)
	}

	for _, err := range errs {
		if err == nil || strings.Contains(err.Error(), canary) {
			t.Errorf("error %v: want an error without the canary", err)
		}
	}
	events, _ := json.Marshal(w.events.all())
	places := map[string]string{"log": w.logs.String(), "events": string(events), "audit": w.allRows(t, "acl_audit"),
		"shares": w.allRows(t, "acl_shares")}
	for where, text := range places {
		if strings.Contains(text, canary) {
			t.Errorf("the canary is in the %s: %s", where, text)
		}
	}
	if !strings.Contains(places["audit"], string(access.Refused)) || !strings.Contains(w.logs.String(), "access refused") {
		t.Errorf("the refused update is missing from the audit or the log; audit: %s", places["audit"])
	}
}

// allRows returns every row of a table as JSON.
func (w *world) allRows(t *testing.T, table string) string {
	t.Helper()
	var rows []map[string]any
	if err := w.store.DB().NewSelect().Table(table).Scan(w.ctx, &rows); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(rows)
	return string(out)
}

func TestTwoSMTPSecretsInSystemWithoutHintOrDefaultMatchNamesBoth(t *testing.T) {
	w := sqliteWorld(t)
	w.join(t, w.alice, w.system)
	first := w.smtp(t, w.alice, "first relay", "pw")
	second := w.smtp(t, w.alice, "second relay", "pw")

	got, err := w.svc.Match(w.ctx, w.alice, access.MatchQuery{Type: "SMTP", Group: w.system, Expect: true})

	var ambiguous *access.AmbiguousError
	if !errors.As(err, &ambiguous) {
		t.Fatalf("Match = %q, %v; want an AmbiguousError", got.ID, err)
	}
	want := []access.Candidate{{ID: first.ID, Name: "first relay"}, {ID: second.ID, Name: "second relay"}}
	if fmt.Sprint(ambiguous.Candidates) != fmt.Sprint(want) {
		t.Errorf("candidates = %v, want %v", ambiguous.Candidates, want)
	}
	for _, c := range want {
		if !strings.Contains(err.Error(), c.Name) || !strings.Contains(err.Error(), c.ID) {
			t.Errorf("error %q does not name %q (%s)", err, c.Name, c.ID)
		}
	}
}

func TestMatchDecidesByHintThenDefaultThenTheOnlyCandidate(t *testing.T) {
	w := sqliteWorld(t)
	w.join(t, w.alice, w.system, w.ops)
	a := w.smtp(t, w.alice, "a relay", "pw")
	b := w.smtp(t, w.alice, "b relay", "pw")
	c := w.smtp(t, w.alice, "c relay", "pw", w.ops)
	if err := w.svc.RemoveGroup(w.ctx, w.alice, c.ID, w.system); !errors.Is(err, access.ErrForbidden) {
		t.Fatalf("removing the group SMTP requires: err = %v, want ErrForbidden", err)
	}
	if err := w.svc.SetDefault(w.ctx, w.alice, w.system, "SMTP", a.ID); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		query access.MatchQuery
		want  string // secret id; "" for none
		err   error
	}{
		{"a hint by id wins over the default", access.MatchQuery{Group: w.system, Hint: b.ID}, b.ID, nil},
		{"a hint by name wins over the default", access.MatchQuery{Group: w.system, Hint: "b relay"}, b.ID, nil},
		{"the default wins over several candidates", access.MatchQuery{Group: w.system}, a.ID, nil},
		{"the only candidate of ops", access.MatchQuery{Group: w.ops}, c.ID, nil},
		{"a hint naming no candidate", access.MatchQuery{Group: w.ops, Hint: "a relay", Expect: true}, "", kind.ErrNotFound},
		{"no candidate with expect", access.MatchQuery{Type: "Jira", Group: w.system, Expect: true}, "", kind.ErrNotFound},
		{"no candidate without expect", access.MatchQuery{Type: "Jira", Group: w.system}, "", nil},
		{"a group alice is not in", access.MatchQuery{Group: "not-a-group"}, "", access.ErrForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.query
			if q.Type == "" {
				q.Type = "SMTP"
			}
			got, err := w.svc.Match(w.ctx, w.alice, q)
			if got.ID != tt.want || !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
				t.Errorf("Match = %q, %v; want %q, %v", got.ID, err, tt.want, tt.err)
			}
			if errors.Is(err, kind.ErrNotFound) && (!strings.Contains(err.Error(), q.Type) || !strings.Contains(err.Error(), q.Group)) {
				t.Errorf("error %q does not name type %s and group %q", err, q.Type, q.Group)
			}
		})
	}
}

func TestOwnersRemovingEachOtherAtOnceLeaveOneOwner(t *testing.T) {
	backends(t, func(t *testing.T, dsn string, keys *keyring.Keyring) {
		w := newWorld(t, dsn, keys)
		other := w.secondProcess(t, dsn, keys)
		for round := range 5 {
			jira, err := w.svc.Create(w.ctx, w.alice, "Jira", []byte(`{"Name":"tracker","EMail":"a@example.com","Token":"t"}`), nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.svc.Share(w.ctx, w.alice, jira.ID, w.bob.UserID, access.Owner); err != nil {
				t.Fatal(err)
			}

			var wg sync.WaitGroup
			errs := make([]error, 2)
			wg.Go(func() { errs[0] = w.svc.Unshare(w.ctx, w.alice, jira.ID, w.bob.UserID) })
			wg.Go(func() { errs[1] = other.Unshare(w.ctx, w.bob, jira.ID, w.alice.UserID) })
			wg.Wait()

			if (errs[0] == nil) == (errs[1] == nil) {
				t.Fatalf("round %d: errors %v and %v; want exactly one refusal", round, errs[0], errs[1])
			}
			owners := 0
			for _, sub := range []access.Subject{w.alice, w.bob} {
				if got, err := w.svc.Get(w.ctx, sub, jira.ID); err == nil && got.Role == access.Owner {
					owners++
				}
			}
			if owners != 1 {
				t.Fatalf("round %d: %d owners left, want 1", round, owners)
			}
		}
	})
}

func TestEventsFollowEachCommitAndCarryNoValue(t *testing.T) {
	w := sqliteWorld(t)
	w.join(t, w.alice, w.system)
	relay := w.smtp(t, w.alice, "relay", canary)
	updated, err := w.svc.Update(w.ctx, w.alice, relay.ID, relay.Version, []byte(`{"Name":"relay","Host":"127.0.0.1","Port":2526,"Password":"`+access.Mask+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Share(w.ctx, w.alice, relay.ID, w.bob.UserID, access.Viewer); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Reveal(w.ctx, w.bob, relay.ID); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Delete(w.ctx, w.alice, relay.ID, updated.Version); err != nil {
		t.Fatal(err)
	}

	var got []string
	for _, e := range w.events.all() {
		got = append(got, fmt.Sprintf("%s %s v%d", e.Action, e.Type, e.Version))
		if e.SecretID != relay.ID {
			t.Errorf("event %+v is about another secret", e)
		}
	}
	want := []string{"created SMTP v1", "updated SMTP v2", "shared SMTP v2", "revealed SMTP v2", "deleted SMTP v2"}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("events = %v, want %v", got, want)
	}
}

func TestUpdateKeepsAMaskedOrMissingPassword(t *testing.T) {
	w := sqliteWorld(t)
	w.join(t, w.alice, w.system)
	relay := w.smtp(t, w.alice, "relay", "stored-password")

	for i, payload := range []string{
		`{"Name":"relay","Host":"127.0.0.1","Port":2600,"Password":"` + access.Mask + `"}`,
		`{"Name":"relay","Host":"127.0.0.1","Port":2601}`,
	} {
		got, err := w.svc.Update(w.ctx, w.alice, relay.ID, int64(i+1), []byte(payload))
		if err != nil {
			t.Fatal(err)
		}
		if p := fieldOf(t, got.Payload, "Password"); p != "stored-password" {
			t.Errorf("update %d: password = %v, want the stored one", i+1, p)
		}
	}
}

func TestGroupSecretsStayOutOfMembersOwnListsAndDeletedOnesLeaveLookups(t *testing.T) {
	w := sqliteWorld(t)
	w.join(t, w.alice, w.system)
	w.join(t, w.bob, w.system)
	kept := w.smtp(t, w.alice, "kept", "pw")
	gone := w.smtp(t, w.alice, "gone", "pw")

	if mine, err := w.svc.Mine(w.ctx, w.bob); err != nil || len(mine) != 0 {
		t.Errorf("Mine(bob) = %d secrets, %v; want none: group shares are for systems", len(mine), err)
	}
	if err := w.svc.Delete(w.ctx, w.alice, gone.ID, gone.Version); err != nil {
		t.Fatal(err)
	}

	inSystem, err := w.svc.GroupSecrets(w.ctx, w.bob, w.system, "")
	if err != nil || len(inSystem) != 1 || inSystem[0].ID != kept.ID || inSystem[0].Masked {
		t.Errorf("GroupSecrets(system) = %v, %v; want only the kept secret, in clear", inSystem, err)
	}
	got, err := w.svc.Match(w.ctx, w.bob, access.MatchQuery{Type: "SMTP", Group: w.system, Expect: true})
	if err != nil || got.ID != kept.ID {
		t.Errorf("Match = %q, %v; want the kept secret as the only candidate", got.ID, err)
	}
	if _, err := w.svc.Match(w.ctx, w.bob, access.MatchQuery{Type: "SMTP", Group: w.system, Hint: gone.ID, Expect: true}); !errors.Is(err, kind.ErrNotFound) {
		t.Errorf("Match with the deleted secret as hint: err = %v, want ErrNotFound", err)
	}
	servers, err := access.FindGroupCredentials[secret.SMTP](w.ctx, w.svc, w.bob, w.system)
	if err != nil || len(servers) != 1 || servers[0].Name != "kept" || servers[0].Password != "pw" {
		t.Errorf("FindGroupCredentials[SMTP] = %+v, %v; want the kept server with its password", servers, err)
	}
}

func TestRestoreWritesTheOldCredentialsAsANewVersion(t *testing.T) {
	w := sqliteWorld(t)
	w.join(t, w.alice, w.system)
	relay := w.smtp(t, w.alice, "relay", "first-password")
	changed := withField(t, []byte(`{"Name":"relay","Host":"127.0.0.1","Port":2525,"Username":"mailer"}`), "Password", "second-password")
	if _, err := w.svc.Update(w.ctx, w.alice, relay.ID, 1, changed); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Share(w.ctx, w.alice, relay.ID, w.carol.UserID, access.Viewer); err != nil {
		t.Fatal(err)
	}

	if _, err := w.svc.Restore(w.ctx, w.carol, relay.ID, 2, 1); !errors.Is(err, access.ErrForbidden) {
		t.Errorf("a viewer restores: err = %v, want ErrForbidden", err)
	}
	if _, err := w.svc.Restore(w.ctx, w.alice, relay.ID, 1, 1); !errors.Is(err, kind.ErrConflict) {
		t.Errorf("restore expecting version 1 of 2: err = %v, want ErrConflict", err)
	}
	restored, err := w.svc.Restore(w.ctx, w.alice, relay.ID, 2, 1)
	if err != nil {
		t.Fatal(err)
	}

	if restored.Version != 3 || fieldOf(t, restored.Payload, "Password") != "first-password" {
		t.Errorf("restored version %d with %s; want version 3 with the first password", restored.Version, restored.Payload)
	}
	history, err := w.svc.History(w.ctx, w.carol, relay.ID)
	if err != nil || len(history) != 3 || history[0].Version != 3 {
		t.Errorf("History as carol = %v, %v; want versions 3, 2, 1", history, err)
	}
	if n := count(w.audit(t, w.alice, relay.ID), access.ActionRestored, access.Allowed); n != 1 {
		t.Errorf("%d restores audited, want 1", n)
	}
}
