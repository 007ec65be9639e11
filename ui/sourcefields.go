package ui

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/textinput"

	"github.com/lkdash/lkdash/tokens"
)

// sourceKinds is the order the kind selector cycles through.
var sourceKinds = []tokens.Kind{tokens.KindLiteral, tokens.KindEndpoint, tokens.KindSandbox, tokens.KindCommand, tokens.KindMint}

type fieldID int

const (
	fKind fieldID = iota
	fCaching
	fServerURL
	fToken
	fEndpoint
	fMethod
	fHeaders
	fSandboxID
	fSandboxBase
	fCommand
	fAPIKey
	fAPISecret
	fTimeout
	fTTL
	fGrantFirst // grant toggles follow, one per grantNames entry
)

// numGrants is len(grantNames), as a constant for the ids below.
const numGrants = 11

// Request option fields come after the grants.
const (
	fRoom fieldID = fGrantFirst + numGrants + iota
	fIdentity
	fName
	fMetadata
	fAttributes
	fAgentName
	fAgentMetadata
	fAgentDeployment
)

// grantNames label the Mint grant toggles, in tokens.Grants field order,
// with the short words the token panel uses (they fit the label column).
var grantNames = [numGrants]string{"join", "publish", "subscribe", "data", "metadata", "hidden", "admin", "create", "list", "record", "agent"}

func grantPtrs(g *tokens.Grants) []*bool {
	return []*bool{&g.RoomJoin, &g.CanPublish, &g.CanSubscribe, &g.CanPublishData, &g.CanUpdateOwnMetadata, &g.Hidden, &g.RoomAdmin, &g.RoomCreate, &g.RoomList, &g.RoomRecord, &g.Agent}
}

type fieldType int

const (
	typeText fieldType = iota
	typeArea
	typeToggle
	typeKind
)

// field is one row of the source form.
type field struct {
	id    fieldID
	label string
	typ   fieldType
	kinds []tokens.Kind // source kinds that show the row; nil = all
	input textinput.Model
	area  textarea.Model
	on    bool
	err   string // live validation message, "" when fine
}

func (f field) value() string {
	if f.typ == typeArea {
		return f.area.Value()
	}
	return f.input.Value()
}

func (f field) shownFor(k tokens.Kind) bool {
	if f.kinds == nil {
		return true
	}
	for _, x := range f.kinds {
		if x == k {
			return true
		}
	}
	return false
}

func newText(id fieldID, label, placeholder string, kinds ...tokens.Kind) field {
	in := textinput.New()
	in.Prompt = ""
	in.Placeholder = placeholder
	in.CharLimit = 8192
	// A static cursor: a blinking one would wake the program twice a second.
	in.Cursor.SetMode(cursor.CursorStatic)
	return field{id: id, label: label, typ: typeText, kinds: kinds, input: in}
}

func newArea(id fieldID, label, placeholder string, kinds ...tokens.Kind) field {
	a := textarea.New()
	a.Prompt = ""
	a.Placeholder = placeholder
	a.ShowLineNumbers = false
	a.CharLimit = 16384
	a.SetHeight(3)
	a.Cursor.SetMode(cursor.CursorStatic)
	return field{id: id, label: label, typ: typeArea, kinds: kinds, area: a}
}

