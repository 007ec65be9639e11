package source

import "github.com/lkdash/lkdash/tokens"
import "time"

// Fields that more than one kind reads.
var (
	serverURLField = textField(Field{
		Name: "url", Label: "Server URL", Usage: "LiveKit server URL", Env: "LIVEKIT_URL",
		Placeholder: "wss://…", Required: true, Check: urlCheck("ws", "wss", "http", "https"),
	}, func(s *Spec) *string { return &s.ServerURL })

	timeoutField = durationField(Field{
		Name: "timeout", Label: "Timeout", Usage: "how long one fetch may take",
		Placeholder: "30s", Default: tokens.DefaultTimeout.String(),
	}, func(s *Spec) *time.Duration { return &s.Timeout })

	apiKeyField = textField(Field{
		Name: "api-key", Label: "API key", Usage: "API key: mints tokens, verifies signatures, asks for refreshes",
		Env: "LIVEKIT_API_KEY", Placeholder: "for verify/refresh",
	}, func(s *Spec) *string { return &s.APIKey })

	apiSecretField = textField(Field{
		Name: "api-secret", Label: "API secret", Usage: "API secret that goes with the API key",
		Env: "LIVEKIT_API_SECRET", Placeholder: "for verify/refresh", Secret: true,
	}, func(s *Spec) *string { return &s.APISecret })
)

// required returns f as a field the kind cannot do without.
func required(f Field) Field {
	f.Required = true
	return f
}
