package main

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/secretgen/secretgen/runtime/access"
	"github.com/secretgen/secretgen/runtime/kind"
)

// pageNames lists the page templates; each is parsed with layout.html.
var pageNames = []string{"login", "list", "types", "form", "history", "delete", "error", "unreadable"}

func parsePages() (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"initials": initials,
		"logo":     logoURL,
		"when":     func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	}
	pages := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS,
			"templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse template %q: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// view is what every page template receives.
type view struct {
	Title string
	User  string // empty on the login page
	CSRF  string
	Data  any
}

// render writes a page with status. It renders into a buffer first, so a
// template error never leaves half a page.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, name string, v visitor, data any) {
	title := name
	if t, ok := data.(interface{ PageTitle() string }); ok {
		title = t.PageTitle()
	}
	var buf bytes.Buffer
	err := s.pages[name].ExecuteTemplate(&buf, "layout", view{Title: title, User: v.Name, CSRF: v.CSRF, Data: data})
	if err != nil {
		s.log.Error("render page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}

	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// errorPage is the data of the error page.
type errorPage struct {
	Title   string
	Message string
}

func (e errorPage) PageTitle() string { return e.Title }

// fail answers an error of a use case with a page that says what is wrong.
// Errors the visitor cannot cause are logged; their text is not shown.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	v, _ := s.visitorOf(r)
	if s.failUnreadable(w, r, v, err) {
		return
	}
	err = s.hide(r, v, err)
	status, page := http.StatusInternalServerError, errorPage{
		Title:   "Something went wrong",
		Message: "secretd could not finish this request. Nothing was changed; the operator's log says why.",
	}
	switch {
	case errors.Is(err, access.ErrForbidden):
		status, page = http.StatusForbidden, errorPage{"Not allowed", sentence(err)}
	case errors.Is(err, kind.ErrNotFound):
		status, page = http.StatusNotFound, errorPage{"Not found",
			"There is no such secret, or it is not shared with you."}
	case errors.Is(err, kind.ErrConflict):
		status, page = http.StatusConflict, errorPage{"Changed meanwhile",
			"Someone changed this secret since you opened it. Go back, reload and try again."}
	default:
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	s.render(w, r, status, "error", v, page)
}

// hide turns a refusal about a secret the visitor may not see at all into
// not found, as the JSON API does, so that pages tell nobody which ids
// exist. A viewer refused a change still learns why.
func (s *server) hide(r *http.Request, v visitor, err error) error {
	id := r.PathValue("id")
	if id == "" || !errors.Is(err, access.ErrForbidden) {
		return err
	}
	sec, gerr := s.secretOf(r.Context(), v, id)
	if gerr != nil {
		return fmt.Errorf("secret %q: %w", id, kind.ErrNotFound)
	}
	if refusal, ok := roleRefusalOf(r, sec.Role); ok {
		return refusal
	}
	return err
}

// roleRefusal is a refusal worded for the visitor: the role they hold and
// the roles the page's action needs, without the ids of the access
// layer's message. It matches access.ErrForbidden.
type roleRefusal struct {
	role   access.Role
	action string // e.g. "change it"
	needs  string // e.g. "owners and editors"
}

func (e roleRefusal) Error() string {
	article := "a"
	if e.role == access.Owner || e.role == access.Editor {
		article = "an"
	}
	return fmt.Sprintf("you are %s %s of this secret; only %s may %s. Nothing was changed",
		article, e.role, e.needs, e.action)
}

func (e roleRefusal) Unwrap() error { return access.ErrForbidden }

// roleRefusalOf explains a refusal of the page r by the visitor's role,
// when the role is why: editors and viewers may not delete, viewers may
// not change or restore.
func roleRefusalOf(r *http.Request, role access.Role) (roleRefusal, bool) {
	if r.Method != http.MethodPost {
		return roleRefusal{}, false
	}
	switch {
	case strings.HasSuffix(r.URL.Path, "/delete") && role != access.Owner:
		return roleRefusal{role, "delete it", "owners"}, true
	case strings.HasSuffix(r.URL.Path, "/restore") && role == access.Viewer:
		return roleRefusal{role, "restore an earlier version", "owners and editors"}, true
	case r.URL.Path == "/secrets/"+r.PathValue("id") && role == access.Viewer:
		return roleRefusal{role, "change it", "owners and editors"}, true
	}
	return roleRefusal{}, false
}

// sentence turns an error into text for a person.
func sentence(err error) string {
	msg := err.Error()
	if msg == "" {
		return ""
	}
	return strings.ToUpper(msg[:1]) + msg[1:] + "."
}

// initials returns up to two capital letters for a type's title, shown
// when its logo cannot load.
func initials(title string) string {
	var out []rune
	for _, word := range strings.Fields(title) {
		r := []rune(word)[0]
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			out = append(out, unicode.ToUpper(r))
		}
		if len(out) == 2 {
			break
		}
	}
	return string(out)
}

// logoURL turns a credentialLogo into an image URL: an https URL as it is,
// hex-encoded image bytes as a data: URL. Anything else yields "", and the
// page shows the initials.
func logoURL(logo string) template.URL {
	if strings.HasPrefix(logo, "https://") {
		return template.URL(logo)
	}
	b, err := hex.DecodeString(logo)
	if err != nil || len(b) == 0 {
		return ""
	}
	typ := http.DetectContentType(b)
	if !strings.HasPrefix(typ, "image/") {
		return ""
	}
	return template.URL("data:" + typ + ";base64," + base64.StdEncoding.EncodeToString(b))
}

func urlQueryEscape(s string) string {
	return url.QueryEscape(s)
}
