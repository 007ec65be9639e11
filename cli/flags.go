package cli

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/lkdash/lkdash/tokens"
)

// sourceFlags are the flags shared by fetch, join and the dashboard: which
// token source to use, its settings, and the request options.
type sourceFlags struct {
	source         string
	project        string
	url            string
	token          string
	endpoint       string
	method         string
	headers        []string
	timeout        time.Duration
	sandboxID      string
	sandboxBaseURL string
	command        string
	apiKey         string
	apiSecret      string
	ttl            time.Duration
	grants         tokens.Grants

	room, identity, name, metadata            string
	attributes                                []string
	agentName, agentMetadata, agentDeployment string
}

func (f *sourceFlags) register(fs *pflag.FlagSet) {
	f.grants = tokens.DefaultGrants()
	fs.StringVar(&f.source, "source", "", "token source: literal|endpoint|sandbox|command|mint (default: inferred from the other flags)")
	fs.StringVar(&f.project, "project", "", "use this project saved by the lk CLI (~/.livekit/cli-config.yaml)")
	fs.StringVar(&f.url, "url", "", "LiveKit server URL (env LIVEKIT_URL)")
	fs.StringVar(&f.token, "token", "", "participant token for the literal source")
	fs.StringVar(&f.endpoint, "endpoint", "", "token endpoint URL")
	fs.StringVar(&f.method, "method", http.MethodPost, "HTTP method for the endpoint")
	fs.StringArrayVar(&f.headers, "header", nil, "extra endpoint header 'K: V' (repeatable)")
	fs.DurationVar(&f.timeout, "timeout", 30*time.Second, "endpoint/sandbox/command timeout")
	fs.StringVar(&f.sandboxID, "sandbox-id", "", "LiveKit Cloud sandbox id (env LIVEKIT_SANDBOX_ID)")
	fs.StringVar(&f.sandboxBaseURL, "sandbox-base-url", tokens.DefaultSandboxBaseURL, "sandbox token server base URL")
	fs.StringVar(&f.command, "command", "", "shell command: request JSON on stdin, response JSON on stdout")
	fs.StringVar(&f.apiKey, "api-key", "", "API key for minting (env LIVEKIT_API_KEY)")
	fs.StringVar(&f.apiSecret, "api-secret", "", "API secret for minting (env LIVEKIT_API_SECRET; prefer the env var: flags show in ps)")
	fs.DurationVar(&f.ttl, "ttl", time.Hour, "lifetime of minted tokens")
	fs.BoolVar(&f.grants.RoomJoin, "can-join", f.grants.RoomJoin, "grant: roomJoin")
	fs.BoolVar(&f.grants.CanPublish, "can-publish", f.grants.CanPublish, "grant: canPublish")
	fs.BoolVar(&f.grants.CanSubscribe, "can-subscribe", f.grants.CanSubscribe, "grant: canSubscribe")
	fs.BoolVar(&f.grants.CanPublishData, "can-publish-data", f.grants.CanPublishData, "grant: canPublishData")
	fs.BoolVar(&f.grants.CanUpdateOwnMetadata, "can-update-metadata", f.grants.CanUpdateOwnMetadata, "grant: canUpdateOwnMetadata")
	fs.BoolVar(&f.grants.Hidden, "hidden", f.grants.Hidden, "grant: hidden participant")
	fs.BoolVar(&f.grants.RoomAdmin, "room-admin", f.grants.RoomAdmin, "grant: roomAdmin")
	fs.BoolVar(&f.grants.RoomCreate, "room-create", f.grants.RoomCreate, "grant: roomCreate")
	fs.BoolVar(&f.grants.RoomList, "room-list", f.grants.RoomList, "grant: roomList")
	fs.BoolVar(&f.grants.RoomRecord, "room-record", f.grants.RoomRecord, "grant: roomRecord")
	fs.BoolVar(&f.grants.Agent, "agent-grant", f.grants.Agent, "grant: agent")

	fs.StringVar(&f.room, "room", "", "request option: room name")
	fs.StringVar(&f.identity, "identity", "", "request option: participant identity")
	fs.StringVar(&f.name, "name", "", "request option: participant name")
	fs.StringVar(&f.metadata, "metadata", "", "request option: participant metadata")
	fs.StringArrayVar(&f.attributes, "attribute", nil, "request option: participant attribute k=v (repeatable)")
	fs.StringVar(&f.agentName, "agent-name", "", "request option: agent to dispatch")
	fs.StringVar(&f.agentMetadata, "agent-metadata", "", "request option: agent dispatch metadata")
	fs.StringVar(&f.agentDeployment, "agent-deployment", "", "request option: agent deployment")
}

