package breaking

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// role says what a schema keyword means to stored data and clients.
type role int

const (
	rolePresentation role = iota // how the field or type is shown
	roleIgnored                  // bookkeeping, e.g. $schema
	roleType                     // the stored kind of a value
	roleDefault                  // the value a new form starts with
	roleStyle                    // x-style: "secret" and others
	roleFormerKeys               // keys a field was stored under before
	roleRules                    // x-rules: the validate tag as written
	roleGroups                   // the groups a secret must belong to
	roleLower                    // a lower bound
	roleUpper                    // an upper bound
	roleRestrict                 // any other restriction of valid values
)

// roles maps the keywords secretgen writes to their role. A keyword not
// listed is presentation when it starts with "x-" and a restriction
// otherwise, so an unknown constraint is never waved through.
var roles = map[string]role{
	"$schema":          roleIgnored,
	"$id":              roleIgnored,
	"$comment":         roleIgnored,
	"type":             roleType,
	"items":            roleType,
	"x-format":         roleType,
	"x-go-type":        roleIgnored, // compared by goTypes
	"x-go-field":       roleIgnored, // the Go name; data uses the key
	"x-variant":        roleIgnored, // the file name says it
	"x-interface":      roleIgnored,
	"x-fingerprint":    roleIgnored, // changes with everything else
	"writeOnly":        roleIgnored, // follows x-style "secret"
	"title":            rolePresentation,
	"description":      rolePresentation,
	"x-logo":           rolePresentation,
	"default":          roleDefault,
	"x-style":          roleStyle,
	"x-former-keys":    roleFormerKeys,
	"x-rules":          roleRules,
	"x-require-groups": roleGroups,
	"minimum":          roleLower,
	"exclusiveMinimum": roleLower,
	"minLength":        roleLower,
	"minItems":         roleLower,
	"maximum":          roleUpper,
	"exclusiveMaximum": roleUpper,
	"maxLength":        roleUpper,
	"maxItems":         roleUpper,
}

// typeFormats are format values that say how a value is stored rather
// than which values are valid.
var typeFormats = []string{`"date-time"`}

func roleOf(keyword string, old, new json.RawMessage) role {
	if keyword == "format" {
		if slices.Contains(typeFormats, canon(old)) || slices.Contains(typeFormats, canon(new)) {
			return roleType
		}
		return roleRestrict
	}
	if r, ok := roles[keyword]; ok {
		return r
	}
	if strings.HasPrefix(keyword, "x-") {
		return rolePresentation
	}
	return roleRestrict
}

// Compare lists what changed from the old schemas to the new ones, both
// keyed by variant name: types in name order, fields in document order.
// Positions are left to Locate, except that a removed type is positioned
// at its old schema's path.
func Compare(old, new map[string]*Schema) []Change {
	var changes []Change
	renamed := renamedTypes(old, new)

	for _, name := range slices.Sorted(maps.Keys(old)) {
		o := old[name]
		n, ok := new[name]
		switch {
		case ok:
			changes = append(changes, compareType(o, n)...)
		case renamed[name] != "":
			c := change(TypeRenamed, renamed[name], "",
				fmt.Sprintf("renamed from %q: secrets stored as %s no longer find their type", name, name))
			changes = append(changes, c)
		default:
			c := change(TypeRemoved, name, "", "secrets stored as "+name+" no longer find their type")
			c.Pos = o.Path
			changes = append(changes, c)
		}
	}

	for _, name := range slices.Sorted(maps.Keys(new)) {
		if old[name] == nil && !slices.Contains(slices.Collect(maps.Values(renamed)), name) {
			changes = append(changes, change(TypeAdded, name, "", "new type"))
		}
	}
	return changes
}

// renamedTypes pairs each vanished old type with the one new type that
// has exactly its fields, when there is exactly one.
func renamedTypes(old, new map[string]*Schema) map[string]string {
	renamed := map[string]string{}
	for name, o := range old {
		if new[name] != nil {
			continue
		}
		var match []string
		for nn, n := range new {
			if old[nn] == nil && shape(o) == shape(n) {
				match = append(match, nn)
			}
		}
		if len(match) == 1 {
			renamed[name] = match[0]
		}
	}
	return renamed
}

// shape describes a type's stored fields: keys and their types.
func shape(s *Schema) string {
	var b strings.Builder
	for _, p := range s.Properties {
		fmt.Fprintf(&b, "%q:%s:%s;", p.Key, kindOf(p), basicType(p))
	}
	return b.String()
}

