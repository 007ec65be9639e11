package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/lkdash/lkdash/internal/kindtest"
	"github.com/lkdash/lkdash/internal/source"
	"github.com/lkdash/lkdash/styles"
	"github.com/lkdash/lkdash/tokens"
)

// TestEveryKindHasFormFields: the kind selector reaches every kind; its form
// shows a row for each of the kind's settings (and grants and options only
// where the kind uses them); filling those rows with the kind's example makes
// the form ready, and the spec it builds fetches the example's token.
func TestEveryKindHasFormFields(t *testing.T) {
	st := styles.New(styles.DefaultTheme(), false)
	for _, d := range source.Kinds() {
		t.Run(string(d.Kind), func(t *testing.T) {
			p := newSourcePanel(&st, source.Spec{}, tokens.Options{}, false)
			p.SetSize(60, 200)
			for range source.Kinds() {
				if p.kind == d.Kind {
					break
				}
				p.cycleKind(1)
			}
			if p.kind != d.Kind {
				t.Fatalf("the kind selector never reaches %s", d.Kind)
			}
			if p.Ready() {
				t.Fatal("an empty form is ready")
			}
			example := kindtest.Spec(t, d.Kind)
			view := p.View()
			for _, f := range d.Fields {
				i := p.settingRow(f.Name)
				if i < 0 || !p.fields[i].shownFor(d.Kind) {
					t.Fatalf("no row shown for %s", f.Name)
				}
				if !strings.Contains(view, f.Label) {
					t.Errorf("the view lacks the label %q", f.Label)
				}
				p.fields[i].setValue(f.Get(example))
			}
			for _, f := range p.fields {
				switch {
				case f.id == fGrant && f.shownFor(d.Kind) != d.Mints:
					t.Errorf("grant %s shown: %v, kind mints: %v", f.label, f.shownFor(d.Kind), d.Mints)
				case f.id >= fRoom && f.shownFor(d.Kind) != d.Options:
					t.Errorf("option %s shown: %v, kind takes options: %v", f.label, f.shownFor(d.Kind), d.Options)
				}
			}
			p.rebuild()
			if !p.Ready() {
				t.Fatalf("filled form not ready: %s", p.specErr)
			}
			src, err := p.spec.Build()
			if err != nil {
				t.Fatal(err)
			}
			r, err := src.Fetch(context.Background(), kindtest.Options())
			if err != nil {
				t.Fatal(err)
			}
			kindtest.CheckResponse(t, r)
		})
	}
}

// settingRow is the index of the row editing the named setting, or -1.
func (p sourcePanel) settingRow(name string) int {
	for i, f := range p.fields {
		if f.id == fSetting && f.setting.Name == name {
			return i
		}
	}
	return -1
}

// TestMultiLineRowEditsItsValue: a multi-line row has no editor until it
// is edited (a textarea reserves 240 KB); the editor then starts from the
// row's value, and what is typed becomes the value.
func TestMultiLineRowEditsItsValue(t *testing.T) {
	st := styles.New(styles.DefaultTheme(), false)
	p := newSourcePanel(&st, source.Spec{}, tokens.Options{ParticipantAttributes: map[string]string{"k": "v"}}, false)
	p.SetSize(60, 200)
	i := 0
	for i = range p.fields {
		if p.fields[i].id == fAttributes {
			break
		}
	}
	if p.fields[i].area != nil || p.fields[i].value() != "k=v" {
		t.Fatalf("before editing: editor %v, value %q", p.fields[i].area != nil, p.fields[i].value())
	}
	p.cursor = i
	p.focusField()
	if a := p.fields[i].area; a == nil || a.Value() != "k=v" {
		t.Fatalf("the editor does not start from the value")
	}
	p, _ = p.Update(keyMsg("end"))
	p, _ = p.Update(keys("x")[0])
	if got := p.Options().ParticipantAttributes["k"]; got != "vx" {
		t.Errorf("typed value not taken: k=%q", got)
	}
}