// resolved is what the flags, environment and lk project add up to.
type resolved struct {
	spec tokens.Spec
	opts tokens.Options
	// keys are the pairs a fetched token may be judged with: only those
	// given explicitly, and the saved projects by issuer or server URL.
	keys tokens.SignerKeys
	// configured is false when nothing at all names a source, which is when
	// the dashboard and join fall back to the managed local server.
	configured bool
}

// env reads the environment; a variable so tests can supply their own.
var env = os.Getenv

// resolve merges, in priority order: flags, an explicitly named lk project,
// the environment, the lk CLI's default project.
func (f *sourceFlags) resolve() (resolved, error) {
	var r resolved
	cfg, proj, err := f.lkProject()
	if err != nil {
		return r, err
	}
	// pickFrom returns the setting and whether it was given explicitly:
	// by flag, environment or a project named with --project, rather than
	// by the lk CLI's default project.
	pickFrom := func(flag, envName string, fromProject func(*lkProject) string) (string, bool) {
		if flag != "" {
			return flag, true
		}
		if proj != nil && f.project != "" {
			return fromProject(proj), true
		}
		if v := strings.TrimSpace(env(envName)); v != "" {
			return v, true
		}
		if proj != nil {
			return fromProject(proj), false
		}
		return "", false
	}
	pick := func(flag, envName string, fromProject func(*lkProject) string) string {
		v, _ := pickFrom(flag, envName, fromProject)
		return v
	}
	apiKey, keyExplicit := pickFrom(f.apiKey, "LIVEKIT_API_KEY", func(p *lkProject) string { return p.APIKey })
	apiSecret, secretExplicit := pickFrom(f.apiSecret, "LIVEKIT_API_SECRET", func(p *lkProject) string { return p.APISecret })
	spec := tokens.Spec{
		ServerURL:      pick(f.url, "LIVEKIT_URL", func(p *lkProject) string { return p.URL }),
		Token:          f.token,
		Endpoint:       f.endpoint,
		Method:         f.method,
		Timeout:        f.timeout,
		SandboxID:      pick(f.sandboxID, "LIVEKIT_SANDBOX_ID", func(*lkProject) string { return "" }),
		SandboxBaseURL: f.sandboxBaseURL,
		Command:        f.command,
		APIKey:         apiKey,
		APISecret:      apiSecret,
		TTL:            f.ttl,
		Grants:         f.grants,
	}
	if len(f.headers) > 0 {
		spec.Headers = http.Header{}
		for _, line := range f.headers {
			k, v, err := tokens.ParseHeader(line)
			if err != nil {
				return r, usageErrorf("--header %q: %v", line, err)
			}
			spec.Headers.Add(k, v)
		}
	}
	spec.Kind, r.configured = f.kind(spec)
	r.spec = spec
	r.keys = signerKeys(spec, cfg, keyExplicit, secretExplicit)

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
		k, v, err := tokens.ParseAttribute(kv)
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

// kind picks the source: --source when given, else the most specific setting
// present. A bare URL configures nothing on its own.
func (f *sourceFlags) kind(s tokens.Spec) (tokens.Kind, bool) {
	if f.source != "" {
		return tokens.Kind(strings.ToLower(f.source)), true
	}
	switch {
	case s.Token != "":
		return tokens.KindLiteral, true
	case s.Endpoint != "":
		return tokens.KindEndpoint, true
	case s.Command != "":
		return tokens.KindCommand, true
	case s.SandboxID != "":
		return tokens.KindSandbox, true
	case s.APIKey != "" || s.APISecret != "":
		return tokens.KindMint, true
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
func signerKeys(spec tokens.Spec, cfg *lkConfig, keyExplicit, secretExplicit bool) tokens.SignerKeys {
	var k tokens.SignerKeys
	switch {
	case spec.Kind == tokens.KindMint:
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
func validSource(k tokens.Kind) error {
	switch k {
	case tokens.KindLiteral, tokens.KindEndpoint, tokens.KindSandbox, tokens.KindCommand, tokens.KindMint:
		return nil
	}
	return usageErrorf("--source %q: want literal, endpoint, sandbox, command or mint", string(k))
}
