package httpapi

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/secretgen/secretgen/runtime/access"
	"github.com/secretgen/secretgen/runtime/kind"
)

// TestHandlersThatDoNotFitPanic pins the wiring mistakes New refuses,
// each with a message that names the type.
func TestHandlersThatDoNotFitPanic(t *testing.T) {
	noop := func(*API, http.ResponseWriter, *http.Request, access.Subject) error { return nil }
	odd := serverType()
	odd.Name = "a b"
	reg := kind.Registry{Types: []kind.Type{serverType(), odd}}

	tests := []struct {
		name     string
		handlers []TypeHandlers
		want     string
	}{
		{"unregistered type", []TypeHandlers{{Type: "Other", Get: noop}}, `type "Other", which the registry lacks`},
		{"other fingerprint", []TypeHandlers{{Type: "Server", Fingerprint: "old", Get: noop}}, `fingerprint "old", the registry holds "test"`},
		{"twice", []TypeHandlers{{Type: "Server", Fingerprint: "test"}, {Type: "Server", Fingerprint: "test"}}, `two sets of handlers for type "Server"`},
		{"name unfit for a route", []TypeHandlers{{Type: "a b", Fingerprint: "test"}}, `type "a b" cannot name a route`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if msg := fmt.Sprint(recover()); !strings.Contains(msg, tt.want) {
					t.Errorf("panic %q, want one with %q", msg, tt.want)
				}
			}()
			New(Config{Service: broken{}, Registry: reg, Authenticate: authenticate, Handlers: tt.handlers})
		})
	}
}
