package cli

import (
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// TestHelpListsEveryFlagOnce: grouping the help loses no flag and repeats
// none, for every command; fetch lists its groups in the documented order.
func TestHelpListsEveryFlagOnce(t *testing.T) {
	root := newRootCmd(&streams{})
	cmds := append([]*cobra.Command{root}, root.Commands()...)
	for _, c := range cmds {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" {
			continue
		}
		args := []string{"--help"}
		if c != root {
			args = []string{c.Name(), "--help"}
		}
		r := lkdash(t, "", nil, args...)
		if r.code != 0 {
			t.Fatalf("%s: exit %d: %s", strings.Join(args, " "), r.code, r.err)
		}
		c.LocalFlags().VisitAll(func(fl *pflag.Flag) {
			line := regexp.MustCompile(`(?m)^(  -\w, |      )--` + regexp.QuoteMeta(fl.Name) + `( |$)`)
			if n := len(line.FindAllString(r.stdout, -1)); n != 1 {
				t.Errorf("%s help lists --%s %d times", c.Name(), fl.Name, n)
			}
		})
	}
	r := lkdash(t, "", nil, "fetch", "--help")
	last := -1
	for _, h := range []string{groupSource + ":", groupOptions + ":", groupGrants + ":", groupOutput + ":", "Other flags:"} {
		i := strings.Index(r.stdout, "\n"+h+"\n")
		if i < last {
			t.Errorf("fetch help: %q missing or out of order:\n%s", h, r.stdout)
		}
		last = i
	}
}

// TestUnknownHelpGroupStillListed: a group helpGroups does not name is
// listed after the known ones, not dropped.
func TestUnknownHelpGroupStillListed(t *testing.T) {
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	fs.Bool("a", false, "in a known group")
	fs.Bool("b", false, "in a new group")
	fs.Bool("c", false, "in none")
	inGroup(fs, groupOutput, "a")
	inGroup(fs, "Brand new", "b")
	got := groupedFlagUsages(fs)
	for _, want := range []string{"Output:\n      --a", "Brand new:\n      --b", "Other flags:\n      --c"} {
		if !strings.Contains(got, want) {
			t.Errorf("usage lacks %q:\n%s", want, got)
		}
	}
}
