package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/lkdash/lkdash/internal/textsafe"
	"github.com/lkdash/lkdash/styles"
	"github.com/lkdash/lkdash/tokens"
)

const labelWidth = 11

// sourcePanel is the form that picks a token source and the request
// options. It owns its text inputs; while one is being edited every key goes
// to it (see editing), which is how typing "q" in a field never quits.
type sourcePanel struct {
	st   *styles.Styles
	keys *keyMap

	kind    tokens.Kind
	fields  []field
	cursor  int // index into fields, always a shown field
	editing bool

	// Built from the fields after every change.
	spec    tokens.Spec
	opts    tokens.Options
	caching bool
	specErr string // Spec.Validate or a field error; "" = ready to fetch
	// keysGiven: the form's key pair was typed in or came from the managed
	// server, so it judges any token (see Model.signerKeys).
	keysGiven bool

	w, h int
}

func newSourcePanel(st *styles.Styles, keys *keyMap, spec tokens.Spec, opts tokens.Options, caching bool) sourcePanel {
	if spec.Kind == "" {
		spec.Kind = tokens.KindEndpoint
	}
	p := sourcePanel{st: st, keys: keys, kind: spec.Kind, fields: newFields(spec, opts, caching)}
	p.rebuild()
	return p
}

// Ready reports whether the form describes a fetchable source.
func (p sourcePanel) Ready() bool { return p.specErr == "" }

// Editing reports whether a text field has the keyboard.
func (p sourcePanel) Editing() bool { return p.editing }

// SetSize sets the inner size (inside the border).
func (p *sourcePanel) SetSize(w, h int) {
	p.w, p.h = w, h
	vw := max(w-labelWidth-3, 4)
	for i := range p.fields {
		switch p.fields[i].typ {
		case typeText:
			p.fields[i].input.Width = vw - 1
		case typeArea: // only areas hold a textarea; a zero one panics
			p.fields[i].area.SetWidth(vw)
		}
	}
}

// setEndpoint preselects the Endpoint source (the embedded dev server).
func (p *sourcePanel) setEndpoint(url, apiKey, apiSecret string) {
	p.preset(tokens.Spec{Kind: tokens.KindEndpoint, Endpoint: url, APIKey: apiKey, APISecret: apiSecret})
}

// preset selects spec's kind and fills in every setting spec has a value for.
func (p *sourcePanel) preset(spec tokens.Spec) {
	p.kind = spec.Kind
	for i := range p.fields {
		f := &p.fields[i]
		if f.id != fSetting {
			continue
		}
		if v := f.setting.Get(spec); v != "" {
			f.setValue(v)
		}
	}
	p.keysGiven = p.keysGiven || spec.CheckConfig() != (tokens.CheckConfig{})
	p.rebuild()
}

func (p sourcePanel) shown() []int {
	var idx []int
	for i, f := range p.fields {
		if f.shownFor(p.kind) {
			idx = append(idx, i)
		}
	}
	return idx
}

// move moves the cursor by delta shown rows.
func (p *sourcePanel) move(delta int) {
	idx := p.shown()
	pos := 0
	for i, j := range idx {
		if j == p.cursor {
			pos = i
		}
	}
	pos = min(max(pos+delta, 0), len(idx)-1)
	p.cursor = idx[pos]
}

func (p *sourcePanel) cycleKind(delta int) {
	kinds := tokens.Kinds()
	i := 0
	for j, d := range kinds {
		if d.Kind == p.kind {
			i = j
		}
	}
	p.kind = kinds[(i+delta+len(kinds))%len(kinds)].Kind
	p.rebuild()
}

// focusField gives the keyboard to the field under the cursor, if it is text.
func (p *sourcePanel) focusField() tea.Cmd {
	f := &p.fields[p.cursor]
	switch f.typ {
	case typeText:
		p.editing = true
		return f.input.Focus()
	case typeArea:
		p.editing = true
		return f.area.Focus()
	}
	return nil
}

func (p *sourcePanel) blurField() {
	f := &p.fields[p.cursor]
	f.input.Blur()
	f.area.Blur()
	p.editing = false
}

// Update handles a key. handled is false for keys the panel does not use,
// which the root then treats as global.
func (p sourcePanel) Update(msg tea.KeyMsg) (sourcePanel, tea.Cmd, bool) {
	if p.editing {
		return p.updateEditing(msg)
	}
	f := &p.fields[p.cursor]
	switch {
	case key.Matches(msg, p.keys.Up):
		p.move(-1)
	case key.Matches(msg, p.keys.Down):
		p.move(1)
	case f.typ == typeKind && key.Matches(msg, p.keys.KindPrev):
		p.cycleKind(-1)
	case f.typ == typeKind && key.Matches(msg, p.keys.KindNext, p.keys.Edit, p.keys.Toggle):
		p.cycleKind(1)
	case f.typ == typeToggle && key.Matches(msg, p.keys.Edit, p.keys.Toggle):
		f.on = !f.on
		p.rebuild()
	case key.Matches(msg, p.keys.Edit):
		return p, p.focusField(), true
	default:
		return p, nil, false
	}
	return p, nil, true
}

func (p sourcePanel) updateEditing(msg tea.KeyMsg) (sourcePanel, tea.Cmd, bool) {
	f := &p.fields[p.cursor]
	switch msg.String() {
	case "esc":
		p.blurField()
		return p, nil, true
	case "tab", "shift+tab":
		// Form convention: tab moves on to the next field and keeps typing.
		p.blurField()
		if msg.String() == "tab" {
			p.move(1)
		} else {
			p.move(-1)
		}
		return p, p.focusField(), true
	case "enter":
		if f.typ == typeText {
			p.blurField()
			return p, nil, true
		}
	}
	var cmd tea.Cmd
	if f.typ == typeArea {
		f.area, cmd = f.area.Update(msg)
	} else {
		f.input, cmd = f.input.Update(msg)
	}
	keys := p.spec.CheckConfig()
	p.rebuild()
	if p.spec.CheckConfig() != keys { // typed into the key pair
		p.keysGiven = true
	}
	return p, cmd, true
}

