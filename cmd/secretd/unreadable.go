package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/secretgen/secretgen/runtime/access"
)

// secretOf returns a secret shared with the visitor. One that no longer
// reads with its type (the type is gone, a field was retyped) comes back
// without an error, with Unreadable set and its metadata and role but no
// name or payload, so that its pages can still offer history and delete.
func (s *server) secretOf(ctx context.Context, v visitor, id string) (access.Secret, error) {
	sec, err := s.svc.Get(ctx, v.Subject, id)
	var ue *access.UnreadableError
	if errors.As(err, &ue) && ue.Secret.ID != "" {
		return ue.Secret, nil
	}
	return sec, err
}

// unreadableView is the page of a secret that no longer reads: why, and
// what the visitor may still do with it.
type unreadableView struct {
	Secret     access.Secret
	TypeTitle  string
	TypeGone   bool // the type is no longer registered
	CanRestore bool
	CanDelete  bool
	Message    string // what a refused action did not do
}

func (u unreadableView) PageTitle() string { return u.Secret.Name }

// named gives a secret that does not read a name to be shown by, since
// its own name is inside the payload that does not read.
func (s *server) named(sec access.Secret) access.Secret {
	if sec.Unreadable != "" {
		t, _ := s.reg.Lookup(sec.Type)
		sec.Name = "Unreadable " + title(t, sec.Type) + " secret"
	}
	return sec
}

func (s *server) unreadableView(sec access.Secret) unreadableView {
	t, registered := s.reg.Lookup(sec.Type)
	canEdit := sec.Role == access.Owner || sec.Role == access.Editor
	return unreadableView{
		Secret:     s.named(sec),
		TypeTitle:  title(t, sec.Type),
		TypeGone:   !registered,
		CanRestore: registered && canEdit,
		CanDelete:  sec.Role == access.Owner,
	}
}

// showUnreadable answers the page of a secret that does not read, with
// message above it when an action on it was refused.
func (s *server) showUnreadable(w http.ResponseWriter, r *http.Request, v visitor, sec access.Secret, status int, message string) {
	view := s.unreadableView(sec)
	view.Message = message
	s.render(w, r, status, "unreadable", v, view)
}

// failUnreadable answers a request refused because the secret, or the
// version it would restore, does not read: a GET shows the secret's
// page, anything else that page with what was not done. It reports
// whether err was such a refusal.
func (s *server) failUnreadable(w http.ResponseWriter, r *http.Request, v visitor, err error) bool {
	var ue *access.UnreadableError
	if !errors.As(err, &ue) {
		return false
	}
	sec, gerr := s.secretOf(r.Context(), v, ue.ID)
	if gerr != nil || sec.Unreadable == "" {
		// The current version reads (a restore of one that does not
		// was refused), or the secret can no longer be listed.
		s.render(w, r, http.StatusConflict, "error", v, errorPage{Title: "Cannot be read",
			Message: "The version asked for cannot be read: " + ue.Reason + ". Nothing was changed."})
		return true
	}

	switch {
	case r.Method == http.MethodGet:
		s.showUnreadable(w, r, v, sec, http.StatusOK, "")
	case strings.HasSuffix(r.URL.Path, "/restore"):
		s.showUnreadable(w, r, v, sec, http.StatusConflict,
			"That version cannot be read either: "+ue.Reason+". Nothing was changed.")
	default:
		s.showUnreadable(w, r, v, sec, http.StatusConflict,
			"This secret cannot be read, so it cannot be changed. Nothing was changed.")
	}
	return true
}

// unreadableRestore answers a restore the access layer could not do
// because the secret's type is no longer registered: no version of it
// reads, so the page says so instead of "not found". It reports whether
// that was the case.
func (s *server) unreadableRestore(w http.ResponseWriter, r *http.Request, v visitor, id string) bool {
	sec, err := s.secretOf(r.Context(), v, id)
	if err != nil || sec.Unreadable == "" {
		return false
	}
	if _, ok := s.reg.Lookup(sec.Type); ok {
		return false
	}
	s.showUnreadable(w, r, v, sec, http.StatusConflict,
		fmt.Sprintf("No version can be restored: type %s is no longer registered. Nothing was changed.", sec.Type))
	return true
}
