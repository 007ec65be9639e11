package source

import "github.com/lkdash/lkdash/tokens"

// KindSandbox asks a LiveKit Cloud sandbox token server.
const KindSandbox Kind = "sandbox"

// sandboxKind describes it for the kind table.
var sandboxKind = KindDef{
	Kind:    KindSandbox,
	Summary: "a LiveKit Cloud sandbox token server",
	Fields: []Field{
		textField(Field{
			Name: "sandbox-id", Label: "Sandbox ID", Usage: "LiveKit Cloud sandbox id", Env: "LIVEKIT_SANDBOX_ID",
			Placeholder: "my-sandbox-1a2b", Required: true,
		}, func(s *Spec) *string { return &s.SandboxID }),
		textField(Field{
			Name: "sandbox-base-url", Label: "Base URL", Usage: "sandbox token server base URL",
			Placeholder: tokens.DefaultSandboxBaseURL, Default: tokens.DefaultSandboxBaseURL, Check: urlCheck("http", "https"),
		}, func(s *Spec) *string { return &s.SandboxBaseURL }),
		timeoutField,
	},
	ImpliedBy: []string{"sandbox-id"},
	Options:   true,
	Build: func(s Spec) tokens.ConfigurableSource {
		return &tokens.Sandbox{ID: s.SandboxID, BaseURL: s.SandboxBaseURL, Timeout: s.Timeout}
	},
}
