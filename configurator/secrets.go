package configurator

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"

	"github.com/secretgen/secretgen/generated"
	"github.com/secretgen/secretgen/runtime/access"
	"github.com/secretgen/secretgen/runtime/directory"
	"github.com/secretgen/secretgen/runtime/httpapi"
	"github.com/secretgen/secretgen/runtime/keyring"
	"github.com/secretgen/secretgen/runtime/kind"
	"github.com/secretgen/secretgen/runtime/mail"
	"github.com/secretgen/secretgen/runtime/store"
	"github.com/secretgen/secretgen/secret"
)

// MailActor is the user id the mail system acts as. It is no user of the
// directory; it belongs to the group system and nothing else.
const MailActor = "system:mail"

// SecretManagement is the ready system: every part wired to the others.
type SecretManagement struct {
	Store     *store.Store
	Keyring   *keyring.Keyring
	Directory *directory.Directory
	Registry  kind.Registry
	Access    *access.Service
	// API serves the use cases as JSON under /api/.
	API *httpapi.API
	// Mailer sends through the SMTP secret attached to the group system.
	Mailer *mail.Mailer
	// SystemGroup is the id of the group system.
	SystemGroup string

	auth atomic.Pointer[func(*http.Request) (access.Subject, error)]
}

// SetAuthenticate replaces the function the API uses to tell who sends a
// request, for platforms whose sessions need the system to exist first.
func (sm *SecretManagement) SetAuthenticate(fn func(*http.Request) (access.Subject, error)) {
	sm.auth.Store(&fn)
}

// errNoAuthenticate answers API requests before the platform has said how
// to authenticate them.
var errNoAuthenticate = errors.New("no authentication configured")

func (sm *SecretManagement) authenticate(r *http.Request) (access.Subject, error) {
	fn := sm.auth.Load()
	if fn == nil || *fn == nil {
		return access.Subject{}, errNoAuthenticate
	}
	return (*fn)(r)
}

// SecretManagement returns the ready system, activating it on first call.
// It enables user and group management first when they are not active.
func (c *Configurator) SecretManagement() (*SecretManagement, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.secrets != nil {
		return c.secrets, nil
	}

	dir, err := c.groupManagement()
	if err != nil {
		return nil, err
	}
	sm, err := c.assemble(context.Background(), dir)
	if err != nil {
		return nil, err
	}
	c.secrets = sm
	c.log.Debug("secret management enabled", "types", sm.Registry.Names())
	return sm, nil
}

func (c *Configurator) assemble(ctx context.Context, dir *directory.Directory) (*SecretManagement, error) {
	system, err := dir.GroupByName(ctx, directory.SystemGroup)
	if err != nil {
		return nil, fmt.Errorf("configurator: find group system: %w", err)
	}

	sm := &SecretManagement{
		Store:       c.store,
		Keyring:     c.keys,
		Directory:   dir,
		Registry:    Builtin().Merge(c.opts.Registry),
		SystemGroup: system.ID,
	}
	sm.SetAuthenticate(c.opts.Authenticate)

	sm.Access, err = access.New(ctx, access.Config{
		Store:      c.store,
		Registry:   sm.Registry,
		Membership: c.membership(dir, system.ID),
		GroupID:    groupID(dir),
		UserExists: c.userExists(dir),
		Logger:     c.log,
	})
	if err != nil {
		return nil, fmt.Errorf("configurator: %w", err)
	}
	// Deleting a user who alone owns secrets is refused with their list;
	// a platform that prefers a transfer sets access.TransferOnDelete.
	dir.BeforeDeleteUser = sm.Access.RefuseSoleOwner

	handlers, err := handlersFor(sm.Registry, generated.Handlers(), c.opts.Handlers)
	if err != nil {
		return nil, err
	}
	sm.API = httpapi.New(httpapi.Config{
		Service:      sm.Access,
		Registry:     sm.Registry,
		Handlers:     handlers,
		Authenticate: sm.authenticate,
		Logger:       c.log,
	})
	sm.Mailer = mail.New(sm.smtpLookup)
	return sm, nil
}

