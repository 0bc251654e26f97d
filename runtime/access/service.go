package access

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"github.com/uptrace/bun"

	"github.com/secretgen/secretgen/runtime/kind"
	"github.com/secretgen/secretgen/runtime/store"
)

// Config is what the access layer needs to run.
type Config struct {
	// Store is the encrypted store; the access layer keeps its own
	// tables in the same database.
	Store *store.Store
	// Registry holds the secret types the service accepts.
	Registry kind.Registry
	// Membership reads a user's groups at each request. When nil,
	// Subject.Groups is trusted as given.
	Membership Membership
	// GroupID resolves the group names that type policies use
	// (kind.Type.Groups, e.g. "system") to group ids. When nil, the names
	// are taken as ids.
	GroupID func(ctx context.Context, name string) (string, error)
	// UserExists reports whether a user id names a user. Share,
	// SaveShares and Transfer refuse an id that names nobody with an
	// *InvalidError, so no secret goes to an owner who cannot act. When
	// nil, every non-empty id is taken as a user.
	UserExists func(ctx context.Context, id string) (bool, error)
	// Logger receives refused attempts at debug level; nil discards.
	Logger *slog.Logger
}

// Service holds the use cases on secrets: create, change, share, look up.
// It is safe for concurrent use and keeps no state that correctness
// depends on, so several processes may share one database.
type Service struct {
	store      *store.Store
	reg        kind.Registry
	membership Membership
	groupID    func(ctx context.Context, name string) (string, error)
	userExists func(ctx context.Context, id string) (bool, error)
	log        *slog.Logger
	postgres   bool
	reads      reads
	bus        bus
}

// New returns the service on cfg.Store and creates the access layer's
// tables when they are missing.
func New(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Store == nil {
		return nil, errors.New("access: config has no store")
	}
	s := &Service{
		store:      cfg.Store,
		reg:        cfg.Registry,
		membership: cfg.Membership,
		groupID:    cfg.GroupID,
		userExists: cfg.UserExists,
		log:        cfg.Logger,
		postgres:   cfg.Store.Dialect() == store.Postgres,
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}

	err := cfg.Store.DB().RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		return createTables(ctx, tx, s.postgres)
	})
	if err != nil {
		return nil, fmt.Errorf("access: create tables: %w", err)
	}
	if err := s.prepare(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// typeOf returns the registered type with the given variant name.
func (s *Service) typeOf(name string) (kind.Type, error) {
	t, ok := s.reg.Lookup(name)
	if !ok {
		return kind.Type{}, fmt.Errorf("access: unknown secret type %q (known: %v): %w",
			name, s.reg.Names(), kind.ErrNotFound)
	}
	return t, nil
}

// required returns the ids of the groups that secrets of type t must be
// attached to.
func (s *Service) required(ctx context.Context, t kind.Type) ([]string, error) {
	if s.groupID == nil {
		return t.Groups, nil
	}
	ids := make([]string, len(t.Groups))
	for i, name := range t.Groups {
		id, err := s.groupID(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("access: group %q that type %s requires: %w", name, t.Name, err)
		}
		ids[i] = id
	}
	return ids, nil
}

// mustExist refuses, with an *InvalidError naming it, the first id that
// names no user.
func (s *Service) mustExist(ctx context.Context, ids ...string) error {
	if s.userExists == nil {
		return nil
	}
	for _, id := range ids {
		ok, err := s.userExists(ctx, id)
		if err != nil {
			return fmt.Errorf("access: look up user %q: %w", id, err)
		}
		if !ok {
			return &InvalidError{UserID: id, Rule: "exists", Reason: "names no user"}
		}
	}
	return nil
}

// groupsOf returns the subject's groups as of now.
func (s *Service) groupsOf(ctx context.Context, sub Subject) ([]string, error) {
	if s.membership == nil {
		return sub.Groups, nil
	}
	groups, err := s.membership.GroupsOf(ctx, sub.UserID)
	if err != nil {
		return nil, fmt.Errorf("access: read groups of user %q: %w", sub.UserID, err)
	}
	return groups, nil
}

// isMember reports whether the subject belongs to group as of now.
func (s *Service) isMember(ctx context.Context, sub Subject, group string) (bool, error) {
	groups, err := s.groupsOf(ctx, sub)
	if err != nil {
		return false, err
	}
	return slices.Contains(groups, group), nil
}

// change runs fn in one store transaction together with the audit rows it
// records, and publishes their events once the transaction commits.
func (s *Service) change(ctx context.Context, fn func(tx *store.Tx, rec *recorder) error) error {
	var rec *recorder
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		rec = &recorder{}
		if err := fn(tx, rec); err != nil {
			return err
		}
		return rec.write(ctx, tx.Bun())
	})
	if err != nil {
		return err
	}

	s.bus.publish(rec.events())
	return nil
}
