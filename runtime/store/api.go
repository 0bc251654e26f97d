package store

import (
	"context"

	"github.com/secretgen/secretgen/runtime/kind"
)

// The Store's methods run in their own transaction (a single statement
// where one suffices); the Tx's run in the caller's.

// Create stores a new secret of type typ at version 1 and returns its
// metadata. The id is a random UUID.
func (s *Store) Create(ctx context.Context, typ string, payload []byte) (kind.Meta, error) {
	return ops{s, s.db}.create(ctx, typ, payload)
}

// Get returns the current version of a live secret; typ "" accepts any
// type. A missing, deleted or differently typed secret is kind.ErrNotFound.
func (s *Store) Get(ctx context.Context, typ, id string) (kind.Item, error) {
	return ops{s, s.db}.get(ctx, typ, id)
}

// Update writes payload as version+1 if the secret is at version, and
// otherwise returns an error matching kind.ErrConflict.
func (s *Store) Update(ctx context.Context, typ, id string, version int64, payload []byte) (meta kind.Meta, err error) {
	err = s.InTx(ctx, func(tx *Tx) error {
		meta, err = tx.Update(ctx, typ, id, version, payload)
		return err
	})
	return meta, err
}

// Delete soft-deletes the secret if it is at version. A deleted secret is
// invisible to Get, List and GetMany until Undelete.
func (s *Store) Delete(ctx context.Context, typ, id string, version int64) error {
	return ops{s, s.db}.delete(ctx, typ, id, version)
}

// Undelete brings back a soft-deleted secret that is at version.
func (s *Store) Undelete(ctx context.Context, id string, version int64) (kind.Meta, error) {
	return ops{s, s.db}.undelete(ctx, id, version)
}

// Purge destroys a secret and every kept version of it, deleted or not.
func (s *Store) Purge(ctx context.Context, id string) error {
	return s.InTx(ctx, func(tx *Tx) error { return tx.Purge(ctx, id) })
}

// List returns every live secret of type typ (every type when typ is ""),
// oldest first.
func (s *Store) List(ctx context.Context, typ string) ([]kind.Item, error) {
	return ops{s, s.db}.list(ctx, typ)
}

// GetMany returns the live secrets among ids, oldest first. Missing ids
// are left out.
func (s *Store) GetMany(ctx context.Context, ids []string) ([]kind.Item, error) {
	return ops{s, s.db}.getMany(ctx, ids)
}

// History returns the metadata of the current and every kept version of a
// live secret, newest first.
func (s *Store) History(ctx context.Context, id string) (metas []kind.Meta, err error) {
	err = s.InTx(ctx, func(tx *Tx) error {
		metas, err = tx.History(ctx, id)
		return err
	})
	return metas, err
}

// GetVersion returns one kept version of a live secret.
func (s *Store) GetVersion(ctx context.Context, id string, version int64) (item kind.Item, err error) {
	err = s.InTx(ctx, func(tx *Tx) error {
		item, err = tx.GetVersion(ctx, id, version)
		return err
	})
	return item, err
}

// Restore writes version expect+1 with the payload of version from, if the
// secret is at version expect.
func (s *Store) Restore(ctx context.Context, id string, expect, from int64) (meta kind.Meta, err error) {
	err = s.InTx(ctx, func(tx *Tx) error {
		meta, err = tx.Restore(ctx, id, expect, from)
		return err
	})
	return meta, err
}

// Create is Store.Create inside the transaction.
func (tx *Tx) Create(ctx context.Context, typ string, payload []byte) (kind.Meta, error) {
	return tx.ops().create(ctx, typ, payload)
}

// Get is Store.Get inside the transaction.
func (tx *Tx) Get(ctx context.Context, typ, id string) (kind.Item, error) {
	return tx.ops().get(ctx, typ, id)
}

// Update is Store.Update inside the transaction.
func (tx *Tx) Update(ctx context.Context, typ, id string, version int64, payload []byte) (kind.Meta, error) {
	return tx.ops().update(ctx, typ, id, version, payload)
}

// Delete is Store.Delete inside the transaction.
func (tx *Tx) Delete(ctx context.Context, typ, id string, version int64) error {
	return tx.ops().delete(ctx, typ, id, version)
}

// Undelete is Store.Undelete inside the transaction.
func (tx *Tx) Undelete(ctx context.Context, id string, version int64) (kind.Meta, error) {
	return tx.ops().undelete(ctx, id, version)
}

// Purge is Store.Purge inside the transaction.
func (tx *Tx) Purge(ctx context.Context, id string) error {
	return tx.ops().purge(ctx, id)
}

// List is Store.List inside the transaction.
func (tx *Tx) List(ctx context.Context, typ string) ([]kind.Item, error) {
	return tx.ops().list(ctx, typ)
}

// GetMany is Store.GetMany inside the transaction.
func (tx *Tx) GetMany(ctx context.Context, ids []string) ([]kind.Item, error) {
	return tx.ops().getMany(ctx, ids)
}

// History is Store.History inside the transaction.
func (tx *Tx) History(ctx context.Context, id string) ([]kind.Meta, error) {
	return tx.ops().history(ctx, id)
}

// GetVersion is Store.GetVersion inside the transaction.
func (tx *Tx) GetVersion(ctx context.Context, id string, version int64) (kind.Item, error) {
	return tx.ops().getVersion(ctx, id, version)
}

// Restore is Store.Restore inside the transaction.
func (tx *Tx) Restore(ctx context.Context, id string, expect, from int64) (kind.Meta, error) {
	return tx.ops().restore(ctx, id, expect, from)
}

func (tx *Tx) ops() ops {
	return ops{tx.s, tx.tx}
}