// smtpLookup finds the SMTP server the mail system uses: the one attached
// to the group system, chosen by Match (default, or the only one).
func (sm *SecretManagement) smtpLookup(ctx context.Context) (secret.SMTP, error) {
	sub := access.Subject{UserID: MailActor}
	q := access.MatchQuery{Type: "SMTP", Group: sm.SystemGroup, Expect: true}
	return access.MatchCredentials[secret.SMTP](ctx, sm.Access, sub, q)
}

// Builtin returns the types registered by default: SMTP, which the mail
// system needs.
func Builtin() kind.Registry {
	smtp, ok := generated.Registry().Lookup("SMTP")
	if !ok {
		panic("configurator: the generated registry has no SMTP type")
	}
	return kind.Registry{Types: []kind.Type{smtp}}
}

// handlersFor returns the generated handlers that serve the registry's
// types: the built-in ones for each type registered with the fingerprint
// they were generated for, then the platform's, which must all fit and
// replace built-in ones of the same type.
func handlersFor(reg kind.Registry, builtin, platform []httpapi.TypeHandlers) ([]httpapi.TypeHandlers, error) {
	byType := map[string]httpapi.TypeHandlers{}
	for _, h := range builtin {
		if fits(reg, h) {
			byType[h.Type] = h
		}
	}
	for _, h := range platform {
		if !fits(reg, h) {
			return nil, fmt.Errorf("configurator: handlers for type %q fit no registered type; pass the registry they were generated with", h.Type)
		}
		byType[h.Type] = h
	}

	out := make([]httpapi.TypeHandlers, 0, len(byType))
	for _, h := range byType {
		out = append(out, h) // httpapi sorts them
	}
	return out, nil
}

// fits reports whether h was generated for the registered type of its name.
func fits(reg kind.Registry, h httpapi.TypeHandlers) bool {
	t, ok := reg.Lookup(h.Type)
	return ok && t.Fingerprint == h.Fingerprint
}

// groupID resolves the group names of type policies through the directory.
func groupID(dir *directory.Directory) func(context.Context, string) (string, error) {
	return func(ctx context.Context, name string) (string, error) {
		g, err := dir.GroupByName(ctx, name)
		return g.ID, err
	}
}

// userExists tells the access layer which ids name users: the
// directory's users, unless the platform brings its own Membership, whose
// users the directory does not know. Such a Membership may answer with a
// UserExists method; without one, every id is taken as given.
func (c *Configurator) userExists(dir *directory.Directory) func(context.Context, string) (bool, error) {
	if c.opts.Membership == nil {
		return func(ctx context.Context, id string) (bool, error) {
			_, err := dir.User(ctx, id)
			if errors.Is(err, kind.ErrNotFound) {
				return false, nil
			}
			return err == nil, err
		}
	}
	if u, ok := c.opts.Membership.(interface {
		UserExists(ctx context.Context, id string) (bool, error)
	}); ok {
		return u.UserExists
	}
	return nil
}

// membership returns the platform's Membership, or the directory's, and
// adds the mail actor's fixed place in the group system.
func (c *Configurator) membership(dir *directory.Directory, system string) access.Membership {
	var users access.Membership = dir
	if c.opts.Membership != nil {
		users = c.opts.Membership
	}
	return actors{users: users, fixed: map[string][]string{MailActor: {system}}}
}

// actors reads groups at each request, and knows the fixed groups of the
// system actors that are no users.
type actors struct {
	users access.Membership
	fixed map[string][]string
}

func (a actors) GroupsOf(ctx context.Context, userID string) ([]string, error) {
	if groups, ok := a.fixed[userID]; ok {
		return groups, nil
	}
	return a.users.GroupsOf(ctx, userID)
}
