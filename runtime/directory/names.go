package directory

import (
	"fmt"
	"unicode/utf8"
)

// maxNameLen bounds user, group and permission names.
const maxNameLen = 64

// checkName reports what is wrong with the name of a user, group or
// permission, or nil. Names are lowercase ASCII so that "Alice" and
// "alice" can never be two people; user names may also hold '@', so an
// e-mail address works as a user name.
func checkName(what, name string) error {
	if name == "" {
		return invalid(what, "name", "required", "must not be empty")
	}
	if len(name) > maxNameLen {
		return invalid(what, "name", "max",
			fmt.Sprintf("%q is %d bytes long; at most %d are allowed", name, len(name), maxNameLen))
	}

	for i, r := range name {
		if nameRune(r, i == 0, what == "user") {
			continue
		}
		return invalid(what, "name", "charset",
			fmt.Sprintf("%q has %s at byte %d; %s", name, describeRune(r), i, allowed(what)))
	}
	return nil
}

// isID reports whether id has the shape newID gives every id. Other
// strings name no row, and some of them (one holding a NUL byte) would
// break the query: bun writes arguments into the SQL text and turns a
// NUL byte into an error marker, which the database reads as a syntax
// error.
func isID(id string) bool {
	if len(id) != idLen {
		return false
	}
	for _, c := range []byte(id) {
		if (c < 'a' || c > 'z') && (c < '2' || c > '7') {
			return false
		}
	}
	return true
}

// possible reports whether value can stand in column of a row of what:
// an id or a name that breaks its rules is in no row, and is never sent
// to the database.
func possible(what, column, value string) bool {
	if column == "id" {
		return isID(value)
	}
	return checkName(what, value) == nil
}

func nameRune(r rune, first, user bool) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		return true
	case first:
		return false
	case r == '.', r == '_', r == '-':
		return true
	case r == '@':
		return user
	}
	return false
}

func describeRune(r rune) string {
	if r == utf8.RuneError {
		return "an invalid UTF-8 byte"
	}
	return fmt.Sprintf("%q", r)
}

func allowed(what string) string {
	extra := "'.', '_' and '-'"
	if what == "user" {
		extra = "'.', '_', '-' and '@'"
	}
	return "use lowercase letters and digits, then also " + extra
}
