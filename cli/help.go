package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/lkdash/lkdash/internal/source"
)

func init() {
	cobra.AddTemplateFunc("groupedFlagUsages", groupedFlagUsages)
}

// helpGroups is the order flag groups are listed in; flags in no group come
// last.
var helpGroups = []string{groupSource, groupOptions, groupGrants, groupSession, groupMedia, groupData, groupAgents, groupChecks, groupOutput}

// usageTemplate is cobra's default with the flags listed by group.
const usageTemplate = `Usage:{{if .Runnable}}
  {{.UseLine}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} [command]{{end}}{{if .HasAvailableSubCommands}}

Available Commands:{{range .Commands}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

{{groupedFlagUsages .LocalFlags | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableInheritedFlags}}

Global Flags:
{{.InheritedFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableSubCommands}}

Use "{{.CommandPath}} [command] --help" for more information about a command.{{end}}
`

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