// rebuild validates every field and rebuilds spec and options.
func (p *sourcePanel) rebuild() {
	s := tokens.Spec{Kind: p.kind}
	var o tokens.Options
	firstErr := ""
	for i := range p.fields {
		f := &p.fields[i]
		f.err = validateField(*f)
		if f.err != "" && f.shownFor(p.kind) && firstErr == "" {
			firstErr = f.label + ": " + f.err
		}
		v := strings.TrimSpace(f.value())
		switch f.id {
		case fCaching:
			p.caching = f.on
		case fSetting:
			_ = f.setting.Set(&s, v) // a bad value is already in f.err
		case fGrant:
			*f.grant.Ptr(&s.Grants) = f.on
		case fRoom:
			o.RoomName = v
		case fIdentity:
			o.ParticipantIdentity = v
		case fName:
			o.ParticipantName = v
		case fMetadata:
			o.ParticipantMetadata = f.value() // metadata keeps its spaces
		case fAttributes:
			o.ParticipantAttributes, _ = tokens.ParseAttributeLines(v)
		case fAgentName:
			o.AgentName = v
		case fAgentMetadata:
			o.AgentMetadata = f.value()
		case fAgentDeployment:
			o.AgentDeployment = v
		}
	}
	if firstErr == "" {
		if err := s.Validate(); err != nil {
			firstErr = err.Error()
		}
	}
	p.spec, p.opts, p.specErr = s, o, firstErr
	if !p.fields[p.cursor].shownFor(p.kind) {
		p.cursor = 0
	}
}

// View renders the form, scrolled so the cursor row is visible.
func (p sourcePanel) View() string {
	if p.w <= 0 || p.h <= 0 {
		return ""
	}
	var lines []string
	cursorLine := 0
	vw := max(p.w-labelWidth-3, 4)
	for _, i := range p.shown() {
		f := p.fields[i]
		if i == p.cursor {
			cursorLine = len(lines)
		}
		marker := "  "
		label := p.st.Label.Render(padRight(f.label, labelWidth))
		if i == p.cursor {
			marker = p.st.Cursor.Render("› ")
			label = p.st.Cursor.Render(padRight(f.label, labelWidth))
		}
		head := marker + label + " "
		switch f.typ {
		case typeKind:
			lines = append(lines, head+p.st.Value.Render("◂ "+string(p.kind)+" ▸"))
		case typeToggle:
			box := p.st.FlagOff.Render("[ ]")
			if f.on {
				box = p.st.FlagOn.Render("[x]")
			}
			lines = append(lines, head+box)
		case typeText:
			if p.editing && i == p.cursor {
				lines = append(lines, head+f.input.View())
			} else {
				lines = append(lines, head+p.st.Value.Render(p.shownValue(f, vw)))
			}
		case typeArea:
			if p.editing && i == p.cursor {
				for j, l := range strings.Split(f.area.View(), "\n") {
					if j == 0 {
						lines = append(lines, head+l)
					} else {
						lines = append(lines, strings.Repeat(" ", labelWidth+3)+l)
					}
				}
				break
			}
			vals := strings.Split(f.area.Value(), "\n")
			if f.area.Value() == "" {
				vals = []string{""}
			}
			for j, l := range vals {
				if j == 3 {
					lines = append(lines, strings.Repeat(" ", labelWidth+3)+p.st.Faint.Render(textsafe.Line("… more", vw)))
					break
				}
				pre := strings.Repeat(" ", labelWidth+3)
				if j == 0 {
					pre = head
				}
				lines = append(lines, pre+p.st.Value.Render(textsafe.Line(l, vw)))
			}
		}
		if f.err != "" {
			// The reason is what the user needs to fix the field: wrap it.
			for _, l := range strings.Split(ansi.Wrap(textsafe.Clean("✗ "+f.err), vw, " "), "\n") {
				lines = append(lines, strings.Repeat(" ", labelWidth+3)+p.st.FieldError.Render(textsafe.Line(l, vw)))
			}
		}
	}
	// Reserve the last line for the overall verdict.
	body := p.h - 1
	start := 0
	if len(lines) > body {
		start = min(max(cursorLine-body/2, 0), len(lines)-body)
		lines = lines[start : start+body]
	}
	for len(lines) < body {
		lines = append(lines, "")
	}
	verdict := p.st.FlagOn.Render("✓ ready")
	if p.specErr != "" {
		verdict = p.st.FieldError.Render(textsafe.Line("✗ "+p.specErr, p.w))
	}
	lines = append(lines, verdict)
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, p.w, "…")
	}
	return strings.Join(lines, "\n")
}

// shownValue is a field's value when not being edited: placeholders faint,
// secrets masked with a fixed width so their length is not revealed.
func (p sourcePanel) shownValue(f field, w int) string {
	v := f.input.Value()
	if v == "" {
		if f.input.Placeholder == "" {
			return ""
		}
		return p.st.Faint.Render(textsafe.Line(f.input.Placeholder, w))
	}
	if f.setting.Secret {
		return "••••••••"
	}
	return textsafe.Line(v, w)
}

func padRight(s string, w int) string {
	if n := ansi.StringWidth(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return ansi.Truncate(s, w, "…")
}
