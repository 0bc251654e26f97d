package breaking

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// defaultDetail says what a changed default means: the codec does not
// fill missing keys with defaults, so only new forms and clients see it.
const defaultDetail = "new forms and clients that rely on it get a different value"

// compareField lists the changes between two versions of one field; n
// may carry a new key when the field was renamed.
func compareField(typ string, o, n Property, oldReq, newReq bool) []Change {
	var changes []Change
	add := func(k Kind, detail string) {
		changes = append(changes, change(k, typ, n.Key, detail))
	}

	retyped := !storedAlike(o, n)
	if retyped {
		add(FieldRetyped, fmt.Sprintf("%s to %s: stored values no longer decode", typeOf(o), typeOf(n)))
	}

	if k, detail, ok := compareStyle(o, n); ok {
		add(k, detail)
	}
	if detail, ok := compareDefault(o, n, retyped); ok {
		add(DefaultChanged, detail)
	}

	tightened, loosened := compareValidation(o, n, oldReq, newReq, retyped)
	if len(tightened) > 0 {
		add(ValidationTightened, strings.Join(tightened, "; ")+": stored values may now fail")
	}
	if len(loosened) > 0 {
		add(ValidationLoosened, strings.Join(loosened, "; "))
	}

	if shown := comparePresentation(o, n); len(shown) > 0 {
		add(PresentationChanged, strings.Join(shown, "; "))
	}
	return changes
}

// storedAlike reports whether two versions of a field store their values
// alike: the same JSON kind, and the same Go type when both are basic
// ones, since int8 and int64 store the same JSON kind but not the same
// values. A named Go type (secret.Port) says nothing beyond its kind.
func storedAlike(o, n Property) bool {
	if kindOf(o) != kindOf(n) {
		return false
	}
	ob, nb := basicType(o), basicType(n)
	return ob == "" || nb == "" || ob == nb
}

// compareDefault describes a changed default. A retyped default is
// spelled anew (587 becomes "587"); only a different text is a different
// default then.
func compareDefault(o, n Property, retyped bool) (string, bool) {
	od, nd := keyword(o.Keywords, roleDefault), keyword(n.Keywords, roleDefault)
	if canon(od) == canon(nd) || retyped && unquote(od) == unquote(nd) {
		return "", false
	}
	return fmt.Sprintf("from %s to %s: %s", show(od), show(nd), defaultDetail), true
}

// typeOf describes a field's stored type for the report, e.g.
// "integer (int)" or "string x-format go-duration (time.Duration)".
func typeOf(p Property) string {
	if t := unquote(p.Keywords["x-go-type"]); t != "" {
		return kindOf(p) + " (" + t + ")"
	}
	return kindOf(p)
}

func kindOf(p Property) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(p.Keywords)) {
		v := p.Keywords[k]
		if roleOf(k, v, nil) != roleType {
			continue
		}
		if k == "type" {
			parts = append([]string{unquote(v)}, parts...)
			continue
		}
		parts = append(parts, k+" "+unquote(v))
	}
	if len(parts) == 0 {
		return "any"
	}
	return strings.Join(parts, " ")
}

func basicType(p Property) string {
	t := unquote(p.Keywords["x-go-type"])
	if strings.Contains(t, ".") {
		return ""
	}
	return t
}

func unquote(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return canon(raw)
}

func compareStyle(o, n Property) (Kind, string, bool) {
	os, ns := unquote(keyword(o.Keywords, roleStyle)), unquote(keyword(n.Keywords, roleStyle))
	switch {
	case os == ns:
		return "", "", false
	case os == "secret":
		return SecretDropped, "values once masked are now shown to viewers and in lists", true
	case ns == "secret":
		return SecretAdded, "viewers and lists no longer receive the value", true
	}
	return StyleChanged, fmt.Sprintf("from %q to %q", os, ns), true
}

func comparePresentation(o, n Property) []string {
	var shown []string
	for _, k := range unionKeys(o.Keywords, n.Keywords) {
		ov, nv := o.Keywords[k], n.Keywords[k]
		if roleOf(k, ov, nv) == rolePresentation && canon(ov) != canon(nv) {
			shown = append(shown, fmt.Sprintf("%s from %s to %s", k, show(ov), show(nv)))
		}
	}
	return shown
}

// compareValidation reads the validate tags first, since they are what
// the generated validator checks and the JSON Schema keywords follow
// from them. When the tags say nothing changed, the keywords can still
// tell: a narrower integer kind lowers maximum. A retyped field spells
// the same rules in other keywords (maxLength for maximum), so only its
// tags are compared.
func compareValidation(o, n Property, oldReq, newReq, retyped bool) (tightened, loosened []string) {
	ot, nt := keyword(o.Keywords, roleRules), keyword(n.Keywords, roleRules)
	tightened, loosened = compareRules(unquote(ot), unquote(nt))
	if len(tightened)+len(loosened) > 0 || retyped {
		return tightened, loosened
	}

	for _, k := range unionKeys(o.Keywords, n.Keywords) {
		ov, nv := o.Keywords[k], n.Keywords[k]
		if canon(ov) == canon(nv) {
			continue
		}
		t, l := compareRestriction(k, roleOf(k, ov, nv), ov, nv)
		tightened, loosened = append(tightened, t...), append(loosened, l...)
	}

	switch {
	case newReq && !oldReq:
		tightened = append(tightened, "now required")
	case oldReq && !newReq:
		loosened = append(loosened, "no longer required")
	}
	return tightened, loosened
}

func compareRestriction(k string, r role, ov, nv json.RawMessage) (tightened, loosened []string) {
	if r != roleLower && r != roleUpper && r != roleRestrict {
		return nil, nil
	}
	switch {
	case ov == nil:
		return []string{fmt.Sprintf("%s %s added", k, show(nv))}, nil
	case nv == nil:
		return nil, []string{fmt.Sprintf("%s %s removed", k, show(ov))}
	}

	what := fmt.Sprintf("%s changed from %s to %s", k, show(ov), show(nv))
	if r == roleRestrict {
		if k == "enum" && subset(ov, nv) {
			return nil, []string{what}
		}
		return []string{what}, nil
	}

	of, errO := strconv.ParseFloat(canon(ov), 64)
	nf, errN := strconv.ParseFloat(canon(nv), 64)
	if errO == nil && errN == nil && (r == roleLower) != (nf > of) {
		return nil, []string{fmt.Sprintf("%s %s from %s to %s", k, moved(of, nf), show(ov), show(nv))}
	}
	if errO == nil && errN == nil {
		return []string{fmt.Sprintf("%s %s from %s to %s", k, moved(of, nf), show(ov), show(nv))}, nil
	}
	return []string{what}, nil
}

// subset reports whether every element of the JSON array a is in b.
func subset(a, b json.RawMessage) bool {
	var as, bs []any
	if json.Unmarshal(a, &as) != nil || json.Unmarshal(b, &bs) != nil {
		return false
	}
	for _, v := range as {
		in := slices.ContainsFunc(bs, func(w any) bool {
			x, _ := json.Marshal(v)
			y, _ := json.Marshal(w)
			return string(x) == string(y)
		})
		if !in {
			return false
		}
	}
	return true
}
