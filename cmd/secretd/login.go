package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/secretgen/secretgen/runtime/directory"
)

// loginView is the data of the login page.
type loginView struct {
	Name    string
	Next    string
	Message string
	Token   string
}

func (loginView) PageTitle() string { return "Log in" }

func (s *server) loginPage(w http.ResponseWriter, r *http.Request) {
	data := loginView{Next: localPath(r.URL.Query().Get("next")), Token: loginToken(w, r)}
	s.render(w, r, http.StatusOK, "login", visitor{}, data)
}

// login checks the limits, then the password, then starts a session.
// Every refusal says what to do and changes nothing.
func (s *server) login(w http.ResponseWriter, r *http.Request) {
	if !s.formRead(w, r, visitor{}) {
		return
	}
	name := r.PostFormValue("name")
	data := loginView{Name: name, Next: localPath(r.PostFormValue("next")), Token: loginToken(w, r)}

	if !checkLoginToken(r) {
		data.Message = "This login form has expired. Please try again."
		s.render(w, r, http.StatusForbidden, "login", visitor{}, data)
		return
	}
	if ok, wait := s.limiter.allow(name, clientAddr(r)); !ok {
		secs := int(wait.Seconds()) + 1
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		data.Message = fmt.Sprintf("Too many login attempts. Try again in %d seconds.", secs)
		s.log.Warn("login rate-limited", s.loginUser(r.Context(), name), "addr", clientAddr(r))
		s.render(w, r, http.StatusTooManyRequests, "login", visitor{}, data)
		return
	}

	user, err := s.dir.Authenticate(r.Context(), name, r.PostFormValue("password"))
	if errors.Is(err, directory.ErrBadCredentials) {
		data.Message = "Wrong user name or password."
		s.log.Info("login refused", s.loginUser(r.Context(), name), "addr", clientAddr(r))
		s.render(w, r, http.StatusUnauthorized, "login", visitor{}, data)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}

	s.startSession(w, r, user.ID, data.Next)
}

// unknownUser stands in the log for a login name that names nobody. It
// cannot be a user name: those hold no parentheses or spaces.
const unknownUser = "(unknown name)"

// loginUser is the log attribute for the name of a refused login: the
// name when it names a user, else unknownUser. People type passwords
// into the name field; such a name must never reach the log.
func (s *server) loginUser(ctx context.Context, name string) slog.Attr {
	if _, err := s.dir.UserByName(ctx, name); err != nil {
		return slog.String("user", unknownUser)
	}
	return slog.String("user", name)
}

func (s *server) startSession(w http.ResponseWriter, r *http.Request, userID, next string) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.sessions.delete(r.Context(), c.Value)
	}
	token, sess, err := s.sessions.create(r.Context(), userID)
	if err != nil {
		s.fail(w, r, err)
		return
	}

	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    token,
		Path:     "/",
		MaxAge:   int(sess.ExpiresAt.Sub(s.now()).Seconds()), // relative: clocks differ
		HttpOnly: true,
		Secure:   r.TLS != nil,
		SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *server) logout(w http.ResponseWriter, r *http.Request, v visitor) {
	if err := s.sessions.delete(r.Context(), v.token); err != nil {
		s.fail(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
