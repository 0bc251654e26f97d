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
	pairs, added, removed := pairRules(parseRules(oldTag), parseRules(newTag))
	for _, p := range pairs {
		if p[0].text != p[1].text {
			t, l := compareParams(p[0], p[1])
			tightened, loosened = append(tightened, t...), append(loosened, l...)
		}
	}

	for _, n := range added {
		if n.key == "omitempty" {
			loosened = append(loosened, "omitempty added: empty values are no longer checked")
			continue
		}
		tightened = append(tightened, fmt.Sprintf("rule %q added", n.text))
	}
	for _, o := range removed {
		if o.key == "omitempty" {
			tightened = append(tightened, "omitempty removed: empty values are now checked")
			continue
		}
		loosened = append(loosened, fmt.Sprintf("rule %q removed", o.text))
	}
	return tightened, loosened
}

// pairRules matches each new rule with the old rule of the same name, or
// else with one that shares an alternative ("hostname|ip" and
// "hostname"). What is left was added or removed.
func pairRules(oldRules, newRules []rule) (pairs [][2]rule, added, removed []rule) {
	used := make([]bool, len(oldRules))
	match := func(n rule, same func(o, n rule) bool) bool {
		for i, o := range oldRules {
			if !used[i] && same(o, n) {
				used[i] = true
				pairs = append(pairs, [2]rule{o, n})
				return true
			}
		}
		return false
	}

	var rest []rule
	for _, n := range newRules {
		if !match(n, func(o, n rule) bool { return o.key == n.key }) {
			rest = append(rest, n)
		}
	}
	for _, n := range rest {
		if !match(n, overlap) {
			added = append(added, n)
		}
	}
	for i, o := range oldRules {
		if !used[i] {
			removed = append(removed, o)
		}
	}
	return pairs, added, removed
}

func overlap(o, n rule) bool {
	for _, name := range strings.Split(n.key, "|") {
		if slices.Contains(strings.Split(o.key, "|"), name) {
			return true
		}
	}
	return false
}

// compareParams compares two spellings of the same rule.
func compareParams(o, n rule) (tightened, loosened []string) {
	changed := fmt.Sprintf("rule %q changed to %q", o.text, n.text)
	if o.key != n.key {
		return compareAlternatives(o, n)
	}
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

// compareAlternatives compares "a|b" with a rule that shares one of its
// alternatives: dropping an alternative tightens, adding one loosens.
func compareAlternatives(o, n rule) (tightened, loosened []string) {
	oldAlts, newAlts := strings.Split(o.text, "|"), strings.Split(n.text, "|")
	has := func(all []string, some []string) bool {
		return !slices.ContainsFunc(some, func(a string) bool { return !slices.Contains(all, a) })
	}
	switch {
	case has(oldAlts, newAlts):
		return []string{fmt.Sprintf("rule %q narrowed to %q", o.text, n.text)}, nil
	case has(newAlts, oldAlts):
		return nil, []string{fmt.Sprintf("rule %q widened to %q", o.text, n.text)}
	}
	return []string{fmt.Sprintf("rule %q changed to %q", o.text, n.text)}, nil
}

func moved(from, to float64) string {
	if to > from {
		return "raised"
	}
	return "lowered"
}
