// Package breaking tells what a change to secret types does to stored
// secrets and API clients: `secretgen breaking`.
//
// It compares the JSON Schemas the current source would generate with
// those committed at a git ref (or kept in a folder), in the spirit of
// buf's breaking-change check, and reports each change with its position
// in the source and its category:
//
//	$ secretgen breaking -against main ./secret
//	secret/smtp.go:12:2: SMTP.Port: field retyped: integer (int) to string (string): stored values no longer decode (breaks stored data)
//	secret/smtp.go:13:2: SMTP.Host: json key renamed: from "Server": … (breaks API clients)
//	2 breaking changes (stored data: 1, API clients: 1); if they are intended, pass --allow-breaking
//
// Categories: StoredData (secrets stored under the old shape stop opening,
// lose a value, or may fail validation), API (clients of the old shape
// break), Cosmetic (presentation only) and Compatible (the shape grew or
// loosened). The command exits 1 when a change is StoredData or API,
// unless -allow-breaking is given.
//
// The parts are usable alone: ReadAgainst reads the old schemas, Compare
// lists the changes, Locate positions them, Report prints them and
// decides the exit code.
package breaking
