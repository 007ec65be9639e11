package ui

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// The dashboard's text helpers; durations and counts are
// internal/format's, shared with the commands.

// pad fits s to exactly w cells: spaces after it, or cut with "…".
func pad(s string, w int) string {
	if n := ansi.StringWidth(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return ansi.Truncate(s, w, "…")
}

// sortedPairs renders a map as "k<sep>v" strings in key order.
func sortedPairs(m map[string]string, sep string) []string {
	out := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, k+sep+m[k])
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }
