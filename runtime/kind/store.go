package kind

import (
	"context"
	"time"
)

// Meta is what the store keeps in clear about one secret.
type Meta struct {
	ID        string
	Type      string
	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Item is one decrypted secret: its metadata and its canonical payload.
type Item struct {
	Meta
	Payload []byte
}

// Store is what a generated typed repository needs from the runtime's
// encrypted store. Payloads are canonical JSON as Type.Encode writes it;
// the store seals them before they reach the database.
type Store interface {
	// Create stores a new secret at version 1.
	Create(ctx context.Context, typ string, payload []byte) (Meta, error)
	// Get returns the current version of a secret of type typ.
	Get(ctx context.Context, typ, id string) (Item, error)
	// Update replaces the secret if its current version is version,
	// and otherwise returns an error matching ErrConflict.
	Update(ctx context.Context, typ, id string, version int64, payload []byte) (Meta, error)
	// List returns every live secret of type typ.
	List(ctx context.Context, typ string) ([]Item, error)
	// Delete soft-deletes the secret if its current version is version.
	Delete(ctx context.Context, typ, id string, version int64) error
}
