package access_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/secretgen/secretgen/runtime/access"
	"github.com/secretgen/secretgen/runtime/kind"
)

// boxValue is a value of the test type Box: its fields by JSON key.
type boxValue map[string]any

func (b boxValue) GetName() string {
	s, _ := b["name"].(*string)
	if s == nil {
		return ""
	}
	return *s
}

// boxType is the type Box with the given fields, each a string or an
// int, decoded the way generated codecs decode: unknown keys tolerated
// unless strict, a wrong JSON type named by its key.
func boxType(fields ...kind.Field) kind.Type {
	form := kind.Form{Type: "Box", Title: "Box", Fields: fields}
	decode := func(data []byte, strict bool) (any, error) {
		var m map[string]json.RawMessage
		if json.Unmarshal(data, &m) != nil || m == nil {
			return nil, &kind.DecodeError{Type: "Box", Reason: "want a JSON object"}
		}
		v := boxValue{}
		for key, raw := range m {
			f, ok := form.Field(key)
			if !ok && strict {
				return nil, &kind.DecodeError{Type: "Box", Key: key, Reason: "unknown key"}
			}
			if !ok {
				continue
			}
			var target any = new(string)
			if f.Kind == kind.KindInt {
				target = new(int)
			}
			if json.Unmarshal(raw, target) != nil {
				return nil, &kind.DecodeError{Type: "Box", Key: key, Reason: "want a " + f.Kind}
			}
			v[key] = target
		}
		return v, nil
	}
	return kind.Type{
		Name: "Box", Form: form, Fingerprint: "box",
		Defaults: func() any { return boxValue{} },
		Decode:   decode,
		Encode:   func(v any) ([]byte, error) { return json.Marshal(v) },
		Validate: func(any) error { return nil },
	}
}

func boxField(key, fieldKind, style string) kind.Field {
	return kind.Field{Name: key, Key: key, Kind: fieldKind, Label: key, Style: style}
}

var (
	boxName  = boxField("name", kind.KindString, "")
	boxHost  = boxField("host", kind.KindString, "")
	boxToken = boxField("token", kind.KindString, "secret")
	// boxV1 is Box as first released: a name, a host and a secret token.
	boxV1 = boxType(boxName, boxHost, boxToken)
)

const boxCanary = "CANARY-box-9c1e"

// boxWorld is a world whose alice, in ops, owns a Box named crate (in
// ops, shared with carol as viewer) and a Jira secret named tracker (in
// ops), stored by a process that knows Box as boxV1.
func boxWorld(t *testing.T) (*world, access.Secret) {
	t.Helper()
	w := sqliteWorld(t)
	w.join(t, w.alice, w.ops)
	v1 := w.serviceWith(t, nil, registry().Merge(kind.Registry{Types: []kind.Type{boxV1}}))

	payload := `{"name":"crate","host":"h1","token":"` + boxCanary + `"}`
	box, err := v1.Create(w.ctx, w.alice, "Box", []byte(payload), []string{w.ops})
	if err != nil {
		t.Fatal(err)
	}
	if err := v1.Share(w.ctx, w.alice, box.ID, w.carol.UserID, access.Viewer); err != nil {
		t.Fatal(err)
	}
	jira := `{"Name":"tracker","EMail":"a@example.com","Token":"t"}`
	if _, err := v1.Create(w.ctx, w.alice, "Jira", []byte(jira), []string{w.ops}); err != nil {
		t.Fatal(err)
	}
	return w, box
}

// withBox is a service of w whose registry has Box as given, or no Box
// when box is nil.
func (w *world) withBox(t *testing.T, box *kind.Type) *access.Service {
	reg := registry()
	if box != nil {
		reg = reg.Merge(kind.Registry{Types: []kind.Type{*box}})
	}
	return w.serviceWith(t, nil, reg)
}

func TestAFieldRemovedFromTheTypeIsNeverReturnedAndAViewerNeverSeesItsOldSecret(t *testing.T) {
	w, box := boxWorld(t)
	v2 := boxType(boxName, boxHost) // the token field is gone
	svc := w.withBox(t, &v2)

	for _, who := range []access.Subject{w.alice, w.carol} {
		sec, err := svc.Get(w.ctx, who, box.ID)
		if err != nil {
			t.Fatalf("get as %s: %v", who.UserID, err)
		}
		if strings.Contains(string(sec.Payload), "token") || strings.Contains(string(sec.Payload), boxCanary) {
			t.Errorf("get as %s returns the removed field: %s", who.UserID, sec.Payload)
		}
		if sec.Name != "crate" || !strings.Contains(string(sec.Payload), `"h1"`) {
			t.Errorf("get as %s: name %q payload %s, want crate with host h1", who.UserID, sec.Name, sec.Payload)
		}
	}
	sec, err := svc.Reveal(w.ctx, w.carol, box.ID)
	if err != nil || strings.Contains(string(sec.Payload), boxCanary) {
		t.Errorf("reveal as carol: %s, %v; want the payload without the removed token", sec.Payload, err)
	}
}

func TestARetypedFieldIsAnErrorNamingItAndListsKeepTheOthers(t *testing.T) {
	w, box := boxWorld(t)
	v3 := boxType(boxName, boxField("host", kind.KindInt, ""), boxToken) // host is now a number
	unreadable(t, w, w.withBox(t, &v3), box, `key "host"`)
}

func TestASecretOfAnUnregisteredTypeIsFlaggedAndListsKeepTheOthers(t *testing.T) {
	w, box := boxWorld(t)
	unreadable(t, w, w.withBox(t, nil), box, "not registered")
}

// unreadable checks that svc cannot read box, says why (reason) without
// the value, and still lists it, flagged, beside the readable secrets.
func unreadable(t *testing.T, w *world, svc *access.Service, box access.Secret, reason string) {
	t.Helper()

	_, err := svc.Get(w.ctx, w.alice, box.ID)
	var ue *access.UnreadableError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), reason) || strings.Contains(err.Error(), boxCanary) {
		t.Errorf("get: %v; want an *access.UnreadableError saying %q and no value", err, reason)
	}

	mine, err := svc.Mine(w.ctx, w.alice)
	if err != nil {
		t.Fatalf("mine: %v", err)
	}
	group, err := svc.GroupSecrets(w.ctx, w.alice, w.ops, "")
	if err != nil {
		t.Fatalf("group secrets: %v", err)
	}
	for name, list := range map[string][]access.Secret{"mine": mine, "group secrets": group} {
		if len(list) != 2 {
			t.Fatalf("%s lists %d secrets, want the Jira secret and the flagged Box", name, len(list))
		}
		var flagged, readable access.Secret
		for _, s := range list {
			if s.ID == box.ID {
				flagged = s
			} else {
				readable = s
			}
		}
		if !strings.Contains(flagged.Unreadable, reason) || flagged.Payload != nil {
			t.Errorf("%s: box unreadable %q payload %s; want the reason %q and no payload",
				name, flagged.Unreadable, flagged.Payload, reason)
		}
		if readable.Name != "tracker" || readable.Unreadable != "" {
			t.Errorf("%s: other secret %q unreadable %q; want tracker, readable", name, readable.Name, readable.Unreadable)
		}
	}
}
