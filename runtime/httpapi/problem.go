package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/secretgen/secretgen/runtime/access"
	"github.com/secretgen/secretgen/runtime/kind"
)

// Problem is an RFC 9457 problem document. Errors lists the fields of a
// payload that failed, by JSON key and rule; it never holds a value.
type Problem struct {
	Type   string            `json:"type"`
	Title  string            `json:"title"`
	Status int               `json:"status"`
	Detail string            `json:"detail"`
	Errors []kind.FieldError `json:"errors,omitempty"`
}

// StatusError is a failure whose status the handler knows, such as a
// malformed body or a missing If-Match header.
type StatusError struct {
	Status int
	Detail string            // says what is wrong and where
	Fields []kind.FieldError // optional per-field details
}

// Error returns the detail.
func (e *StatusError) Error() string {
	return e.Detail
}

// badRequest returns a 400 StatusError about one key of the input.
func badRequest(key, rule, format string, args ...any) *StatusError {
	msg := fmt.Sprintf(format, args...)
	e := &StatusError{Status: http.StatusBadRequest, Detail: msg}
	if key != "" {
		e.Fields = []kind.FieldError{{Field: key, Rule: rule, Message: msg}}
	}
	return e
}

// ProblemOf maps err to the problem document the API answers with:
//
//	*StatusError           its own status
//	*http.MaxBytesError    413
//	*kind.DecodeError      400, the key in errors
//	*kind.ValidationError  422, every field in errors
//	*access.InvalidError   422, "user" or the groups' key in errors
//	*access.AmbiguousError 409
//	*access.UnreadableError 409, the stored data no longer fits its type
//	kind.ErrConflict       412 when the request sent If-Match, else 409
//	access.ErrForbidden    403
//	kind.ErrNotFound       404
//	context canceled       503
//	anything else          500, with a detail that hides the cause
func ProblemOf(r *http.Request, err error) Problem {
	var (
		se  *StatusError
		de  *kind.DecodeError
		ve  *kind.ValidationError
		ae  *access.AmbiguousError
		ie  *access.InvalidError
		ue  *access.UnreadableError
		mbe *http.MaxBytesError
	)
	switch {
	case errors.As(err, &se):
		return problem(se.Status, se.Detail, se.Fields)
	case errors.As(err, &mbe):
		return problem(http.StatusRequestEntityTooLarge,
			fmt.Sprintf("body: larger than %d bytes", mbe.Limit), nil)
	case errors.As(err, &ue):
		return problem(http.StatusConflict, err.Error()+
			"; restore a version that reads, or register the type as it was", nil)
	case errors.As(err, &de):
		return problem(http.StatusBadRequest, err.Error(), decodeFields(de))
	case errors.As(err, &ve):
		return problem(http.StatusUnprocessableEntity, err.Error(), ve.Fields)
	case errors.As(err, &ie):
		return problem(http.StatusUnprocessableEntity, err.Error(),
			[]kind.FieldError{{Field: invalidKey(ie), Rule: ie.Rule, Message: ie.Error()}})
	case errors.As(err, &ae):
		return problem(http.StatusConflict, err.Error(), nil)
	case errors.Is(err, kind.ErrConflict) && r.Header.Get("If-Match") != "":
		return problem(http.StatusPreconditionFailed,
			err.Error()+": the If-Match version is not the current one; GET the secret again", nil)
	case errors.Is(err, kind.ErrConflict):
		return problem(http.StatusConflict, err.Error(), nil)
	case errors.Is(err, access.ErrForbidden):
		return problem(http.StatusForbidden, err.Error(), nil)
	case errors.Is(err, kind.ErrNotFound):
		return problem(http.StatusNotFound, err.Error(), nil)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return problem(http.StatusServiceUnavailable, "the request was canceled or timed out", nil)
	}
	return problem(http.StatusInternalServerError, "internal error; the server log has the cause", nil)
}

func problem(status int, detail string, fields []kind.FieldError) Problem {
	return Problem{
		Type:   "about:blank",
		Title:  http.StatusText(status),
		Status: status,
		Detail: detail,
		Errors: fields,
	}
}

// invalidKey is the key of the input an *access.InvalidError is about:
// the groups' key it names, else "user".
func invalidKey(ie *access.InvalidError) string {
	if ie.Key != "" {
		return ie.Key
	}
	return "user"
}

func decodeFields(de *kind.DecodeError) []kind.FieldError {
	if de.Key == "" {
		return nil
	}
	return []kind.FieldError{{Field: de.Key, Rule: "decode", Message: de.Reason}}
}

// WriteProblem writes err as an application/problem+json document with
// the status ProblemOf gives it.
func WriteProblem(w http.ResponseWriter, r *http.Request, err error) {
	p := ProblemOf(r, err)

	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	json.NewEncoder(w).Encode(p)
}

// hide turns a refusal about a secret the subject cannot see at all into
// not found, so that guessing ids tells nothing: a viewer refused an
// update still gets 403, a stranger 404. The probe is a Get, which the
// access layer refuses, and audits as refused, for a stranger only.
func (a *API) hide(r *http.Request, sub access.Subject, err error) error {
	id := r.PathValue("id")
	if id == "" || !errors.Is(err, access.ErrForbidden) {
		return err
	}
	if _, gerr := a.svc.Get(r.Context(), sub, id); gerr == nil {
		return err
	}
	return notFound(id)
}

// notFound is the answer about a secret that does not exist or that the
// subject may not know of; the two read the same.
func notFound(id string) error {
	return fmt.Errorf("secret %q: %w", id, kind.ErrNotFound)
}

// logFailure logs a failed request: internal errors at error level with
// their cause, everything else at debug level. Errors never hold values.
func (a *API) logFailure(r *http.Request, err error) {
	p := ProblemOf(r, err)
	attrs := []any{"method", r.Method, "route", r.Pattern, "status", p.Status}

	if p.Status >= 500 {
		a.log.ErrorContext(r.Context(), "httpapi: request failed", append(attrs, "err", err)...)
		return
	}
	a.log.DebugContext(r.Context(), "httpapi: request refused", append(attrs, "detail", p.Detail)...)
}
