package main

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/secretgen/secretgen/runtime/access"
	"github.com/secretgen/secretgen/runtime/kind"
)

// historyView lists the kept versions of a secret, newest first. A
// secret that does not read can be restored only while its type is
// registered: then an earlier version may read.
type historyView struct {
	Secret   access.Secret
	Versions []kind.Meta
	CanEdit  bool
}

func (h historyView) PageTitle() string { return "History of " + h.Secret.Name }

func (s *server) history(w http.ResponseWriter, r *http.Request, v visitor) {
	id := r.PathValue("id")
	sec, err := s.secretOf(r.Context(), v, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	versions, err := s.svc.History(r.Context(), v.Subject, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}

	_, registered := s.reg.Lookup(sec.Type)
	canEdit := registered && (sec.Role == access.Owner || sec.Role == access.Editor)
	s.render(w, r, http.StatusOK, "history", v, historyView{Secret: s.named(sec), Versions: versions, CanEdit: canEdit})
}

func (s *server) restore(w http.ResponseWriter, r *http.Request, v visitor) {
	id := r.PathValue("id")
	expect, ok := formVersion(r)
	if !ok {
		s.badForm(w, r, v)
		return
	}
	from, err := strconv.ParseInt(r.PostFormValue("from"), 10, 64)
	if err != nil || from < 1 {
		s.render(w, r, http.StatusBadRequest, "error", v, errorPage{
			Title: "Incomplete form",
			Message: "The form does not say which version to restore. " +
				"Go back to the history, reload and try again; nothing was changed.",
		})
		return
	}

	_, err = s.svc.Restore(r.Context(), v.Subject, id, expect, from)
	if errors.Is(err, kind.ErrNotFound) && s.unreadableRestore(w, r, v, id) {
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/secrets/"+id+"?notice=restored", http.StatusSeeOther)
}

// deleteView asks before a secret is deleted.
type deleteView struct {
	Secret access.Secret
}

func (d deleteView) PageTitle() string { return "Delete " + d.Secret.Name + "?" }

func (s *server) confirmDelete(w http.ResponseWriter, r *http.Request, v visitor) {
	sec, err := s.secretOf(r.Context(), v, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "delete", v, deleteView{Secret: s.named(sec)})
}

func (s *server) delete(w http.ResponseWriter, r *http.Request, v visitor) {
	version, ok := formVersion(r)
	if !ok {
		s.badForm(w, r, v)
		return
	}
	if err := s.svc.Delete(r.Context(), v.Subject, r.PathValue("id"), version); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/?notice=deleted", http.StatusSeeOther)
}

// formVersion reads the version a form was loaded at.
func formVersion(r *http.Request) (int64, bool) {
	v, err := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	return v, err == nil && v > 0
}

func (s *server) badForm(w http.ResponseWriter, r *http.Request, v visitor) {
	s.render(w, r, http.StatusBadRequest, "error", v, errorPage{
		Title:   "Incomplete form",
		Message: "The form lacks the version it was loaded at. Go back, reload and try again; nothing was changed.",
	})
}
