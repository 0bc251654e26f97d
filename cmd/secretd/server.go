package main

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/secretgen/secretgen/configurator"
	"github.com/secretgen/secretgen/runtime/access"
	"github.com/secretgen/secretgen/runtime/directory"
	"github.com/secretgen/secretgen/runtime/httpapi"
	"github.com/secretgen/secretgen/runtime/kind"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// sessionCookie holds the login session's token.
const sessionCookie = "secretd_session"

// server serves the web UI and mounts the JSON API under /api/.
type server struct {
	sm       *configurator.SecretManagement
	svc      *access.Service
	dir      *directory.Directory
	reg      kind.Registry
	sessions *sessions
	limiter  *loginLimiter
	pages    map[string]*template.Template
	log      *slog.Logger
	now      func() time.Time
}

// serverOptions tune a server; the zero value is what secretd uses.
type serverOptions struct {
	SessionTTL time.Duration    // 0 means 12 hours
	Now        func() time.Time // nil means time.Now
}

func newServer(ctx context.Context, sm *configurator.SecretManagement, log *slog.Logger, opt serverOptions) (*server, error) {
	if opt.SessionTTL == 0 {
		opt.SessionTTL = 12 * time.Hour
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}

	sess, err := openSessions(ctx, sm.Store.DB(), opt.SessionTTL, opt.Now)
	if err != nil {
		return nil, err
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}

	s := &server{
		sm:       sm,
		svc:      sm.Access,
		dir:      sm.Directory,
		reg:      sm.Registry,
		sessions: sess,
		limiter:  newLoginLimiter(opt.Now),
		pages:    pages,
		log:      log,
		now:      opt.Now,
	}
	sm.SetAuthenticate(s.authenticateAPI)
	return s, nil
}

// handler returns every route of secretd.
func (s *server) handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.Handle("/api/", s.apiGuard(s.sm.API.Handler()))

	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.page(s.logout))

	mux.HandleFunc("GET /{$}", s.page(s.list))
	mux.HandleFunc("GET /new", s.page(s.types))
	mux.HandleFunc("GET /new/{type}", s.page(s.newForm))
	mux.HandleFunc("POST /new/{type}", s.page(s.create))
	mux.HandleFunc("GET /secrets/{id}", s.page(s.edit))
	mux.HandleFunc("POST /secrets/{id}", s.page(s.update))
	mux.HandleFunc("POST /secrets/{id}/reveal", s.page(s.reveal))
	mux.HandleFunc("POST /secrets/{id}/share", s.page(s.share))
	mux.HandleFunc("GET /secrets/{id}/history", s.page(s.history))
	mux.HandleFunc("POST /secrets/{id}/restore", s.page(s.restore))
	mux.HandleFunc("GET /secrets/{id}/delete", s.page(s.confirmDelete))
	mux.HandleFunc("POST /secrets/{id}/delete", s.page(s.delete))

	return s.accessLog(securityHeaders(limitForms(mux)))
}

// maxForm caps the body of a form post; the largest real form is a few
// kilobytes.
const maxForm = 64 << 10

// limitForms refuses form bodies over maxForm; the API caps its own.
func limitForms(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && !strings.HasPrefix(r.URL.Path, "/api/") {
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
		}
		next.ServeHTTP(w, r)
	})
}

// accessLog writes one debug line per request: method, path, status and
// duration. Paths hold ids, never values.
func (s *server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := s.now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		s.log.Debug("request", "method", r.Method, "path", r.URL.Path,
			"status", rec.status, "duration", s.now().Sub(start))
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

// Unwrap lets http.ResponseController reach the real writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter {
	return r.ResponseWriter
}

// securityHeaders keeps pages out of frames and scripts to our own files.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' https: data:; "+
			"script-src 'self'; style-src 'self'; frame-ancestors 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// visitor is the logged-in user of one request.
type visitor struct {
	session
	Name    string
	Subject access.Subject
	token   string
}

// errExpired is the error for a request whose cookie names no live
// session, so the API says why it answers 401.
var errExpired = errors.New("no live session: log in again")

// visitorOf returns who sends the request, reading groups and permissions
// from the directory now.
func (s *server) visitorOf(r *http.Request) (visitor, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return visitor{}, errExpired
	}
	sess, err := s.sessions.get(r.Context(), c.Value)
	if errors.Is(err, errNoSession) {
		return visitor{}, errExpired
	}
	if err != nil {
		return visitor{}, err
	}

	user, err := s.dir.User(r.Context(), sess.UserID)
	if errors.Is(err, kind.ErrNotFound) {
		return visitor{}, errExpired // deleted while logged in
	}
	if err != nil {
		return visitor{}, err
	}
	sub, err := s.subject(r.Context(), user.ID)
	if err != nil {
		return visitor{}, err
	}
	return visitor{session: sess, Name: user.Name, Subject: sub, token: c.Value}, nil
}

