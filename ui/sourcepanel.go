package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/lkdash/lkdash/internal/source"
	"github.com/lkdash/lkdash/internal/textsafe"
	"github.com/lkdash/lkdash/styles"
	"github.com/lkdash/lkdash/tokens"
)

const labelWidth = 11

// sourcePanel is the form that picks a token source and the request
// options. It owns its text inputs; while one is being edited every key goes
// to it (see editing), which is how typing "q" in a field never quits.
type sourcePanel struct {
	st *styles.Styles

	kind    source.Kind
	fields  []field
	cursor  int // index into fields, always a shown field
	editing bool

	// Built from the fields after every change.
	spec    source.Spec
	opts    tokens.Options
	caching bool
	specErr string // Spec.Validate or a field error; "" = ready to fetch
	// urlOnly: every problem is the server URL's (see DecodeOnly).
	urlOnly bool
	// keysGiven: the form's key pair was typed in or came from the managed
	// server, so it judges any token (see Model.signerKeys).
	keysGiven bool

	w, h int
}

func newSourcePanel(st *styles.Styles, spec source.Spec, opts tokens.Options, caching bool) sourcePanel {
	if spec.Kind == "" {
		spec.Kind = source.KindEndpoint
	}
	p := sourcePanel{st: st, kind: spec.Kind, fields: newFields(spec, opts, caching)}
	p.rebuild()
	return p
}

// sourceKeys are the form's bindings.
type sourceKeys struct {
	Up, Down, Edit, Toggle, KindPrev, KindNext, Done key.Binding
}

// keys returns the form's bindings, enabled for the row under the cursor.
func (p sourcePanel) keys() sourceKeys {
	typ := p.fields[p.cursor].typ
	nav := !p.editing
	return sourceKeys{
		Up:       on(bind("↑", "up", "up"), nav),
		Down:     on(bind("↓", "down", "down"), nav),
		Edit:     on(bind("enter", "edit", "enter"), nav && (typ == typeText || typ == typeArea)),
		Toggle:   on(bind("space", "toggle", " ", "enter"), nav && (typ == typeToggle || typ == typeKind)),
		KindPrev: on(bind("←", "prev source", "left"), nav && typ == typeKind),
		KindNext: on(bind("→", "next source", "right"), nav && typ == typeKind),
		Done:     on(bind("esc", "leave field", "esc"), p.editing),
	}
}

// ShortHelp implements help.KeyMap.
func (p sourcePanel) ShortHelp() []key.Binding {
	k := p.keys()
	return []key.Binding{k.Done, k.Edit, k.Toggle}
}

// FullHelp implements help.KeyMap.
func (p sourcePanel) FullHelp() [][]key.Binding {
	k := p.keys()
	return [][]key.Binding{{k.Up, k.Down, k.Edit, k.Toggle, k.KindPrev, k.KindNext, k.Done}}
}

// Title implements Panel.
func (p sourcePanel) Title() string { return "Source" }

// Capturing reports whether a text field has the keyboard.
func (p sourcePanel) Capturing() bool { return p.editing }

// Ready reports whether the form describes a fetchable source.
func (p sourcePanel) Ready() bool { return p.specErr == "" }

// DecodeOnly is the literal token to show when the form cannot fetch only
// for want of a server URL: a token says everything about itself, and the
// URL matters only to join (`lkdash --token X` with no LIVEKIT_URL).
func (p sourcePanel) DecodeOnly() (string, bool) {
	tok := strings.TrimSpace(p.spec.Token)
	if p.kind != source.KindLiteral || p.Ready() || !p.urlOnly || tok == "" {
		return "", false
	}
	return tok, true
}

// Spec, Options and Caching are what the form describes now.
func (p sourcePanel) Spec() source.Spec { return p.spec }

// Options is the request options the form describes.
func (p sourcePanel) Options() tokens.Options { return p.opts.Clone() }

// KeysGiven reports whether the form's key pair was given for this source
// (typed in, or from the managed server), so it may judge any token.
func (p sourcePanel) KeysGiven() bool { return p.keysGiven }

// Caching reports whether the caching decorator is on.
func (p sourcePanel) Caching() bool { return p.caching }

// SetSize sets the inner size (inside the border).
func (p *sourcePanel) SetSize(w, h int) {
	p.w, p.h = w, h
	vw := p.valueWidth()
	for i := range p.fields {
		switch p.fields[i].typ {
		case typeText:
			p.fields[i].input.Width = vw - 1
		case typeArea:
			if a := p.fields[i].area; a != nil {
				a.SetWidth(vw)
			}
		}
	}
}

// valueWidth is the width of a row's value, right of its label.
func (p sourcePanel) valueWidth() int { return max(p.w-labelWidth-3, 4) }

// presetMsg selects spec's kind in the form and fills in every setting
// spec has a value for (the managed server's token endpoint and keys).
type presetMsg struct{ spec source.Spec }

// preset selects spec's kind and fills in every setting spec has a value for.
func (p *sourcePanel) preset(spec source.Spec) {
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
	kinds := source.Kinds()
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
		return f.editor(p.valueWidth()).Focus()
	}
	return nil
}

func (p *sourcePanel) blurField() {
	f := &p.fields[p.cursor]
	if f.input != nil {
		f.input.Blur()
	}
	if f.area != nil {
		f.area.Blur()
	}
	p.editing = false
}

