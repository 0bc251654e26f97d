package configurator_test

import (
	"errors"
	"log"
	"net/http"

	"github.com/secretgen/secretgen/configurator"
	"github.com/secretgen/secretgen/generated"
	"github.com/secretgen/secretgen/runtime/access"
	"github.com/secretgen/secretgen/std"
)

// A platform mounts the JSON API on its own mux, behind its own
// authentication: a function from request to Subject.
func Example() {
	cfg := configurator.New(configurator.Options{
		DataDir:  "secretd-data",       // SQLite file and key file
		Registry: generated.Registry(), // the platform's types; SMTP is always there
		Authenticate: func(r *http.Request) (access.Subject, error) {
			user := r.Header.Get("X-Platform-User") // your session lookup here
			if user == "" {
				return access.Subject{}, errors.New("not logged in")
			}
			return access.Subject{UserID: user}, nil
		},
	})
	defer cfg.Close()
	sm := std.Must(cfg.SecretManagement())

	mux := http.NewServeMux()
	mux.Handle("/api/", sm.API.Handler())
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", mux))
}
