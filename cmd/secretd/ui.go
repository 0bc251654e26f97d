package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/secretgen/secretgen/runtime/access"
	"github.com/secretgen/secretgen/runtime/kind"
)

// notice is a fixed message a redirect asks a page to show; Key names it
// in the page, so scripts and tests can tell one from another.
type notice struct {
	Key, Text string
}

// noticeOf returns the notice a redirect asked for, if any.
func noticeOf(r *http.Request) notice {
	key := r.URL.Query().Get("notice")
	return notice{Key: key, Text: notices[key]}
}

// notices are the fixed messages a redirect may ask a page to show.
var notices = map[string]string{
	"created":  "Secret saved.",
	"saved":    "Changes saved.",
	"shared":   "Sharing saved.",
	"restored": "Version restored.",
	"deleted":  "Secret deleted.",
}

// listView is the vault page: the visitor's own secrets.
type listView struct {
	Notice  notice
	Secrets []listRow
}

func (listView) PageTitle() string { return "My secrets" }

// listRow is one secret of the list. Unreadable, when set, says why the
// secret does not read; its name then says only that and its type.
type listRow struct {
	ID, Name, Type, Title, Logo, Role string
	Unreadable                        string
	Updated                           time.Time
}

func (s *server) list(w http.ResponseWriter, r *http.Request, v visitor) {
	mine, err := s.svc.Mine(r.Context(), v.Subject)
	if err != nil {
		s.fail(w, r, err)
		return
	}

	rows := make([]listRow, len(mine))
	for i, sec := range mine {
		t, _ := s.reg.Lookup(sec.Type)
		rows[i] = listRow{ID: sec.ID, Name: s.named(sec).Name, Type: sec.Type, Title: title(t, sec.Type),
			Logo: t.Form.Logo, Role: string(sec.Role), Unreadable: sec.Unreadable, Updated: sec.UpdatedAt}
	}
	slices.SortFunc(rows, func(a, b listRow) int { return foldCompare(a.Name, b.Name) })
	s.render(w, r, http.StatusOK, "list", v, listView{Notice: noticeOf(r), Secrets: rows})
}

// typesView is the create page: one card per type, sorted by name.
type typesView struct {
	Types []typeCard
}

// typeCard is one type on the create page. Refused, when set, says why
// the visitor may not create it, and the card is shown disabled.
type typeCard struct {
	kind.Form
	Refused string
}

func (typesView) PageTitle() string { return "New secret" }

func (s *server) types(w http.ResponseWriter, r *http.Request, v visitor) {
	cards := make([]typeCard, len(s.reg.Types))
	for i, t := range s.reg.Types {
		refused, err := s.mayNotCreate(r.Context(), v, t)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		cards[i] = typeCard{Form: t.Form, Refused: refused}
		cards[i].Type = t.Name
		cards[i].Title = title(t, t.Name)
	}
	slices.SortFunc(cards, func(a, b typeCard) int { return foldCompare(a.Title, b.Title) })
	s.render(w, r, http.StatusOK, "types", v, typesView{Types: cards})
}

// mayNotCreate says why the visitor may not create a secret of type t,
// or returns "" when they may: the type requires groups they are not a
// member of.
func (s *server) mayNotCreate(ctx context.Context, v visitor, t kind.Type) (string, error) {
	var missing []string
	for _, name := range t.Groups {
		g, err := s.dir.GroupByName(ctx, name)
		if err != nil && !errors.Is(err, kind.ErrNotFound) {
			return "", err
		}
		if err != nil || !slices.Contains(v.Subject.Groups, g.ID) {
			missing = append(missing, name)
		}
	}

	switch len(missing) {
	case 0:
		return "", nil
	case 1:
		return "Requires membership in group " + missing[0] + ".", nil
	}
	return "Requires membership in groups " + strings.Join(missing, ", ") + ".", nil
}

// foldCompare orders names as people read them, ignoring case.
func foldCompare(a, b string) int {
	return strings.Compare(strings.ToLower(a), strings.ToLower(b))
}

// title is the name a type is shown by.
func title(t kind.Type, fallback string) string {
	if t.Form.Title != "" {
		return t.Form.Title
	}
	return fallback
}

// formView is the page of one secret, new or stored: the edit form, and
// for stored secrets the share dialog and the links to history and delete.
type formView struct {
	New     bool
	Form    kind.Form
	Action  string
	Inputs  []input
	Message string // an error that belongs to no field
	Notice  notice

	Secret   access.Secret
	CanEdit  bool
	CanShare bool
	Shares   []shareView
}

func (f formView) PageTitle() string {
	if f.New {
		return "New " + f.Form.Title
	}
	return f.Secret.Name
}

// newForm shows the form of a new secret; to a visitor who may not
// create one it shows the form read-only with the reason.
func (s *server) newForm(w http.ResponseWriter, r *http.Request, v visitor) {
	t, ok := s.reg.Lookup(r.PathValue("type"))
	if !ok {
		s.fail(w, r, kind.ErrNotFound)
		return
	}
	refused, err := s.mayNotCreate(r.Context(), v, t)
	if err != nil {
		s.fail(w, r, err)
		return
	}

	view := s.newView(t, defaultInputs(t.Form))
	if refused != "" {
		view.CanEdit = false
		view.Message = "You cannot create this secret. " + refused
	}
	s.render(w, r, http.StatusOK, "form", v, view)
}

