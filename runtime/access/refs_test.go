package access_test

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/secretgen/secretgen/runtime/access"
	"github.com/secretgen/secretgen/runtime/keyring"
	"github.com/secretgen/secretgen/secret"
)

func TestGroupSecretRefsListWhatGroupSecretsReturnsWithoutDecrypting(t *testing.T) {
	backends(t, func(t *testing.T, dsn string, keys *keyring.Keyring) {
		w := newWorld(t, dsn, keys)
		w.join(t, w.alice, w.system, w.ops)
		relay := w.smtp(t, w.alice, "relay", "pw-1", w.ops)
		backup := w.smtp(t, w.alice, "backup", "pw-2", w.ops)
		gone := w.smtp(t, w.alice, "gone", "pw-3", w.ops)
		w.smtp(t, w.alice, "system only", "pw-4")
		if err := w.svc.Delete(w.ctx, w.alice, gone.ID, gone.Version); err != nil {
			t.Fatal(err)
		}

		refs, err := w.svc.GroupSecretRefs(w.ctx, w.alice, w.ops, "SMTP")
		if err != nil {
			t.Fatal(err)
		}
		full, err := w.svc.GroupSecrets(w.ctx, w.alice, w.ops, "SMTP")
		if err != nil {
			t.Fatal(err)
		}

		want := []string{relay.ID, backup.ID}
		slices.Sort(want)
		var got, fromFull []string
		for _, m := range refs {
			got = append(got, m.ID)
			if m.Type != "SMTP" || m.Version != 1 || m.CreatedAt.IsZero() {
				t.Errorf("ref %+v, want an SMTP secret at version 1 with its creation time", m)
			}
		}
		for _, s := range full {
			fromFull = append(fromFull, s.ID)
		}
		slices.Sort(fromFull)
		if !slices.Equal(got, want) || !slices.Equal(fromFull, want) {
			t.Errorf("GroupSecretRefs = %v, GroupSecrets = %v; want %v (live, in ops, sorted by id)", got, fromFull, want)
		}
	})
}

func TestGroupSecretRefsRefuseANonMember(t *testing.T) {
	w := sqliteWorld(t)
	w.join(t, w.alice, w.system, w.ops)
	w.smtp(t, w.alice, "relay", "pw-1", w.ops)

	refs, err := w.svc.GroupSecretRefs(w.ctx, w.bob, w.ops, "SMTP")
	if !errors.Is(err, access.ErrForbidden) || refs != nil {
		t.Fatalf("GroupSecretRefs for bob outside ops = %v, %v; want ErrForbidden", refs, err)
	}
	if _, err := w.svc.GroupSecretRefs(w.ctx, w.alice, w.ops, "NoSuchType"); err == nil {
		t.Errorf("GroupSecretRefs of an unknown type: no error")
	}
}

func TestFindGroupCredentialsDecodesInTheOrderOfGroupSecrets(t *testing.T) {
	w := sqliteWorld(t)
	w.join(t, w.alice, w.system, w.ops)
	for _, name := range []string{"zulu", "alpha", "mike", "alpha"} {
		w.smtp(t, w.alice, name, "pw of "+name, w.ops)
	}

	found, err := access.FindGroupCredentials[secret.SMTP](w.ctx, w.svc, w.alice, w.ops)
	if err != nil {
		t.Fatal(err)
	}
	listed, err := w.svc.GroupSecrets(w.ctx, w.alice, w.ops, "SMTP")
	if err != nil {
		t.Fatal(err)
	}

	var got, want []string
	for _, c := range found {
		got = append(got, c.Name+"/"+c.Password)
	}
	for _, s := range listed {
		var c secret.SMTP
		if err := json.Unmarshal(s.Payload, &c); err != nil {
			t.Fatal(err)
		}
		want = append(want, c.Name+"/"+c.Password)
	}
	if !slices.Equal(got, want) || len(got) != 4 || got[0] != "alpha/pw of alpha" || got[3] != "zulu/pw of zulu" {
		t.Errorf("FindGroupCredentials = %v, want %v (GroupSecrets' order: by name, then id)", got, want)
	}
}
