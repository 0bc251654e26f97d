package main

import (
	"crypto/subtle"
	"net/http"
	"net/url"
)

// The CSRF defences, in order:
//
//   - session cookies are SameSite=Lax, so another site's form posts
//     arrive without them;
//   - every form carries the session's token in the field csrfField, and
//     every unsafe /api call made with the cookie carries it in the
//     header csrfHeader;
//   - the login form, which has no session yet, carries a token that must
//     equal the one in the cookie loginCSRFCookie (double submit);
//   - a request whose Origin header names another host is refused.
const (
	csrfField       = "csrf"
	csrfHeader      = "X-CSRF-Token"
	loginCSRFCookie = "secretd_login_csrf"
)

// tokenMatches compares two CSRF tokens in constant time; an empty token
// matches nothing.
func tokenMatches(got, want string) bool {
	if got == "" || want == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// sameOrigin reports whether the request's Origin header, when it has one,
// names the host the request was sent to.
func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	return u.Host == r.Host
}

// safeMethod reports whether the method changes nothing by definition.
func safeMethod(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	return false
}

// loginToken returns the login form's CSRF token, setting its cookie when
// the browser has none yet.
func loginToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(loginCSRFCookie); err == nil && c.Value != "" {
		return c.Value
	}
	token := randomToken()
	http.SetCookie(w, &http.Cookie{
		Name:     loginCSRFCookie,
		Value:    token,
		Path:     "/login",
		HttpOnly: true,
		Secure:   r.TLS != nil,
		SameSite: http.SameSiteStrictMode,
	})
	return token
}

// checkLoginToken reports whether a login form was sent from our page.
func checkLoginToken(r *http.Request) bool {
	c, err := r.Cookie(loginCSRFCookie)
	if err != nil {
		return false
	}
	return sameOrigin(r) && tokenMatches(r.PostFormValue(csrfField), c.Value)
}
