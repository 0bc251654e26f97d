package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/secretgen/secretgen/runtime/access"
	"github.com/secretgen/secretgen/runtime/kind"
)

// shareView is one row of the share dialog: a user with a role, or a
// group. Groups the visitor is no member of are shown but cannot be
// changed.
type shareView struct {
	ID       string
	Name     string
	Group    bool
	Role     access.Role
	Checked  bool // groups: the secret is attached
	Fixed    bool // groups: the visitor may not change it
	Required bool // groups: the secret's type requires it
	Self     bool // users: the visitor's own row
}

// roles are the choices of the role menus.
var roles = []access.Role{access.Owner, access.Editor, access.Viewer}

// Roles returns the role choices for templates.
func (shareView) Roles() []access.Role { return roles }

func (s *server) shareViews(ctx context.Context, v visitor, sec access.Secret) ([]shareView, error) {
	var out []shareView
	for _, u := range sec.Users {
		user, err := s.dir.User(ctx, u.UserID)
		name := user.Name
		if errors.Is(err, kind.ErrNotFound) {
			name = u.UserID
		} else if err != nil {
			return nil, err
		}
		out = append(out, shareView{ID: u.UserID, Name: name, Role: u.Role, Self: u.UserID == v.Subject.UserID})
	}

	groups, err := s.groupViews(ctx, v, sec)
	if err != nil {
		return nil, err
	}
	return append(out, groups...), nil
}

