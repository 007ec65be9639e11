package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/lkdash/lkdash/internal/source"
	"github.com/lkdash/lkdash/tokens"
)

// sourceFlags are the flags shared by fetch, join and the dashboard: which
// token source to use, its settings, and the request options. The settings
// and grants are derived from the tokens package's kind table.
type sourceFlags struct {
	source   string
	project  string
	settings []*settingValue // one per source.SettingFields entry
	grants   tokens.Grants

	room, identity, name, metadata            string
	attributes                                []string
	agentName, agentMetadata, agentDeployment string
}

// settingValue is the flag of one source setting. It records whether the
// command line set it, since a flag beats the environment and lk projects.
type settingValue struct {
	field source.Field
	lines []string // the values given, several for a Lines or List field
	given bool
}

func (v *settingValue) String() string {
	if !v.given {
		return v.field.Default
	}
	return strings.Join(v.lines, "\n")
}

// Set only records the value: pflag would quote it in a parse error, and it
// may be a credential. resolve parses it and names just the flag.
func (v *settingValue) Set(s string) error {
	if (v.field.Lines || v.field.List) && v.given {
		v.lines = append(v.lines, s)
	} else {
		v.lines = []string{s}
	}
	v.given = true
	return nil
}

func (v *settingValue) Type() string {
	switch {
	case v.field.Lines, v.field.List:
		return "stringArray"
	case v.field.Duration:
		return "duration"
	}
	return "string"
}

// Help groups: each flag of a command is listed under what it configures.
const (
	groupSource  = "Token source"
	groupOptions = "Request options"
	groupGrants  = "Grants (mint)"
	groupSession = "Session"
	groupMedia   = "Media"
	groupData    = "Data and RPC"
	groupAgents  = "Agents"
	groupChecks  = "Checks"
	groupOutput  = "Output"
)

// groupAnnotation holds a flag's help group.
const groupAnnotation = "lkdash_group"

// inGroup puts the named flags of fs in a help group.
func inGroup(fs *pflag.FlagSet, group string, names ...string) {
	for _, n := range names {
		_ = fs.SetAnnotation(n, groupAnnotation, []string{group})
	}
}

func (f *sourceFlags) register(fs *pflag.FlagSet) {
	f.grants = tokens.DefaultGrants()
	fs.SortFlags = false // the help lists each group in this order
	fs.StringVar(&f.source, "source", "", "token source: "+strings.Join(source.KindNames(), "|")+" (default: inferred from the other flags)")
	fs.StringVar(&f.project, "project", "", "use this project saved by the lk CLI (~/.livekit/cli-config.yaml)")
	inGroup(fs, groupSource, "source", "project")
	f.settings = nil
	for _, field := range source.SettingFields() {
		v := &settingValue{field: field}
		f.settings = append(f.settings, v)
		fs.Var(v, field.Name, settingUsage(field))
		inGroup(fs, groupSource, field.Name)
	}
	for _, g := range source.GrantFields() {
		p := g.Ptr(&f.grants)
		fs.BoolVar(p, g.Flag, *p, "grant "+g.Claim)
		inGroup(fs, groupGrants, g.Flag)
	}

	fs.StringVar(&f.room, "room", "", "room name")
	fs.StringVar(&f.identity, "identity", "", "participant identity")
	fs.StringVar(&f.name, "name", "", "participant name")
	fs.StringVar(&f.metadata, "metadata", "", "participant metadata")
	fs.StringArrayVar(&f.attributes, "attribute", nil, "participant attribute k=v (repeatable)")
	fs.StringVar(&f.agentName, "agent-name", "", "agent to dispatch")
	fs.StringVar(&f.agentMetadata, "agent-metadata", "", "agent dispatch metadata")
	fs.StringVar(&f.agentDeployment, "agent-deployment", "", "agent deployment")
	inGroup(fs, groupOptions, "room", "identity", "name", "metadata", "attribute", "agent-name", "agent-metadata", "agent-deployment")
}

// settingUsage is a setting's flag help: its usage, which kinds read it,
// and its environment variable.
func settingUsage(field source.Field) string {
	var kinds []string
	for _, d := range source.Kinds() {
		for _, kf := range d.Fields {
			if kf.Name == field.Name {
				kinds = append(kinds, string(d.Kind))
			}
		}
	}
	s := field.Usage
	if len(kinds) > 0 && len(kinds) < len(source.Kinds()) {
		s += " [" + strings.Join(kinds, ", ") + "]"
	}
	if field.Env != "" {
		s += " (env " + field.Env
		if field.Secret {
			s += "; prefer it: flags show in ps"
		}
		s += ")"
	}
	return s
}

// given presets a setting as if its flag had been passed (for commands that
// spell a setting under another flag name).
func (f *sourceFlags) given(name, value string) {
	if value == "" {
		return
	}
	if f.settings == nil {
		f.register(pflag.NewFlagSet("", pflag.ContinueOnError))
	}
	for _, v := range f.settings {
		if v.field.Name == name {
			v.lines, v.given = []string{value}, true
		}
	}
}