func (s *server) subject(ctx context.Context, userID string) (access.Subject, error) {
	groups, err := s.dir.GroupsOf(ctx, userID)
	if err != nil {
		return access.Subject{}, fmt.Errorf("read groups: %w", err)
	}
	perms, err := s.dir.Permissions(ctx, userID)
	if err != nil {
		return access.Subject{}, fmt.Errorf("read permissions: %w", err)
	}
	return access.Subject{UserID: userID, Groups: groups, Permissions: perms}, nil
}

// errNotLoggedIn is what the API is told when a session could not be
// checked at all; the cause goes to the log, not to the client.
var errNotLoggedIn = errors.New("not logged in")

// authenticateAPI is the API's Authenticate: the session cookie. The API
// answers 401 with the error's text, so only errExpired and
// errNotLoggedIn ever reach it.
func (s *server) authenticateAPI(r *http.Request) (access.Subject, error) {
	v, err := s.visitorOf(r)
	if errors.Is(err, errExpired) {
		return access.Subject{}, err
	}
	if err != nil {
		s.log.Error("authenticate API request", "method", r.Method, "path", r.URL.Path, "err", err)
		return access.Subject{}, errNotLoggedIn
	}
	return v.Subject, nil
}

// apiGuard refuses unsafe API calls made with the session cookie unless
// they carry the session's CSRF token in the X-CSRF-Token header.
func (s *server) apiGuard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if safeMethod(r.Method) {
			next.ServeHTTP(w, r)
			return
		}
		v, err := s.visitorOf(r)
		if err != nil {
			next.ServeHTTP(w, r) // the API answers 401 itself
			return
		}
		if !sameOrigin(r) || !tokenMatches(r.Header.Get(csrfHeader), v.CSRF) {
			writeProblem(w, http.StatusForbidden, "CSRF token missing or wrong",
				"send the session's CSRF token in the "+csrfHeader+" header")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// writeProblem answers an application/problem+json document.
func writeProblem(w http.ResponseWriter, status int, title, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"type":"about:blank","title":%q,"status":%d,"detail":%q}`+"\n",
		title, status, detail)
}

// page wraps a UI handler: it sends visitors without a session to the
// login page, and refuses a POST whose form lacks the session's CSRF
// token before the handler runs.
func (s *server) page(fn func(http.ResponseWriter, *http.Request, visitor)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, err := s.visitorOf(r)
		if errors.Is(err, errExpired) {
			s.toLogin(w, r)
			return
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if id := r.PathValue("id"); id != "" && !httpapi.ValidID(id) {
			s.fail(w, r, fmt.Errorf("secret %q: %w", id, kind.ErrNotFound))
			return
		}

		if r.Method == http.MethodPost && !s.formRead(w, r, v) {
			return
		}
		if r.Method == http.MethodPost && !s.csrfOK(r, v) {
			s.render(w, r, http.StatusForbidden, "error", v, errorPage{
				Title: "This form has expired",
				Message: "The form was not sent from this page or your session changed. " +
					"Go back, reload and try again; nothing was changed.",
			})
			return
		}
		fn(w, r, v)
	}
}

// formRead parses a posted form, answering 413 or 400 when it cannot.
func (s *server) formRead(w http.ResponseWriter, r *http.Request, v visitor) bool {
	err := r.ParseForm()
	if err == nil {
		return true
	}
	status, page := http.StatusBadRequest, errorPage{Title: "Unreadable form",
		Message: "The form could not be read: " + err.Error() + ". Nothing was changed."}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		status, page = http.StatusRequestEntityTooLarge, errorPage{Title: "Form too large",
			Message: fmt.Sprintf("A form may hold at most %d KiB. Nothing was changed.", maxForm>>10)}
	}
	s.render(w, r, status, "error", v, page)
	return false
}

func (s *server) csrfOK(r *http.Request, v visitor) bool {
	if !sameOrigin(r) {
		return false
	}
	token := r.Header.Get(csrfHeader)
	if token == "" {
		token = r.PostFormValue(csrfField)
	}
	return tokenMatches(token, v.CSRF)
}

// toLogin sends a visitor without a session to the login page, and a
// script asking for JSON gets 401.
func (s *server) toLogin(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		writeProblem(w, http.StatusUnauthorized, "not logged in", errExpired.Error())
		return
	}
	http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
}

// clientAddr is the address login attempts are limited by: the peer's
// IP, or for IPv6 its /64, which one client usually holds whole.
// secretd does not trust X-Forwarded-For; behind a proxy, all clients
// share the proxy's budget.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || ip.Unmap().Is4() {
		return host
	}
	prefix, _ := ip.Prefix(64)
	return prefix.String()
}

// localPath returns next when it is a path on this site, else "/", so a
// login link cannot send the browser elsewhere. Browsers read a backslash
// as a slash and drop tabs and line breaks, so "/\\host" and "/\t/host"
// would lead off the site: url.Parse refuses control characters, and a
// backslash is refused anywhere.
func localPath(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(next, "/") ||
		strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/"
	}
	return next
}
