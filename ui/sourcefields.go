package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/textinput"

	"github.com/lkdash/lkdash/internal/source"
	"github.com/lkdash/lkdash/tokens"
)

// fieldID says what a row of the source form edits. Source settings and
// grants are rows derived from the tokens package's tables; the field then
// says which one.
type fieldID int

const (
	fKind fieldID = iota
	fCaching
	fSetting // field.setting
	fGrant   // field.grant
	// Request options: shown for kinds that take them.
	fRoom
	fIdentity
	fName
	fMetadata
	fAttributes
	fAgentName
	fAgentMetadata
	fAgentDeployment
)

type fieldType int

const (
	typeText fieldType = iota
	typeArea
	typeToggle
	typeKind
)

// field is one row of the source form.
type field struct {
	id      fieldID
	label   string
	typ     fieldType
	setting source.Field      // for fSetting
	grant   source.GrantField // for fGrant
	// The row's editor: input for typeText, area for typeArea once the
	// row has been edited, nil otherwise. A bubbles editor is kilobytes and
	// a new textarea reserves room for 10,000 lines (240 KB), so rows hold
	// them by pointer and a multi-line row keeps its text in text until it
	// is first edited.
	input *textinput.Model
	area  *textarea.Model
	text  string // a typeArea row's value while area is nil
	hint  string // a typeArea row's placeholder, for its editor
	on    bool
	err   string // live validation message, "" when fine
}

func (f field) value() string {
	switch {
	case f.area != nil:
		return f.area.Value()
	case f.input != nil:
		return f.input.Value()
	}
	return f.text
}

func (f *field) setValue(v string) {
	switch {
	case f.area != nil:
		f.area.SetValue(v)
	case f.input != nil:
		f.input.SetValue(v)
	default:
		f.text = v
	}
}

// editor is the row's textarea, made on first use with the row's text.
func (f *field) editor(width int) *textarea.Model {
	if f.area == nil {
		a := textarea.New()
		a.Prompt = ""
		a.Placeholder = f.hint
		a.ShowLineNumbers = false
		a.CharLimit = 16384
		a.SetHeight(3)
		a.SetWidth(width)
		a.Cursor.SetMode(cursor.CursorStatic)
		a.SetValue(f.text)
		f.area = &a
	}
	return f.area
}

// shownFor reports whether the row belongs to kind k's form.
func (f field) shownFor(k source.Kind) bool {
	d, _ := source.LookupKind(k)
	switch {
	case f.id == fSetting:
		return d.Shows(f.setting.Name)
	case f.id == fGrant:
		return d.Mints
	case f.id >= fRoom:
		return d.Options
	}
	return true
}

func newText(id fieldID, label, placeholder string) field {
	in := textinput.New()
	in.Prompt = ""
	in.Placeholder = placeholder
	in.CharLimit = 8192
	// A static cursor: a blinking one would wake the program twice a second.
	in.Cursor.SetMode(cursor.CursorStatic)
	return field{id: id, label: label, typ: typeText, input: &in}
}

func newArea(id fieldID, label, placeholder string) field {
	return field{id: id, label: label, typ: typeArea, hint: placeholder}
}

// settingField is the row of one source setting.
func settingField(s source.Field, spec source.Spec) field {
	var f field
	if s.Lines {
		f = newArea(fSetting, s.Label, s.Placeholder)
	} else {
		f = newText(fSetting, s.Label, s.Placeholder)
	}
	if s.Secret && f.input != nil {
		f.input.EchoMode = textinput.EchoPassword
		f.input.EchoCharacter = '•'
	}
	f.setting = s
	f.setValue(s.Get(spec))
	return f
}

// newFields lays out the form for spec and opts: the kind, caching, every
// source setting, the grants, then the request options.
func newFields(spec source.Spec, opts tokens.Options, caching bool) []field {
	fs := []field{
		{id: fKind, label: "Source", typ: typeKind},
		{id: fCaching, label: "Caching", typ: typeToggle, on: caching},
	}
	for _, s := range source.SettingFields() {
		fs = append(fs, settingField(s, spec))
	}
	g := spec.Grants
	if g == (tokens.Grants{}) {
		g = tokens.DefaultGrants()
	}
	for _, gf := range source.GrantFields() {
		fs = append(fs, field{id: fGrant, label: "+" + gf.Label, typ: typeToggle, grant: gf, on: *gf.Ptr(&g)})
	}
	options := []field{
		newText(fRoom, "Room", ""),
		newText(fIdentity, "Identity", ""),
		newText(fName, "Name", ""),
		newText(fMetadata, "Metadata", ""),
		newArea(fAttributes, "Attributes", "key=value"),
		newText(fAgentName, "Agent", ""),
		newText(fAgentMetadata, "Agent meta", ""),
		newText(fAgentDeployment, "Deployment", ""),
	}
	for _, f := range options {
		f.setValue(optionValue(opts, f.id))
		fs = append(fs, f)
	}
	return fs
}

// optionValue is the initial text of a request option row.
func optionValue(o tokens.Options, id fieldID) string {
	switch id {
	case fRoom:
		return o.RoomName
	case fIdentity:
		return o.ParticipantIdentity
	case fName:
		return o.ParticipantName
	case fMetadata:
		return o.ParticipantMetadata
	case fAttributes:
		return strings.Join(sortedPairs(o.ParticipantAttributes, "="), "\n")
	case fAgentName:
		return o.AgentName
	case fAgentMetadata:
		return o.AgentMetadata
	case fAgentDeployment:
		return o.AgentDeployment
	}
	return ""
}

// validateField checks one field as the user types; "" means fine. Empty
// values are left to Spec.Validate, which knows which fields each kind needs.
func validateField(f field) string {
	v := strings.TrimSpace(f.value())
	switch f.id {
	case fSetting:
		return errText(0, f.setting.Parse(v))
	case fAttributes:
		return errText(source.ParseAttributeLines(v))
	}
	return ""
}

// errText is a parse error as a field message ("" when it parsed).
func errText[T any](_ T, err error) string {
	if err != nil {
		return err.Error()
	}
	return ""
}
