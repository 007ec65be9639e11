package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/lkdash/lkdash/internal/format"
	"github.com/lkdash/lkdash/internal/textsafe"
	"github.com/lkdash/lkdash/tokens"
)

// lineWidth bounds one printed value; claims are untrusted and may be huge.
const lineWidth = 200

// printToken writes the human-readable decode of t. Every claim-derived
// string passes through textsafe: a token can carry escape sequences.
func printToken(w io.Writer, t *tokens.Token, rep tokens.Report, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(label, value string) {
		if value != "" {
			fmt.Fprintf(tw, "%s\t%s\n", label, textsafe.Line(value, lineWidth))
		}
	}
	g := t.Grants
	row("Identity", rep.Identity)
	row("Name", rep.Name)
	row("Room", rep.Room)
	row("Issuer", rep.Issuer)
	if g != nil {
		row("Kind", g.Kind)
	}
	row("Issued", when(rep.IssuedAt, now))
	row("Not before", when(rep.NotBefore, now))
	if rep.ExpiresAt == nil {
		row("Expires", "never (no exp claim)")
	} else {
		row("Expires", when(rep.ExpiresAt, now))
	}
	row("Signature", string(rep.Signature))
	row("Valid", yesNo(rep.Valid))
	row("Grants", permissionLine(t.Permissions()))
	if g != nil {
		row("Attributes", attributeLine(g.Attributes))
	}
	for _, a := range t.AgentDispatches() {
		row("Agent", a.String())
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	printPermits(w, rep)
	if g != nil && g.Metadata != "" {
		fmt.Fprintf(w, "Metadata\n%s\n", indent(textsafe.Clean(prettyJSON(g.Metadata))))
	}
	printList(w, "Problems", rep.Problems)
	printList(w, "Warnings", rep.Warnings)
	header, _ := json.Marshal(rep.Header)
	fmt.Fprintf(w, "Header\n%s\n", indent(textsafe.Clean(string(header))))
	claims, _ := json.MarshalIndent(rep.Claims, "", "  ")
	_, err := fmt.Fprintf(w, "Claims\n%s\n", indent(textsafe.Clean(string(claims))))
	return err
}

func printList(w io.Writer, title string, items []string) {
	if len(items) == 0 {
		return
	}
	fmt.Fprintln(w, title)
	for _, it := range items {
		fmt.Fprintf(w, "  - %s\n", textsafe.Line(it, lineWidth))
	}
}

// when formats a time with how far it is from now.
func when(t *time.Time, now time.Time) string {
	if t == nil {
		return ""
	}
	d := t.Sub(now)
	rel := "in " + format.Duration(d)
	if d < 0 {
		rel = format.Duration(-d) + " ago"
	}
	return fmt.Sprintf("%s  (%s)", t.UTC().Format(time.RFC3339), rel)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "NO"
}

// permissionLine lists the grants as tokens.Permission words, the same
// words the dashboard shows.
func permissionLine(perms []tokens.Permission) string {
	words := make([]string, len(perms))
	for i, p := range perms {
		words[i] = p.String()
	}
	return strings.Join(words, " ")
}

func attributeLine(attrs map[string]string) string {
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + attrs[k]
	}
	return strings.Join(parts, " ")
}

// prettyJSON indents s when it is JSON and returns it unchanged otherwise.
func prettyJSON(s string) string {
	var v any
	if json.Unmarshal([]byte(s), &v) != nil {
		return s
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return s
	}
	return string(b)
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}
