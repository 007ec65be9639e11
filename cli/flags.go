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
	proj, err := f.lkProject()
	if err != nil {
		return r, err
	}
	pick := func(flag, envName string, fromProject func(*lkProject) string) string {
		if flag != "" {
			return flag
		}
		if proj != nil && f.project != "" {
			return fromProject(proj)
		}
		if v := strings.TrimSpace(env(envName)); v != "" {
			return v
		}
		if proj != nil {
			return fromProject(proj)
		}
		return ""
	}
	spec := tokens.Spec{
		ServerURL:      pick(f.url, "LIVEKIT_URL", func(p *lkProject) string { return p.URL }),
		Token:          f.token,
		Endpoint:       f.endpoint,
		Method:         f.method,
		Timeout:        f.timeout,
		SandboxID:      pick(f.sandboxID, "LIVEKIT_SANDBOX_ID", func(*lkProject) string { return "" }),
		SandboxBaseURL: f.sandboxBaseURL,
		Command:        f.command,
		APIKey:         pick(f.apiKey, "LIVEKIT_API_KEY", func(p *lkProject) string { return p.APIKey }),
		APISecret:      pick(f.apiSecret, "LIVEKIT_API_SECRET", func(p *lkProject) string { return p.APISecret }),
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

func (f *sourceFlags) lkProject() (*lkProject, error) {
	path, err := lkConfigPath()
	if err != nil {
		if f.project != "" {
			return nil, fmt.Errorf("--project: %w", err)
		}
		return nil, nil
	}
	cfg, err := loadLKConfig(path)
	if err != nil {
		if f.project != "" {
			return nil, err
		}
		// A broken lk config must not break users who never asked for it.
		return nil, nil
	}
	return cfg.project(f.project)
}

// validSource checks --source names a known kind.
func validSource(k tokens.Kind) error {
	switch k {
	case tokens.KindLiteral, tokens.KindEndpoint, tokens.KindSandbox, tokens.KindCommand, tokens.KindMint:
		return nil
	}
	return usageErrorf("--source %q: want literal, endpoint, sandbox, command or mint", string(k))
}