// newFields lays out the form for spec and opts.
func newFields(spec tokens.Spec, opts tokens.Options, caching bool) []field {
	L, E, S, C, M := tokens.KindLiteral, tokens.KindEndpoint, tokens.KindSandbox, tokens.KindCommand, tokens.KindMint
	withOpts := []tokens.Kind{E, S, C, M} // a literal token ignores options
	fs := []field{
		{id: fKind, label: "Source", typ: typeKind},
		{id: fCaching, label: "Caching", typ: typeToggle, on: caching},
		newText(fServerURL, "Server URL", "wss://…", L, M),
		newText(fToken, "Token", "eyJ…", L),
		newText(fEndpoint, "Endpoint", "https://…/token", E),
		newText(fMethod, "Method", "POST", E),
		newArea(fHeaders, "Headers", "Authorization: Bearer …", E),
		newText(fSandboxID, "Sandbox ID", "my-sandbox-1a2b", S),
		newText(fSandboxBase, "Base URL", tokens.DefaultSandboxBaseURL, S),
		newText(fCommand, "Command", "./token.sh", C),
		newText(fAPIKey, "API key", "for verify/refresh", nil...),
		newText(fAPISecret, "API secret", "for verify/refresh", nil...),
		newText(fTimeout, "Timeout", "30s", E, S, C),
		newText(fTTL, "TTL", "10m", M),
	}
	g := spec.Grants
	if g == (tokens.Grants{}) {
		g = tokens.DefaultGrants()
	}
	for i, p := range grantPtrs(&g) {
		fs = append(fs, field{id: fGrantFirst + fieldID(i), label: "+" + grantNames[i], typ: typeToggle, kinds: []tokens.Kind{M}, on: *p})
	}
	fs = append(fs,
		newText(fRoom, "Room", "", withOpts...),
		newText(fIdentity, "Identity", "", withOpts...),
		newText(fName, "Name", "", withOpts...),
		newText(fMetadata, "Metadata", "", withOpts...),
		newArea(fAttributes, "Attributes", "key=value", withOpts...),
		newText(fAgentName, "Agent", "", withOpts...),
		newText(fAgentMetadata, "Agent meta", "", withOpts...),
		newText(fAgentDeployment, "Deployment", "", withOpts...),
	)
	for i := range fs {
		f := &fs[i]
		if f.id == fAPISecret {
			f.input.EchoMode = textinput.EchoPassword
			f.input.EchoCharacter = '•'
		}
		if v, ok := specValue(spec, opts, f.id); ok {
			if f.typ == typeArea {
				f.area.SetValue(v)
			} else {
				f.input.SetValue(v)
			}
		}
	}
	return fs
}

// specValue is the initial text of a text field.
func specValue(s tokens.Spec, o tokens.Options, id fieldID) (string, bool) {
	dur := func(d time.Duration) string {
		if d == 0 {
			return ""
		}
		return d.String()
	}
	switch id {
	case fServerURL:
		return s.ServerURL, true
	case fToken:
		return s.Token, true
	case fEndpoint:
		return s.Endpoint, true
	case fMethod:
		return s.Method, true
	case fHeaders:
		var lines []string
		for k, vs := range s.Headers {
			for _, v := range vs {
				lines = append(lines, k+": "+v)
			}
		}
		sortStrings(lines)
		return strings.Join(lines, "\n"), true
	case fSandboxID:
		return s.SandboxID, true
	case fSandboxBase:
		return s.SandboxBaseURL, true
	case fCommand:
		return s.Command, true
	case fAPIKey:
		return s.APIKey, true
	case fAPISecret:
		return s.APISecret, true
	case fTimeout:
		return dur(s.Timeout), true
	case fTTL:
		return dur(s.TTL), true
	case fRoom:
		return o.RoomName, true
	case fIdentity:
		return o.ParticipantIdentity, true
	case fName:
		return o.ParticipantName, true
	case fMetadata:
		return o.ParticipantMetadata, true
	case fAttributes:
		return strings.Join(sortedPairs(o.ParticipantAttributes, "="), "\n"), true
	case fAgentName:
		return o.AgentName, true
	case fAgentMetadata:
		return o.AgentMetadata, true
	case fAgentDeployment:
		return o.AgentDeployment, true
	}
	return "", false
}

// validateField checks one field as the user types; "" means fine. Empty
// values are left to Spec.Validate, which knows which fields each kind needs.
func validateField(f field) string {
	v := strings.TrimSpace(f.value())
	switch f.id {
	case fServerURL:
		return checkURL(v, "ws", "wss", "http", "https")
	case fEndpoint, fSandboxBase:
		return checkURL(v, "http", "https")
	case fTimeout, fTTL:
		if v == "" {
			return ""
		}
		d, err := time.ParseDuration(v)
		if err != nil {
			return "not a duration (e.g. 30s, 10m)"
		}
		if d < 0 {
			return "must not be negative"
		}
	case fHeaders:
		return errText(tokens.ParseHeaderLines(v))
	case fAttributes:
		return errText(tokens.ParseAttributeLines(v))
	}
	return ""
}

func checkURL(v string, schemes ...string) string {
	if v == "" {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil {
		return "not a URL"
	}
	for _, s := range schemes {
		if strings.EqualFold(u.Scheme, s) {
			if u.Host == "" {
				return "URL has no host"
			}
			return ""
		}
	}
	return fmt.Sprintf("scheme must be %s", strings.Join(schemes, "/"))
}

// errText is a parse error as a field message ("" when it parsed).
func errText[T any](_ T, err error) string {
	if err != nil {
		return err.Error()
	}
	return ""
}
