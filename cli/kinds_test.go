package cli

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/lkdash/lkdash/internal/kindtest"
	"github.com/lkdash/lkdash/internal/source"
	"github.com/lkdash/lkdash/tokens"
)

// kindArgs are the flags that configure spec's kind, derived from its
// fields: the same way a user would spell the example.
func kindArgs(d source.KindDef, spec source.Spec) []string {
	var args []string
	for _, f := range d.Fields {
		v := f.Get(spec)
		if v == "" {
			continue
		}
		if f.Lines {
			for _, l := range strings.Split(v, "\n") {
				args = append(args, "--"+f.Name+"="+l)
			}
			continue
		}
		args = append(args, "--"+f.Name+"="+v)
	}
	return args
}

// TestEveryKindThroughFlags: every kind's settings are flags of fetch, join
// and the dashboard, listed in the help's source group; and fetch with just
// those flags (the kind inferred, no --source) yields the example's token.
func TestEveryKindThroughFlags(t *testing.T) {
	root := newRootCmd(&streams{})
	fetch, _, err := root.Find([]string{"fetch"})
	if err != nil {
		t.Fatal(err)
	}
	join, _, err := root.Find([]string{"join"})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range source.Kinds() {
		t.Run(string(d.Kind), func(t *testing.T) {
			for _, f := range d.Fields {
				for _, c := range []*cobra.Command{fetch, join, root} {
					fl := c.Flags().Lookup(f.Name)
					if fl == nil {
						t.Fatalf("%s has no --%s", c.Name(), f.Name)
					}
					if g := fl.Annotations[groupAnnotation]; len(g) != 1 || g[0] != groupSource {
						t.Errorf("%s --%s is in help group %v", c.Name(), f.Name, g)
					}
				}
				if !strings.Contains(fetch.Long, "--"+f.Name) {
					t.Errorf("fetch's source help does not mention --%s", f.Name)
				}
			}
			if !strings.Contains(fetch.Flags().Lookup("source").Usage, string(d.Kind)) {
				t.Errorf("--source help lacks %s", d.Kind)
			}
			args := append([]string{"fetch", "--json", "--room", kindtest.Room, "--identity", kindtest.Identity},
				kindArgs(d, kindtest.Spec(t, d.Kind))...)
			r := lkdash(t, "", nil, args...)
			if r.code != 0 {
				t.Fatalf("lkdash %s: exit %d\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.err)
			}
			out := decodeJSON(t, r.stdout)
			tok, _ := out["participant_token"].(string)
			url, _ := out["server_url"].(string)
			kindtest.CheckResponse(t, tokens.Response{ServerURL: url, ParticipantToken: tok})
		})
	}
}

// TestEveryKindNeedsItsFields: naming a kind with none of its settings is a
// usage error that names each required field.
func TestEveryKindNeedsItsFields(t *testing.T) {
	for _, d := range source.Kinds() {
		r := lkdash(t, "", nil, "fetch", "--source", string(d.Kind))
		if r.code != exitUsage {
			t.Errorf("%s: exit %d, want %d\n%s", d.Kind, r.code, exitUsage, r.err)
		}
		for _, f := range d.Fields {
			if f.Required && !strings.Contains(r.err, f.Label+" is required") {
				t.Errorf("%s: error lacks %q:\n%s", d.Kind, f.Label+" is required", r.err)
			}
		}
	}
	r := lkdash(t, "", nil, "fetch", "--source", "magic")
	if r.code != exitUsage || !strings.Contains(r.err, source.KindList()) {
		t.Errorf("unknown kind: exit %d\n%s", r.code, r.err)
	}
}
