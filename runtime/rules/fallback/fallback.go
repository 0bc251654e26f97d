// Package fallback runs the validator/v10 rules that secretgen does not
// compile to native Go. Generated validators call it only for fields whose
// rules need it, so a package without such rules never links validator:
//
//	errs = append(errs, fallback.Check("Tags", v.Tags, "dive,uuid4")...)
package fallback

import (
	"errors"
	"fmt"

	"github.com/go-playground/validator/v10"

	"github.com/secretgen/secretgen/runtime/kind"
)

var validate = validator.New(validator.WithRequiredStructEnabled())

// Check validates value against the validator tag rules and returns one
// FieldError under key per broken rule. The value never appears in them.
func Check(key string, value any, rules string) []kind.FieldError {
	err := validate.Var(value, rules)
	if err == nil {
		return nil
	}

	var broken validator.ValidationErrors
	if !errors.As(err, &broken) {
		return []kind.FieldError{{Field: key, Rule: rules, Message: "cannot be checked"}}
	}

	out := make([]kind.FieldError, 0, len(broken))
	for _, fe := range broken {
		out = append(out, kind.FieldError{
			Field:   key,
			Rule:    fe.Tag(),
			Message: message(fe),
		})
	}
	return out
}

func message(fe validator.FieldError) string {
	if fe.Param() == "" {
		return fmt.Sprintf("does not satisfy %s", fe.Tag())
	}
	return fmt.Sprintf("does not satisfy %s=%s", fe.Tag(), fe.Param())
}