func compareType(o, n *Schema) []Change {
	changes := compareTypeKeywords(o, n)

	matched := map[string]bool{}
	for _, op := range o.Properties {
		np, found, ok := counterpart(n, op)
		changes = append(changes, found...)
		if !ok {
			continue
		}
		matched[np.Key] = true
		changes = append(changes, compareField(n.Name, op, np, o.Required[op.Key], n.Required[np.Key])...)
	}

	for _, np := range n.Properties {
		if !matched[np.Key] {
			changes = append(changes, addedField(n, np))
		}
	}
	return changes
}

// What a removed and a renamed field mean for stored data and clients.
const (
	removedDetail = "stored values are no longer read and are dropped on the next update"
	renamedDetail = "from %q: stored data and requests under the old key are still read, responses use the new one"
)

// counterpart finds the new version of the old property op: under its
// key, or under a key that lists op's among its former keys, which is a
// rename. ok is false when the field was removed.
func counterpart(n *Schema, op Property) (np Property, found []Change, ok bool) {
	if np, ok := n.Property(op.Key); ok {
		return np, nil, true
	}
	if np, ok := renamedTo(n, op.Key); ok {
		return np, []Change{change(KeyRenamed, n.Name, np.Key, fmt.Sprintf(renamedDetail, op.Key))}, true
	}
	return Property{}, []Change{change(FieldRemoved, n.Name, op.Key, removedDetail)}, false
}

// renamedTo finds the new property that lists key among its former keys.
func renamedTo(s *Schema, key string) (Property, bool) {
	for _, p := range s.Properties {
		var former []string
		json.Unmarshal(keyword(p.Keywords, roleFormerKeys), &former)
		if slices.Contains(former, key) {
			return p, true
		}
	}
	return Property{}, false
}

func addedField(s *Schema, p Property) Change {
	if s.Required[p.Key] || hasRequiredRule(p) {
		return change(ValidationTightened, s.Name, p.Key,
			"new required field: stored secrets lack it and fail validation when next saved")
	}
	return change(FieldAdded, s.Name, p.Key, "new field: stored secrets read it as its zero value")
}

func hasRequiredRule(p Property) bool {
	var tag string
	json.Unmarshal(keyword(p.Keywords, roleRules), &tag)
	return slices.ContainsFunc(parseRules(tag), func(r rule) bool { return r.key == "required" })
}

// keyword returns the value of the first keyword in kw with role r.
func keyword(kw map[string]json.RawMessage, r role) json.RawMessage {
	for _, k := range slices.Sorted(maps.Keys(kw)) {
		if roleOf(k, kw[k], nil) == r {
			return kw[k]
		}
	}
	return nil
}

func compareTypeKeywords(o, n *Schema) []Change {
	var changes []Change
	var shown []string
	for _, k := range unionKeys(o.Keywords, n.Keywords) {
		ov, nv := o.Keywords[k], n.Keywords[k]
		if canon(ov) == canon(nv) {
			continue
		}
		switch roleOf(k, ov, nv) {
		case roleIgnored:
		case roleGroups:
			changes = append(changes, groupsChanged(n.Name, k, ov, nv))
		default:
			shown = append(shown, fmt.Sprintf("%s from %s to %s", k, show(ov), show(nv)))
		}
	}
	if len(shown) > 0 {
		changes = append(changes, change(PresentationChanged, n.Name, "", strings.Join(shown, "; ")))
	}
	return changes
}

// groupsChanged reports a change of the groups a secret must belong to:
// a new group refuses requests that worked, a dropped one refuses none.
func groupsChanged(typ, k string, ov, nv json.RawMessage) Change {
	c := change(GroupsChanged, typ, "", fmt.Sprintf("%s from %s to %s", k, show(ov), show(nv)))
	if nv == nil || subset(nv, ov) {
		c.Category = Compatible
		return c
	}
	c.Detail += ": creating or regrouping a secret now needs these groups"
	return c
}

func unionKeys(a, b map[string]json.RawMessage) []string {
	keys := slices.Collect(maps.Keys(a))
	for k := range b {
		if a[k] == nil {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// show renders a keyword value for the report; "none" when absent.
// Schema keywords hold no secret values: defaults and labels come from
// the source.
func show(raw json.RawMessage) string {
	if raw == nil {
		return "none"
	}
	return canon(raw)
}
