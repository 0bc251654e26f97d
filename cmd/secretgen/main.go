// Command secretgen generates the code of secret types from their
// enum.Variant declarations. go generate runs it from a type package:
//
//	//go:generate go run github.com/secretgen/secretgen/cmd/secretgen generate .
//
// and CI checks that the committed output is current:
//
//	go run ./cmd/secretgen check ./secret
//
// Output goes to generated/ and docs/secret-types.md at the module root
// unless -out and -docs say otherwise. Problems in the input are printed
// as file:line:col: message, all of them, and nothing is written.
//
// Exit codes: 0 done, 1 bad input or stale output, 2 bad usage.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