// Update handles keys (the root sends them only while the form is focused).
func (p sourcePanel) Update(msg tea.Msg) (sourcePanel, tea.Cmd) {
	if pm, ok := msg.(presetMsg); ok {
		p.preset(pm.spec)
		return p, nil
	}
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return p, nil
	}
	if p.editing {
		return p.updateEditing(km)
	}
	f := &p.fields[p.cursor]
	k := p.keys()
	switch {
	case key.Matches(km, k.Up):
		p.move(-1)
	case key.Matches(km, k.Down):
		p.move(1)
	case key.Matches(km, k.KindPrev):
		p.cycleKind(-1)
	case f.typ == typeKind && key.Matches(km, k.KindNext, k.Toggle):
		p.cycleKind(1)
	case f.typ == typeToggle && key.Matches(km, k.Toggle):
		f.on = !f.on
		p.rebuild()
	case key.Matches(km, k.Edit):
		return p, p.focusField()
	}
	return p, nil
}

func (p sourcePanel) updateEditing(msg tea.KeyMsg) (sourcePanel, tea.Cmd) {
	f := &p.fields[p.cursor]
	switch msg.String() {
	case "esc":
		p.blurField()
		return p, nil
	case "tab", "shift+tab":
		// Form convention: tab moves on to the next field and keeps typing.
		p.blurField()
		if msg.String() == "tab" {
			p.move(1)
		} else {
			p.move(-1)
		}
		return p, p.focusField()
	case "enter":
		if f.typ == typeText {
			p.blurField()
			return p, nil
		}
	}
	var cmd tea.Cmd
	if f.typ == typeArea {
		*f.area, cmd = f.area.Update(msg)
	} else {
		*f.input, cmd = f.input.Update(msg)
	}
	keys := p.spec.CheckConfig()
	p.rebuild()
	if p.spec.CheckConfig() != keys { // typed into the key pair
		p.keysGiven = true
	}
	return p, cmd
}

// rebuild validates every field and rebuilds spec and options.
func (p *sourcePanel) rebuild() {
	s := source.Spec{Kind: p.kind}
	var o tokens.Options
	firstErr, urlOnly := "", true
	for i := range p.fields {
		f := &p.fields[i]
		f.err = validateField(*f)
		if f.err != "" && f.shownFor(p.kind) {
			if firstErr == "" {
				firstErr = f.label + ": " + f.err
			}
			urlOnly = urlOnly && f.id == fSetting && f.setting.Name == source.ServerURLName
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
			o.ParticipantAttributes, _ = source.ParseAttributeLines(v)
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
	p.spec, p.opts, p.specErr, p.urlOnly = s, o, firstErr, urlOnly
	if !p.fields[p.cursor].shownFor(p.kind) {
		p.cursor = 0
	}
}

// View renders the form, scrolled so the cursor row is visible.
func (p sourcePanel) View() string {
	if p.w <= 0 || p.h <= 0 {
		return ""
	}
	lines, cursorLine := p.fieldLines()
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
	if _, ok := p.DecodeOnly(); ok {
		verdict = p.st.Warn.Render(textsafe.Line("! to join: "+p.specErr+" · f decodes the token", p.w))
	} else if p.specErr != "" {
		verdict = p.st.FieldError.Render(textsafe.Line("✗ "+p.specErr, p.w))
	}
	lines = append(lines, verdict)
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, p.w, "…")
	}
	return strings.Join(lines, "\n")
}

// Want implements Panel: every shown field and the verdict.
func (p sourcePanel) Want(w int) int {
	p.w = w
	lines, _ := p.fieldLines()
	return len(lines) + 1
}

// fieldLines renders the shown fields, with the line the cursor is on.
func (p sourcePanel) fieldLines() (lines []string, cursorLine int) {
	vw := p.valueWidth()
	for _, i := range p.shown() {
		f := p.fields[i]
		if i == p.cursor {
			cursorLine = len(lines)
		}
		marker := "  "
		label := p.st.Label.Render(pad(f.label, labelWidth))
		if i == p.cursor {
			marker = p.st.Cursor.Render("› ")
			label = p.st.Cursor.Render(pad(f.label, labelWidth))
		}
		lines = append(lines, p.fieldValue(f, i, marker+label+" ", vw)...)
		if f.err != "" {
			// The reason is what the user needs to fix the field: wrap it.
			for _, l := range strings.Split(ansi.Wrap(textsafe.Clean("✗ "+f.err), vw, " "), "\n") {
				lines = append(lines, strings.Repeat(" ", labelWidth+3)+p.st.FieldError.Render(textsafe.Line(l, vw)))
			}
		}
	}
	return lines, cursorLine
}

// fieldValue renders field i's row (more than one for a text area) after
// head, its marker and label.
func (p sourcePanel) fieldValue(f field, i int, head string, vw int) []string {
	indent := strings.Repeat(" ", labelWidth+3)
	switch f.typ {
	case typeKind:
		return []string{head + p.st.Value.Render("◂ "+string(p.kind)+" ▸")}
	case typeToggle:
		box := p.st.FlagOff.Render("[ ]")
		if f.on {
			box = p.st.FlagOn.Render("[x]")
		}
		return []string{head + box}
	case typeText:
		if p.editing && i == p.cursor {
			return []string{head + f.input.View()}
		}
		return []string{head + p.st.Value.Render(p.shownValue(f, vw))}
	}
	var lines []string // typeArea
	if p.editing && i == p.cursor {
		for j, l := range strings.Split(f.area.View(), "\n") {
			if j == 0 {
				lines = append(lines, head+l)
			} else {
				lines = append(lines, indent+l)
			}
		}
		return lines
	}
	vals := strings.Split(f.value(), "\n")
	for j, l := range vals {
		if j == 3 {
			return append(lines, indent+p.st.Faint.Render(textsafe.Line("… more", vw)))
		}
		pre := indent
		if j == 0 {
			pre = head
		}
		lines = append(lines, pre+p.st.Value.Render(textsafe.Line(l, vw)))
	}
	return lines
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
