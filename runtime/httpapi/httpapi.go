// Package httpapi serves the secret use cases as a JSON HTTP API.
//
// The platform brings its own authentication as a function from request to
// Subject and mounts the handler under /api/:
//
//	api := httpapi.New(httpapi.Config{
//		Service:  svc, // *access.Service
//		Registry: generated.Registry(),
//		Authenticate: func(r *http.Request) (access.Subject, error) {
//			return mySession(r) // an error answers 401
//		},
//	})
//	mux.Handle("/api/", api.Handler())
//
// Bodies are JSON, decoded strictly: unknown keys, wrong types, trailing
// data and bodies over Config.MaxBody are refused. Every error is an
// application/problem+json document that says what is wrong and where;
// bad input never answers 500. A secret's version travels as its ETag, and
// changes must send it back in If-Match. GET /api/openapi.json describes
// every route.
//
// Types with generated handlers (Config.Handlers, see TypeHandlers) are
// served by them on their own routes; the others by generic handlers
// that go through kind.Type. Generated handlers reuse the same plumbing:
// ReadCreate, CreateSecret, ReadChange, ApplyChange, ServeSecret and
// ServeForm.
package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/secretgen/secretgen/runtime/access"
	"github.com/secretgen/secretgen/runtime/kind"
)

// DefaultMaxBody is the largest request body accepted when Config.MaxBody
// is zero.
const DefaultMaxBody = 64 << 10

// Service is the set of use cases the API exposes; *access.Service
// implements it.
type Service interface {
	Create(ctx context.Context, sub access.Subject, typ string, payload []byte, groups []string) (access.Secret, error)
	Update(ctx context.Context, sub access.Subject, id string, version int64, payload []byte) (access.Secret, error)
	Delete(ctx context.Context, sub access.Subject, id string, version int64) error
	Mine(ctx context.Context, sub access.Subject) ([]access.Secret, error)
	Get(ctx context.Context, sub access.Subject, id string) (access.Secret, error)
	Reveal(ctx context.Context, sub access.Subject, id string) (access.Secret, error)
	Share(ctx context.Context, sub access.Subject, id, userID string, role access.Role) error
	Unshare(ctx context.Context, sub access.Subject, id, userID string) error
	AddGroup(ctx context.Context, sub access.Subject, id, groupID string) error
	RemoveGroup(ctx context.Context, sub access.Subject, id, groupID string) error
	SaveShares(ctx context.Context, sub access.Subject, id string, users []access.UserShare, groups []string) error
	SaveSharesFrom(ctx context.Context, sub access.Subject, id string, loaded, saved access.Shares) error
	GroupSecrets(ctx context.Context, sub access.Subject, groupID, typ string) ([]access.Secret, error)
	Match(ctx context.Context, sub access.Subject, q access.MatchQuery) (access.Secret, error)
	SetDefault(ctx context.Context, sub access.Subject, groupID, typ, id string) error
	Transfer(ctx context.Context, sub access.Subject, id, toUserID string) error
	History(ctx context.Context, sub access.Subject, id string) ([]kind.Meta, error)
	Restore(ctx context.Context, sub access.Subject, id string, expect, from int64) (access.Secret, error)
	Audit(ctx context.Context, sub access.Subject, id string) ([]access.AuditEntry, error)
	Subscribe(fn func(access.Event)) (cancel func())
}

// Config is what New needs. Service and Authenticate are required.
type Config struct {
	Service  Service
	Registry kind.Registry
	// Authenticate returns who sends the request. An error, or a subject
	// without a UserID, answers 401 with the error's text as detail.
	Authenticate func(*http.Request) (access.Subject, error)
	// Handlers are the generated handlers of some of the registered
	// types, which serve those types' routes; see TypeHandlers. New
	// panics on handlers for a type the registry lacks or holds with
	// another fingerprint.
	Handlers []TypeHandlers
	// MaxBody caps request bodies in bytes; 0 means DefaultMaxBody.
	MaxBody int64
	// Logger receives one line per failed request at debug level, and
	// each internal error at error level; nil discards them.
	Logger *slog.Logger
}

// API serves the use cases over HTTP. Make one with New.
type API struct {
	svc     Service
	reg     kind.Registry
	typed   []TypeHandlers // sorted by type
	auth    func(*http.Request) (access.Subject, error)
	maxBody int64
	log     *slog.Logger
}

// New returns an API for cfg. It panics when Service or Authenticate is
// missing, as http.Handle does on a bad pattern: both are wiring mistakes.
func New(cfg Config) *API {
	if cfg.Service == nil || cfg.Authenticate == nil {
		panic("httpapi: Config.Service and Config.Authenticate are required")
	}

	a := &API{
		svc:     cfg.Service,
		reg:     cfg.Registry,
		auth:    cfg.Authenticate,
		maxBody: cfg.MaxBody,
		log:     cfg.Logger,
	}
	a.typed = a.checkHandlers(cfg.Handlers)
	if a.maxBody <= 0 {
		a.maxBody = DefaultMaxBody
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	return a
}

// MaxBody returns the largest request body the API accepts.
func (a *API) MaxBody() int64 {
	return a.maxBody
}

// Handler returns the API's routes, all under /api/. Any other path under
// /api/ answers a problem document with 404, a known path with the wrong
// method 405.
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range a.routes() {
		mux.Handle(rt.pattern(), rt.handler)
	}
	mux.Handle("/api/", a.Wrap(noRoute(mux)))
	return mux
}

// Subject authenticates r. The error is a *StatusError with status 401.
func (a *API) Subject(r *http.Request) (access.Subject, error) {
	sub, err := a.auth(r)
	if err != nil {
		return access.Subject{}, &StatusError{
			Status: http.StatusUnauthorized,
			Detail: "authentication failed: " + err.Error(),
		}
	}
	if sub.UserID == "" {
		return access.Subject{}, &StatusError{
			Status: http.StatusUnauthorized,
			Detail: "authentication required: the request names no user",
		}
	}
	return sub, nil
}

// HandlerFunc serves one authenticated request. A returned error is
// written as a problem document by Wrap.
type HandlerFunc func(w http.ResponseWriter, r *http.Request, sub access.Subject) error

// Wrap authenticates each request, calls h and turns its error into a
// problem document. A forbidden answer about a secret the subject cannot
// see at all becomes 404, so its existence does not leak.
func (a *API) Wrap(h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")

		sub, err := a.Subject(r)
		if err == nil {
			err = h(w, r, sub)
		}
		if err == nil {
			return
		}

		err = a.hide(r, sub, err)
		a.logFailure(r, err)
		WriteProblem(w, r, err)
	})
}

// noRoute answers requests that no route matches: 405 with Allow when
// the path exists for other methods, 404 otherwise.
func noRoute(mux *http.ServeMux) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, _ access.Subject) error {
		var allow []string
		for _, m := range []string{"GET", "POST", "PUT", "DELETE"} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); pattern != "/api/" && pattern != "" {
				allow = append(allow, m)
			}
		}

		if len(allow) == 0 {
			return &StatusError{
				Status: http.StatusNotFound,
				Detail: fmt.Sprintf("no route for %s %q", r.Method, r.URL.Path),
			}
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
		return &StatusError{
			Status: http.StatusMethodNotAllowed,
			Detail: fmt.Sprintf("%s %q is not allowed; use %s", r.Method, r.URL.Path, strings.Join(allow, ", ")),
		}
	}
}
