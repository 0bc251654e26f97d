// Package std holds the few helpers every secretgen program wants and the
// standard library lacks. Must turns a constructor's error into a panic at
// start-up, where there is nothing better to do with it:
//
//	sm := std.Must(cfg.SecretManagement())
package std

// Must returns v, or panics with err when err is not nil. Use it where a
// failure can only be a programming or set-up mistake, such as wiring a
// program together in main; never on input from a request.
func Must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
