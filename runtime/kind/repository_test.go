package kind_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/secretgen/secretgen/runtime/kind"
)

// token is a secret type with a hand-written codec and validator, the
// shape secretgen generates.
type token struct{ Value string }

func decodeToken(data []byte, _ bool) (token, error) {
	s, err := strconv.Unquote(string(data))
	if err != nil {
		return token{}, &kind.DecodeError{Type: "Token", Reason: "want a JSON string"}
	}
	return token{Value: s}, nil
}

func encodeToken(t token) []byte { return []byte(strconv.Quote(t.Value)) }

func validateToken(t token) error {
	if t.Value == "" {
		return &kind.ValidationError{Type: "Token", Fields: []kind.FieldError{{Field: "value", Rule: "required", Message: "is required"}}}
	}
	return nil
}

// memStore is a kind.Store in memory, without encryption.
type memStore struct {
	items map[string]kind.Item
	next  int
}

func (m *memStore) Create(_ context.Context, typ string, payload []byte) (kind.Meta, error) {
	m.next++
	meta := kind.Meta{ID: fmt.Sprint("s", m.next), Type: typ, Version: 1}
	m.items[meta.ID] = kind.Item{Meta: meta, Payload: payload}
	return meta, nil
}

func (m *memStore) Get(_ context.Context, typ, id string) (kind.Item, error) {
	it, ok := m.items[id]
	if !ok || it.Type != typ {
		return kind.Item{}, kind.ErrNotFound
	}
	return it, nil
}

func (m *memStore) Update(_ context.Context, typ, id string, version int64, payload []byte) (kind.Meta, error) {
	it, err := m.Get(context.Background(), typ, id)
	if err != nil {
		return kind.Meta{}, err
	}
	if it.Version != version {
		return kind.Meta{}, kind.ErrConflict
	}
	it.Version++
	it.Payload = payload
	m.items[id] = it
	return it.Meta, nil
}

func (m *memStore) List(_ context.Context, typ string) ([]kind.Item, error) {
	var out []kind.Item
	for _, it := range m.items {
		if it.Type == typ {
			out = append(out, it)
		}
	}
	return out, nil
}

func (m *memStore) Delete(_ context.Context, typ, id string, version int64) error {
	if _, err := m.Update(context.Background(), typ, id, version, nil); err != nil {
		return err
	}
	delete(m.items, id)
	return nil
}

func TestRepositoryStoresValidValuesOnly(t *testing.T) {
	ctx := context.Background()
	st := &memStore{items: map[string]kind.Item{}}
	repo := kind.NewRepository(st, "Token", decodeToken, encodeToken, validateToken)

	_, err := repo.Create(ctx, token{})
	var ve *kind.ValidationError
	if !errors.As(err, &ve) || len(st.items) != 0 {
		t.Fatalf("create of an empty token: err %v, %d stored", err, len(st.items))
	}

	meta, err := repo.Create(ctx, token{Value: "t-1"})
	if err != nil || string(st.items[meta.ID].Payload) != `"t-1"` {
		t.Fatalf("create: %v, stored %q", err, st.items[meta.ID].Payload)
	}
	rec, err := repo.Get(ctx, meta.ID)
	if err != nil || rec.Credentials.Value != "t-1" || rec.Version != 1 {
		t.Fatalf("get: %+v, %v", rec, err)
	}

	if _, err := repo.Update(ctx, meta.ID, 1, token{}); !errors.As(err, &ve) {
		t.Fatalf("update to an empty token: %v", err)
	}
	if _, err := repo.Update(ctx, meta.ID, 1, token{Value: "t-2"}); err != nil {
		t.Fatal(err)
	}
	if _, err := repo.Update(ctx, meta.ID, 1, token{Value: "t-3"}); !errors.Is(err, kind.ErrConflict) {
		t.Fatalf("stale update: %v", err)
	}

	list, err := repo.List(ctx)
	if err != nil || len(list) != 1 || list[0].Credentials.Value != "t-2" || list[0].Version != 2 {
		t.Fatalf("list: %+v, %v", list, err)
	}
	if err := repo.Delete(ctx, meta.ID, 2); err != nil || len(st.items) != 0 {
		t.Fatalf("delete: %v, %d left", err, len(st.items))
	}
}

func TestRepositoryNamesTheSecretThatDoesNotDecode(t *testing.T) {
	st := &memStore{items: map[string]kind.Item{
		"s9": {Meta: kind.Meta{ID: "s9", Type: "Token", Version: 1}, Payload: []byte(`{"not":"a string"}`)},
	}}
	repo := kind.NewRepository(st, "Token", decodeToken, encodeToken, validateToken)

	_, err := repo.Get(context.Background(), "s9")

	var de *kind.DecodeError
	if !errors.As(err, &de) || !strings.Contains(err.Error(), `secret "s9"`) {
		t.Fatalf("err = %v, want a DecodeError naming the secret", err)
	}
}

func TestBindAdaptsTheTypedFunctions(t *testing.T) {
	typ := kind.Bind(kind.Type{Name: "Token"}, func() token { return token{Value: "default"} },
		decodeToken, encodeToken, validateToken)

	if d := typ.Defaults().(token); d.Value != "default" {
		t.Errorf("defaults %+v", d)
	}
	v, err := typ.Decode([]byte(`"abc"`), true)
	if err != nil || v.(token).Value != "abc" {
		t.Fatalf("decode: %v, %v", v, err)
	}
	if b, err := typ.Encode(v); err != nil || string(b) != `"abc"` {
		t.Errorf("encode: %s, %v", b, err)
	}
	if err := typ.Validate(token{}); err == nil {
		t.Error("validate accepted an empty token")
	}
	if _, err := typ.Decode([]byte(`7`), true); err == nil {
		t.Error("decode accepted a number")
	}

	_, err = typ.Encode(struct{ Value string }{"s3cr3t"})
	if err == nil || !strings.Contains(err.Error(), "want kind_test.token") || strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("encode of another type: %v", err)
	}
	if err := typ.Validate(42); err == nil || !strings.Contains(err.Error(), "validate Token: got int") {
		t.Errorf("validate of another type: %v", err)
	}
}