func (s *server) newView(t kind.Type, inputs []input) formView {
	f := t.Form
	f.Title = title(t, t.Name)
	return formView{New: true, Form: f, Action: "/new/" + t.Name, Inputs: inputs, CanEdit: true}
}

func (s *server) create(w http.ResponseWriter, r *http.Request, v visitor) {
	t, ok := s.reg.Lookup(r.PathValue("type"))
	if !ok {
		s.fail(w, r, kind.ErrNotFound)
		return
	}

	sec, err := s.svc.Create(r.Context(), v.Subject, t.Name, payloadOf(t.Form, r.PostForm), nil)
	if errors.Is(err, access.ErrForbidden) {
		s.createRefused(w, r, v, t)
		return
	}
	s.answerSave(w, r, v, s.newView(t, inputsOf(t.Form, nil)), err, "/secrets/"+sec.ID+"?notice=created")
}

// createRefused shows the form again, as it was sent, with the reason
// above it, so nothing typed is lost: once an administrator adds the
// visitor to the group, the same form can be sent again.
func (s *server) createRefused(w http.ResponseWriter, r *http.Request, v visitor, t kind.Type) {
	refused, err := s.mayNotCreate(r.Context(), v, t)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if refused == "" {
		refused = "You may not create a secret of this type."
	}

	view := s.newView(t, submitted(inputsOf(t.Form, nil), r.PostForm))
	view.Message = "Nothing was saved. " + refused
	s.render(w, r, http.StatusForbidden, "form", v, view)
}

// answerSave redirects to next after a save, or shows the form again,
// as it was sent, with each message beside its field.
func (s *server) answerSave(w http.ResponseWriter, r *http.Request, v visitor, view formView, err error, next string) {
	if messages, ok := fieldErrors(err); ok {
		view.Inputs = withErrors(submitted(view.Inputs, r.PostForm), messages)
		view.Message = "Please correct the fields marked below."
		s.render(w, r, http.StatusUnprocessableEntity, "form", v, view)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *server) edit(w http.ResponseWriter, r *http.Request, v visitor) {
	view, err := s.storedView(r, v, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view.Notice = noticeOf(r)
	s.render(w, r, http.StatusOK, "form", v, view)
}

// storedView loads a stored secret as the visitor may see it.
func (s *server) storedView(r *http.Request, v visitor, id string) (formView, error) {
	sec, err := s.svc.Get(r.Context(), v.Subject, id)
	if err != nil {
		return formView{}, err
	}
	t, ok := s.reg.Lookup(sec.Type)
	if !ok {
		return formView{}, errors.New("stored secret has unregistered type " + sec.Type)
	}

	var values map[string]json.RawMessage
	if err := json.Unmarshal(sec.Payload, &values); err != nil {
		return formView{}, err
	}
	f := t.Form
	f.Title = title(t, t.Name)
	view := formView{
		Form:     f,
		Action:   "/secrets/" + sec.ID,
		Inputs:   maskSecrets(inputsOf(t.Form, values)),
		Secret:   sec,
		CanEdit:  sec.Role == access.Owner || sec.Role == access.Editor,
		CanShare: sec.Role == access.Owner,
	}
	if view.CanShare {
		view.Shares, err = s.shareViews(r.Context(), v, sec)
	}
	return view, err
}

// maskSecrets keeps stored secret fields out of the page even for owners:
// the form shows the mask, which an update sends back to keep the value,
// and the reveal button fetches the value through an audited request.
func maskSecrets(inputs []input) []input {
	for i := range inputs {
		if inputs[i].Secret() && inputs[i].Value != "" {
			inputs[i].Value = access.Mask
		}
	}
	return inputs
}

func (s *server) update(w http.ResponseWriter, r *http.Request, v visitor) {
	id := r.PathValue("id")
	view, err := s.storedView(r, v, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	version, ok := formVersion(r)
	if !ok {
		s.badForm(w, r, v)
		return
	}

	_, err = s.svc.Update(r.Context(), v.Subject, id, version, payloadOf(view.Form, r.PostForm))
	s.answerSave(w, r, v, view, err, "/secrets/"+id+"?notice=saved")
}

// reveal answers the secret fields of a secret in clear, as JSON, for the
// reveal buttons of the form. The access layer audits it.
func (s *server) reveal(w http.ResponseWriter, r *http.Request, v visitor) {
	sec, err := s.svc.Reveal(r.Context(), v.Subject, r.PathValue("id"))
	if err != nil {
		s.revealFailed(w, r, err)
		return
	}

	t, _ := s.reg.Lookup(sec.Type)
	var values map[string]json.RawMessage
	json.Unmarshal(sec.Payload, &values)
	out := map[string]string{}
	for _, f := range t.Form.Fields {
		if f.Secret() {
			out[f.Key] = display(values[f.Key])
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(out)
}

// revealFailed answers a reveal the access layer refused or could not do.
func (s *server) revealFailed(w http.ResponseWriter, r *http.Request, err error) {
	status, detail := http.StatusInternalServerError, "cannot reveal this secret"
	var ue *access.UnreadableError
	switch {
	case errors.Is(err, access.ErrForbidden) || errors.Is(err, kind.ErrNotFound):
		// Reveal refuses only visitors the secret is not shared with:
		// for them it does not exist.
		status = http.StatusNotFound
	case errors.As(err, &ue):
		status, detail = http.StatusConflict, "this secret cannot be read: "+ue.Reason
	default:
		s.log.Error("reveal failed", "path", r.URL.Path, "err", err)
	}
	writeProblem(w, status, http.StatusText(status), detail)
}
