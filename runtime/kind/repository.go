package kind

import (
	"context"
	"fmt"
)

// Bind returns t with Defaults, Decode, Encode and Validate taken from
// the typed functions secretgen generates for T:
//
//	kind.Bind(kind.Type{Name: "SMTP", …}, DefaultSMTP, DecodeSMTP, EncodeSMTP, ValidateSMTP)
//
// Encode and Validate refuse a value of another type with an error that
// names both types, never the value.
func Bind[T any](t Type, defaults func() T, decode func([]byte, bool) (T, error), encode func(T) []byte, validate func(T) error) Type {
	t.Defaults = func() any { return defaults() }
	t.Decode = func(data []byte, strict bool) (any, error) {
		v, err := decode(data, strict)
		if err != nil {
			return nil, err
		}
		return v, nil
	}
	t.Encode = func(v any) ([]byte, error) {
		x, ok := v.(T)
		if !ok {
			return nil, wrongType("encode", t.Name, v, x)
		}
		return encode(x), nil
	}
	t.Validate = func(v any) error {
		x, ok := v.(T)
		if !ok {
			return wrongType("validate", t.Name, v, x)
		}
		return validate(x)
	}
	return t
}

func wrongType(verb, name string, got, want any) error {
	return fmt.Errorf("%s %s: got %T, want %T", verb, name, got, want)
}

// Record is one stored secret of type T: its metadata in clear and its
// decrypted fields.
type Record[T any] struct {
	Meta
	Credentials T
}

// Repository stores values of one secret type through a Store, which
// encrypts them. Create and Update validate before storing. secretgen
// generates a constructor per type:
//
//	repo := generated.NewSMTPRepository(store) // Repository[secret.SMTP]
//	meta, err := repo.Create(ctx, smtp)
//	rec, err := repo.Get(ctx, meta.ID) // rec.Credentials is a secret.SMTP
type Repository[T any] struct {
	store    Store
	name     string
	decode   func([]byte, bool) (T, error)
	encode   func(T) []byte
	validate func(T) error
}

// NewRepository returns a repository of the type name over s, with the
// type's codec and validator.
func NewRepository[T any](s Store, name string, decode func([]byte, bool) (T, error), encode func(T) []byte, validate func(T) error) Repository[T] {
	return Repository[T]{store: s, name: name, decode: decode, encode: encode, validate: validate}
}

// Create validates v and stores it as a new secret at version 1.
func (r Repository[T]) Create(ctx context.Context, v T) (Meta, error) {
	if err := r.validate(v); err != nil {
		return Meta{}, err
	}
	return r.store.Create(ctx, r.name, r.encode(v))
}

// Get returns the current version of the secret with the given id.
func (r Repository[T]) Get(ctx context.Context, id string) (Record[T], error) {
	item, err := r.store.Get(ctx, r.name, id)
	if err != nil {
		return Record[T]{}, err
	}
	return r.record(item)
}

// Update validates v and replaces the secret if its current version is
// version; otherwise the error matches ErrConflict.
func (r Repository[T]) Update(ctx context.Context, id string, version int64, v T) (Meta, error) {
	if err := r.validate(v); err != nil {
		return Meta{}, err
	}
	return r.store.Update(ctx, r.name, id, version, r.encode(v))
}

// List returns every live secret of the type.
func (r Repository[T]) List(ctx context.Context) ([]Record[T], error) {
	items, err := r.store.List(ctx, r.name)
	if err != nil {
		return nil, err
	}

	out := make([]Record[T], 0, len(items))
	for _, item := range items {
		rec, err := r.record(item)
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	return out, nil
}

// Delete removes the secret if its current version is version.
func (r Repository[T]) Delete(ctx context.Context, id string, version int64) error {
	return r.store.Delete(ctx, r.name, id, version)
}

// record decodes a stored payload; stored data is read tolerantly.
func (r Repository[T]) record(item Item) (Record[T], error) {
	v, err := r.decode(item.Payload, false)
	if err != nil {
		return Record[T]{}, fmt.Errorf("secret %q: %w", item.ID, err)
	}
	return Record[T]{Meta: item.Meta, Credentials: v}, nil
}
