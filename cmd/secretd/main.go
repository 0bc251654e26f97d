// Command secretd is secretgen's reference server: the JSON API and a web
// UI for storing, sharing and using secrets, on an embedded SQLite file or
// on PostgreSQL.
//
//	go run ./cmd/secretd                      # http://127.0.0.1:8080, data in ./secretd-data
//	secretd -dsn postgres://… -key-file /etc/secretd/master.key
//	secretd user add bob
//	secretd group add ops
//	secretd group member add ops bob
//	secretd key rotate
//
// The first start creates the user admin and prints its password once
// (or takes it from -admin-password / SECRETD_ADMIN_PASSWORD). Every flag
// has an environment variable; run `secretd -h` for the list.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
