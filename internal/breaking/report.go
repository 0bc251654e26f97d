package breaking

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Locate fills in where each change stands in the current source. pos
// returns the position of a field, or of a type when field is "". A
// removed field is placed at its type; a removed type keeps the path of
// its old schema.
func Locate(changes []Change, pos func(typ, field string) (string, bool)) {
	for i, c := range changes {
		if p, ok := pos(c.Type, c.Field); ok && c.Field != "" {
			changes[i].Pos = p
			continue
		}
		if p, ok := pos(c.Type, ""); ok {
			changes[i].Pos = p
		}
	}
}

// Report writes one line per change, in source order, and a verdict, and
// returns the exit code: 1 when a change breaks stored data or API
// clients and allow is false, 0 otherwise.
func Report(w io.Writer, changes []Change, allow bool) int {
	sorted := slices.Clone(changes)
	slices.SortStableFunc(sorted, byPosition)

	counts := map[Category]int{}
	for _, c := range sorted {
		fmt.Fprintln(w, c)
		counts[c.Category]++
	}

	breaking := counts[StoredData] + counts[API]
	switch {
	case breaking == 0:
		fmt.Fprintln(w, "no breaking changes")
		return 0
	case allow:
		fmt.Fprintf(w, "%s allowed by --allow-breaking\n", summary(counts))
		return 0
	}
	fmt.Fprintf(w, "%s; if they are intended, pass --allow-breaking\n", summary(counts))
	return 1
}

func summary(counts map[Category]int) string {
	n := counts[StoredData] + counts[API]
	noun := "changes"
	if n == 1 {
		noun = "change"
	}
	return fmt.Sprintf("%d breaking %s (stored data: %d, API clients: %d)", n, noun,
		counts[StoredData], counts[API])
}

// byPosition orders changes by file, line and column; changes without a
// line (removed types) go after those of their file.
func byPosition(a, b Change) int {
	af, al, ac := splitPos(a.Pos)
	bf, bl, bc := splitPos(b.Pos)
	return cmp.Or(cmp.Compare(af, bf), cmp.Compare(al, bl), cmp.Compare(ac, bc))
}

func splitPos(pos string) (file string, line, col int) {
	parts := strings.Split(pos, ":")
	nums := []int{}
	for len(parts) > 1 && len(nums) < 2 {
		n, err := strconv.Atoi(parts[len(parts)-1])
		if err != nil {
			break
		}
		nums = append([]int{n}, nums...)
		parts = parts[:len(parts)-1]
	}
	file = strings.Join(parts, ":")
	switch len(nums) {
	case 2:
		return file, nums[0], nums[1]
	case 1:
		return file, nums[0], 0
	}
	return file, 1 << 30, 0
}
