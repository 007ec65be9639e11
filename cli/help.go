package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/lkdash/lkdash/internal/source"
)

// helpGroups is the order flag groups are listed in; flags in no group come
// last.
var helpGroups = []string{groupSource, groupOptions, groupGrants, groupSession, groupMedia, groupData, groupAgents, groupChecks, groupOutput}

// usage prints cobra's default usage with the flags listed by group. It is
// a function, not a usage template, because executing a text/template
// makes the linker keep every exported method of every type in the binary
// (text/template finds methods by name at run time): about 10 MB.
func usage(c *cobra.Command) error {
	var b strings.Builder
	b.WriteString("Usage:")
	if c.Runnable() {
		b.WriteString("\n  " + c.UseLine())
	}
	if c.HasAvailableSubCommands() {
		b.WriteString("\n  " + c.CommandPath() + " [command]\n\nAvailable Commands:")
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() || sub.Name() == "help" {
				fmt.Fprintf(&b, "\n  %-*s %s", sub.NamePadding(), sub.Name(), sub.Short)
			}
		}
	}
	if c.HasAvailableLocalFlags() {
		b.WriteString("\n\n" + trimRight(groupedFlagUsages(c.LocalFlags())))
	}
	if c.HasAvailableInheritedFlags() {
		b.WriteString("\n\nGlobal Flags:\n" + trimRight(c.InheritedFlags().FlagUsages()))
	}
	if c.HasAvailableSubCommands() {
		b.WriteString("\n\nUse \"" + c.CommandPath() + " [command] --help\" for more information about a command.")
	}
	b.WriteString("\n")
	_, err := io.WriteString(c.OutOrStderr(), b.String())
	return err
}

func trimRight(s string) string { return strings.TrimRightFunc(s, unicode.IsSpace) }

// groupedFlagUsages lists flags under a heading per group (see inGroup), in
// the order they were registered, so a command with 40 flags reads as a few
// short lists.
func groupedFlagUsages(fs *pflag.FlagSet) string {
	sets := map[string]*pflag.FlagSet{}
	var order []string
	fs.VisitAll(func(fl *pflag.Flag) {
		g := ""
		if v := fl.Annotations[groupAnnotation]; len(v) > 0 {
			g = v[0]
		}
		if sets[g] == nil {
			sets[g] = pflag.NewFlagSet(g, pflag.ContinueOnError)
			sets[g].SortFlags = fs.SortFlags
			order = append(order, g)
		}
		sets[g].AddFlag(fl)
	})
	var b strings.Builder
	section := func(title string, set *pflag.FlagSet) {
		if set == nil {
			return
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(title + ":\n" + set.FlagUsages())
	}
	for _, g := range helpGroups {
		section(g, sets[g])
	}
	for _, g := range order { // a group helpGroups does not know yet
		if g != "" && !slices.Contains(helpGroups, g) {
			section(g, sets[g])
		}
	}
	other := "Flags"
	if len(order) > 1 || sets[""] == nil {
		other = "Other flags"
	}
	section(other, sets[""])
	return b.String()
}

// sourceHelp describes the token sources for a command's long help: each
// kind with its flags, the flag names that pick it when --source is absent,
// and where defaults come from. It is derived from the kind table.
func sourceHelp() string {
	var b strings.Builder
	b.WriteString("Token sources (--source, or inferred from the flags marked *):\n")
	var envs []string
	for _, d := range source.Kinds() {
		fmt.Fprintf(&b, "  %-9s %s\n  %-9s %s\n", d.Kind, d.Summary, "", kindFlags(d.Kind))
	}
	for _, f := range source.SettingFields() {
		if f.Env != "" {
			envs = append(envs, f.Env)
		}
	}
	fmt.Fprintf(&b, "Settings not given as flags come from\n%s and the lk CLI's projects.", strings.Join(envs, ", "))
	return b.String()
}

// kindFlags lists a kind's flags, marking with * those that imply it.
func kindFlags(k source.Kind) string {
	d, _ := source.LookupKind(k)
	var flags []string
	for _, f := range d.Fields {
		name := "--" + f.Name
		if d.Implies(f.Name) {
			name += "*"
		}
		flags = append(flags, name)
	}
	return strings.Join(flags, " ")
}
