package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/lkdash/lkdash/internal/textsafe"
	"github.com/lkdash/lkdash/tokens"
)

// printPermits writes what the token permits: in the room, then on the
// server APIs, grouped by the grants each method needs.
func printPermits(w io.Writer, rep tokens.Report) {
	p := rep.InRoom
	fmt.Fprintln(w, "In the room")
	yesNo := func(b bool) string { return map[bool]string{true: "yes", false: "no"}[b] }
	join := yesNo(p.Join)
	if p.Join {
		join = fmt.Sprintf("yes, room %q", textsafe.Line(p.Room, lineWidth))
		if p.Room == "" {
			join = "yes, but no room is named (the server refuses the join)"
		}
	}
	publish := yesNo(p.Publish)
	if p.Publish && len(p.PublishSources) > 0 {
		publish = "yes, only " + textsafe.Line(strings.Join(p.PublishSources, ", "), lineWidth) + " (canPublishSources)"
	}
	for _, row := range [][2]string{
		{"join", join}, {"publish", publish}, {"subscribe", yesNo(p.Subscribe)}, {"publish data", yesNo(p.PublishData)},
		{"update own metadata", yesNo(p.UpdateOwnMetadata)}, {"hidden", yesNo(p.Hidden)},
		{"recorder", yesNo(p.Recorder)}, {"agent", yesNo(p.Agent)},
	} {
		fmt.Fprintf(w, "  %-20s %s\n", row[0], row[1])
	}
	fmt.Fprintln(w, "Server APIs (the grants each method needs, as livekit-server v1.13.5 checks them)")
	for _, g := range groupAPIs(rep.APIs) {
		verdict := "no "
		needs := g.needs
		if g.allowed {
			verdict = "yes"
			if g.room != "" {
				needs += fmt.Sprintf(" (room %q only)", textsafe.Line(g.room, lineWidth))
			}
		}
		fmt.Fprintf(w, "  %s  %s\n", verdict, needs)
		for _, line := range wrapWords(g.methods, 96) {
			fmt.Fprintf(w, "         %s\n", line)
		}
	}
}

// apiGroup is the methods that need the same grants.
type apiGroup struct {
	needs   string
	allowed bool
	room    string
	methods []string // "Service.Method", then "Method" while the service repeats
}

func groupAPIs(apis []tokens.APIPermit) []*apiGroup {
	var groups []*apiGroup
	byNeeds := map[string]*apiGroup{}
	lastService := map[*apiGroup]string{}
	for _, a := range apis {
		key := strings.Join(a.Needs, " + ")
		g := byNeeds[key]
		if g == nil {
			g = &apiGroup{needs: key, allowed: a.Allowed, room: a.Room}
			byNeeds[key] = g
			groups = append(groups, g)
		}
		name := a.Method
		if lastService[g] != a.Service {
			name = a.Service + "." + a.Method
			lastService[g] = a.Service
		}
		g.methods = append(g.methods, name)
	}
	return groups
}

// wrapWords joins words with ", " into lines of at most width.
func wrapWords(words []string, width int) []string {
	var lines []string
	cur := ""
	for i, w := range words {
		if i < len(words)-1 {
			w += ","
		}
		if cur != "" && len(cur)+1+len(w) > width {
			lines = append(lines, cur)
			cur = ""
		}
		if cur != "" {
			cur += " "
		}
		cur += w
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}