// resolved is what the flags, environment and lk project add up to.
type resolved struct {
	spec source.Spec
	opts tokens.Options
	// keys are the pairs a fetched token may be judged with: only those
	// given explicitly, and the saved projects by issuer or server URL.
	keys source.SignerKeys
	// configured is false when nothing at all names a source, which is when
	// the dashboard and join fall back to the managed local server.
	configured bool
}

// env reads the environment; a variable so tests can supply their own.
var env = os.Getenv

// resolve merges, in priority order: flags, an explicitly named lk project,
// the environment, the lk CLI's default project, the field's default.
func (f *sourceFlags) resolve() (resolved, error) {
	var r resolved
	cfg, proj, err := f.lkProject()
	if err != nil {
		return r, err
	}
	spec := source.Spec{Grants: f.grants}
	var given source.Spec                 // only the settings given explicitly
	var fromFlags, fromElsewhere []string // names of the settings with a value
	for _, v := range f.settings {
		text, flagged, explicit := v.String(), v.given, v.given
		if !flagged {
			text, explicit = f.fallback(v.field, proj)
		}
		if err := v.field.Set(&spec, text); err != nil {
			return r, usageErrorf("--%s: %v", v.field.Name, err)
		}
		if explicit {
			_ = v.field.Set(&given, text) // parsed just above
		}
		switch {
		case flagged && text != "":
			fromFlags = append(fromFlags, v.field.Name)
		case text != "" && text != v.field.Default:
			fromElsewhere = append(fromElsewhere, v.field.Name)
		}
	}
	spec.Kind, r.configured = f.kind(fromFlags, fromElsewhere)
	r.spec = spec
	r.keys = signerKeys(spec, cfg, given.APIKey != "", given.APISecret != "")

	r.opts = tokens.Options{
		RoomName:            f.room,
		ParticipantName:     f.name,
		ParticipantIdentity: f.identity,
		ParticipantMetadata: f.metadata,
		AgentName:           f.agentName,
		AgentMetadata:       f.agentMetadata,
		AgentDeployment:     f.agentDeployment,
	}
	for _, kv := range f.attributes {
		k, v, err := source.ParseAttribute(kv)
		if err != nil {
			return r, usageErrorf("--attribute %q: %v", kv, err)
		}
		if r.opts.ParticipantAttributes == nil {
			r.opts.ParticipantAttributes = map[string]string{}
		}
		r.opts.ParticipantAttributes[k] = v
	}
	return r, nil
}

// fallback is a setting's value when its flag is absent: an explicitly
// named project wins over the environment, which wins over the default
// project. Settings without an environment variable take their default.
// explicit is false for a value from the default project or a default,
// which nobody gave for this command.
func (f *sourceFlags) fallback(field source.Field, proj *lkProject) (text string, explicit bool) {
	if field.Env == "" {
		return field.Default, false
	}
	if proj != nil && f.project != "" {
		return proj.value(field.Env), true
	}
	if v := strings.TrimSpace(env(field.Env)); v != "" {
		return v, true
	}
	if proj != nil {
		return proj.value(field.Env), false
	}
	return field.Default, false
}

// kind picks the source: --source when given, else the first kind in the
// table implied by a setting from a flag, else by one from the environment
// or a project. A bare URL configures nothing on its own.
func (f *sourceFlags) kind(fromFlags, fromElsewhere []string) (source.Kind, bool) {
	if f.source != "" {
		return source.Kind(strings.ToLower(f.source)), true
	}
	for _, names := range [][]string{fromFlags, fromElsewhere} {
		for _, d := range source.Kinds() {
			for _, n := range names {
				if d.Implies(n) {
					return d.Kind, true
				}
			}
		}
	}
	return "", false
}

// lkProject loads the lk CLI config and picks the --project (or default)
// project from it; both are nil when there is none.
func (f *sourceFlags) lkProject() (*lkConfig, *lkProject, error) {
	path, err := lkConfigPath()
	if err != nil {
		if f.project != "" {
			return nil, nil, fmt.Errorf("--project: %w", err)
		}
		return nil, nil, nil
	}
	cfg, err := loadLKConfig(path)
	if err != nil {
		if f.project != "" {
			return nil, nil, err
		}
		// A broken lk config must not break users who never asked for it.
		return nil, nil, nil
	}
	proj, err := cfg.project(f.project)
	return cfg, proj, err
}

// signerKeys says which key pairs may judge the tokens spec fetches. A
// minting spec signs with its own pair; otherwise a pair from the default
// project counts only through the saved-project rule, like any other.
func signerKeys(spec source.Spec, cfg *lkConfig, keyExplicit, secretExplicit bool) source.SignerKeys {
	var k source.SignerKeys
	switch {
	case spec.Mints():
		k.Explicit = tokens.CheckConfig{APIKey: spec.APIKey, APISecret: spec.APISecret}
	default:
		if keyExplicit {
			k.Explicit.APIKey = spec.APIKey
		}
		if secretExplicit {
			k.Explicit.APISecret = spec.APISecret
		}
	}
	if cfg != nil {
		k.Saved = cfg.savedKeys()
	}
	return k
}

// validSource checks --source names a known kind.
func validSource(k source.Kind) error {
	if err := source.CheckKind(k); err != nil {
		return usageErrorf("--source: %v", err)
	}
	return nil
}
