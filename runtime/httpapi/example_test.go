package httpapi_test

import (
	"context"
	"errors"
	"log"
	"net/http"

	"github.com/secretgen/secretgen/runtime/access"
	"github.com/secretgen/secretgen/runtime/httpapi"
	"github.com/secretgen/secretgen/runtime/kind"
	"github.com/secretgen/secretgen/runtime/store"
)

// A platform mounts the API on its own mux, behind its own
// authentication: here a header its proxy sets after login.
func Example() {
	ctx := context.Background()
	reg := kind.Registry{} // generated.Registry() in a real platform

	st, err := store.Open(ctx, store.Config{DSN: "secrets.db"})
	if err != nil {
		log.Fatal(err)
	}
	svc, err := access.New(ctx, access.Config{Store: st, Registry: reg})
	if err != nil {
		log.Fatal(err)
	}

	api := httpapi.New(httpapi.Config{
		Service:  svc,
		Registry: reg,
		Authenticate: func(r *http.Request) (access.Subject, error) {
			user := r.Header.Get("X-Authenticated-User")
			if user == "" {
				return access.Subject{}, errors.New("not logged in")
			}
			return access.Subject{UserID: user}, nil
		},
	})

	mux := http.NewServeMux()
	mux.Handle("/api/", api.Handler())
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", mux))
}
