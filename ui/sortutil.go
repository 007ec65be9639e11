package ui

import (
	"maps"
	"slices"
	"strconv"
)

// sortedPairs renders a map as "k<sep>v" strings in key order.
func sortedPairs(m map[string]string, sep string) []string {
	out := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, k+sep+m[k])
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }
