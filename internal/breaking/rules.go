package breaking

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// rule is one comma-separated element of a validate tag in the syntax of
// go-playground/validator: a rule such as "max=65535", or alternatives
// such as "hostname|ip" of which one must hold.
type rule struct {
	text  string // as written
	key   string // names of the alternatives, sorted and joined by "|"
	name  string // for a single rule, its name
	param string // for a single rule, its parameter
}

// Rules whose parameter is a lower or an upper bound.
var (
	lowerBounds = []string{"min", "gte", "gt"}
	upperBounds = []string{"max", "lte", "lt"}
)

func parseRules(tag string) []rule {
	var rules []rule
	for _, text := range strings.Split(tag, ",") {
		if text == "" {
			continue
		}
		rules = append(rules, parseRule(text))
	}
	return rules
}

func parseRule(text string) rule {
	alts := strings.Split(text, "|")
	names := make([]string, len(alts))
	for i, a := range alts {
		names[i], _, _ = strings.Cut(a, "=")
	}
	slices.Sort(names)

	r := rule{text: text, key: strings.Join(names, "|")}
	if len(alts) == 1 {
		r.name, r.param, _ = strings.Cut(text, "=")
	}
	return r
}

// compareRules says how a field's validate tag changed: each entry of
// tightened is a reason a stored value may now fail, each of loosened a
// reason a value once refused may now pass.
func compareRules(oldTag, newTag string) (tightened, loosened []string) {
	oldRules, newRules := parseRules(oldTag), parseRules(newTag)
	find := func(rules []rule, key string) (rule, bool) {
		i := slices.IndexFunc(rules, func(r rule) bool { return r.key == key })
		if i < 0 {
			return rule{}, false
		}
		return rules[i], true
	}

	for _, n := range newRules {
		o, ok := find(oldRules, n.key)
		switch {
		case !ok && n.key == "omitempty":
			loosened = append(loosened, "omitempty added: empty values are no longer checked")
		case !ok:
			tightened = append(tightened, fmt.Sprintf("rule %q added", n.text))
		case o.text != n.text:
			t, l := compareParams(o, n)
			tightened, loosened = append(tightened, t...), append(loosened, l...)
		}
	}

	for _, o := range oldRules {
		if _, ok := find(newRules, o.key); ok {
			continue
		}
		if o.key == "omitempty" {
			tightened = append(tightened, "omitempty removed: empty values are now checked")
			continue
		}
		loosened = append(loosened, fmt.Sprintf("rule %q removed", o.text))
	}
	return tightened, loosened
}

// compareParams compares two spellings of the same rule.
func compareParams(o, n rule) (tightened, loosened []string) {
	changed := fmt.Sprintf("rule %q changed to %q", o.text, n.text)
	if o.name == "" {
		return []string{changed}, nil
	}

	if o.name == "oneof" {
		return compareOneOf(o, n, changed)
	}

	op, errO := strconv.ParseFloat(o.param, 64)
	np, errN := strconv.ParseFloat(n.param, 64)
	if errO != nil || errN != nil {
		return []string{changed}, nil
	}

	switch {
	case slices.Contains(lowerBounds, o.name) && np > op,
		slices.Contains(upperBounds, o.name) && np < op:
		return []string{fmt.Sprintf("%s %s from %s to %s", o.name, moved(op, np), o.param, n.param)}, nil
	case slices.Contains(lowerBounds, o.name), slices.Contains(upperBounds, o.name):
		return nil, []string{fmt.Sprintf("%s %s from %s to %s", o.name, moved(op, np), o.param, n.param)}
	}
	return []string{changed}, nil
}

// compareOneOf tightens when a value once allowed is no longer listed.
func compareOneOf(o, n rule, changed string) (tightened, loosened []string) {
	newValues := strings.Fields(n.param)
	for _, v := range strings.Fields(o.param) {
		if !slices.Contains(newValues, v) {
			return []string{changed}, nil
		}
	}
	return nil, []string{changed}
}

func moved(from, to float64) string {
	if to > from {
		return "raised"
	}
	return "lowered"
}