// groupViews lists the visitor's groups, checked where the secret is
// attached, and the other groups it is attached to, fixed; so are the
// groups the secret's type requires.
func (s *server) groupViews(ctx context.Context, v visitor, sec access.Secret) ([]shareView, error) {
	t, _ := s.reg.Lookup(sec.Type)
	var out []shareView
	ids := append(slices.Clone(v.Subject.Groups), sec.Groups...)
	slices.Sort(ids)
	for _, id := range slices.Compact(ids) {
		g, err := s.dir.Group(ctx, id)
		if err != nil {
			return nil, err
		}
		mine := slices.Contains(v.Subject.Groups, id)
		required := slices.Contains(t.Groups, g.Name)
		out = append(out, shareView{ID: id, Name: g.Name, Group: true,
			Checked: slices.Contains(sec.Groups, id), Fixed: !mine || required, Required: required})
	}
	slices.SortFunc(out, func(a, b shareView) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// share saves the share dialog: the roles of the listed users, a new user
// by name, and which of the visitor's groups the secret is attached to.
// Only what the visitor changed from the shares the dialog loaded is
// saved, so a share another owner added or changed meanwhile survives;
// shares the visitor cannot see or set are kept by the access layer.
func (s *server) share(w http.ResponseWriter, r *http.Request, v visitor) {
	id := r.PathValue("id")
	users, err := s.sharedUsers(r)
	if err != nil {
		s.shareFailed(w, r, v, id, err)
		return
	}
	loaded, err := loadedShares(r)
	if err != nil {
		s.shareFailed(w, r, v, id, err)
		return
	}

	saved := access.Shares{Users: users, Groups: r.PostForm["group"]}
	err = s.svc.SaveSharesFrom(r.Context(), v.Subject, id, loaded, saved)
	if err != nil {
		s.shareFailed(w, r, v, id, err)
		return
	}
	http.Redirect(w, r, "/secrets/"+id+"?notice=shared", http.StatusSeeOther)
}

// shareFormError is a mistake in a sent share dialog that its sender can
// fix: a user name the directory does not know, a role that is none of
// the three, a user listed twice.
type shareFormError struct{ msg string }

func (e shareFormError) Error() string { return e.msg }

func (s *server) sharedUsers(r *http.Request) ([]access.UserShare, error) {
	var users []access.UserShare
	for _, id := range r.PostForm["user"] {
		role := access.Role(r.PostFormValue("role:" + id))
		if role == "" || role == "none" {
			continue // removed
		}
		if err := s.knownUser(r.Context(), id); err != nil {
			return nil, err
		}
		users = append(users, access.UserShare{UserID: id, Role: role})
	}

	name := strings.TrimSpace(r.PostFormValue("new_user"))
	if name != "" {
		user, err := s.dir.UserByName(r.Context(), name)
		if errors.Is(err, kind.ErrNotFound) {
			return nil, shareFormError{fmt.Sprintf("there is no user named %q", name)}
		}
		if err != nil {
			return nil, err
		}
		users = append(users, access.UserShare{UserID: user.ID, Role: access.Role(r.PostFormValue("new_role"))})
	}
	return users, checkSharedUsers(users)
}

// loadedShares reads the shares the dialog loaded, which it carries as
// hidden fields: loaded_user with loaded_role:<id> for each user, and
// loaded_group. A secret always has an owner, so a dialog that loaded no
// user was forged or comes from an older page.
func loadedShares(r *http.Request) (access.Shares, error) {
	var loaded access.Shares
	for _, id := range r.PostForm["loaded_user"] {
		role := access.Role(r.PostFormValue("loaded_role:" + id))
		loaded.Users = append(loaded.Users, access.UserShare{UserID: id, Role: role})
	}
	if len(loaded.Users) == 0 {
		return loaded, shareFormError{"the share dialog does not say which shares it loaded; reload the page and share again"}
	}
	if err := checkLoadedUsers(loaded.Users); err != nil {
		return loaded, err
	}

	loaded.Groups = r.PostForm["loaded_group"]
	if slices.Contains(loaded.Groups, "") {
		return loaded, shareFormError{"the share dialog loaded a group without an id; reload the page and share again"}
	}
	return loaded, nil
}

// checkLoadedUsers refuses loaded shares the dialog cannot have rendered:
// an empty id, a role that is none of the three, a user listed twice.
// Their ids need not name a user still: one deleted since keeps its share
// until an owner removes it.
func checkLoadedUsers(users []access.UserShare) error {
	for _, u := range users {
		if u.UserID == "" {
			return shareFormError{"the share dialog loaded a user without an id; reload the page and share again"}
		}
	}
	if err := checkSharedUsers(users); err != nil {
		return shareFormError{"the shares the dialog loaded are not as it showed them: " + err.Error() + "; reload the page and share again"}
	}
	return nil
}

// knownUser refuses a user id the directory does not know: the dialog
// lists only users that exist, so the form was forged or is stale.
func (s *server) knownUser(ctx context.Context, id string) error {
	_, err := s.dir.User(ctx, id)
	if errors.Is(err, kind.ErrNotFound) {
		return shareFormError{fmt.Sprintf("user id %q names no user; reload the page and share again", id)}
	}
	return err
}

// checkSharedUsers refuses a role that is none of the three and a user
// listed twice, before the access layer sees them.
func checkSharedUsers(users []access.UserShare) error {
	seen := map[string]bool{}
	for _, u := range users {
		if !u.Role.Valid() {
			return shareFormError{fmt.Sprintf("role %q is not one of %s, %s and %s",
				u.Role, access.Owner, access.Editor, access.Viewer)}
		}
		if seen[u.UserID] {
			return shareFormError{"a user is listed twice; give each user one role"}
		}
		seen[u.UserID] = true
	}
	return nil
}

// shareFailed shows the secret again with the reason in the dialog when
// the reason is the visitor's to fix; anything else is an error page.
func (s *server) shareFailed(w http.ResponseWriter, r *http.Request, v visitor, id string, err error) {
	var mistake shareFormError
	var invalid *access.InvalidError
	if !errors.As(err, &mistake) && !errors.As(err, &invalid) && !errors.Is(err, access.ErrForbidden) && !isInvalid(err) {
		s.fail(w, r, err)
		return
	}
	view, verr := s.storedView(r, v, id)
	if verr != nil {
		s.fail(w, r, verr)
		return
	}
	view.Message = sentence(err)
	s.render(w, r, http.StatusUnprocessableEntity, "form", v, view)
}

func isInvalid(err error) bool {
	var verr *kind.ValidationError
	return errors.As(err, &verr)
}
