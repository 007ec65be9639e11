package source

import (
	"fmt"
	"strings"
	"time"

	"github.com/lkdash/lkdash/tokens"
)

// ServerURLName names the server URL setting (its flag is --url), which
// only a join needs: a form can still decode a literal token without it.
const ServerURLName = "url"

// Fields that more than one kind reads.
var (
	// serverURLField takes one URL, or several of one deployment (the
	// nodes of a self-hosted cluster): the first is the server, the others
	// are where a session fails over to, in order.
	serverURLField = Field{
		Name: ServerURLName, Label: "Server URL", Env: "LIVEKIT_URL", Placeholder: "wss://…", Required: true, List: true,
		Usage: "LiveKit server URL; several (repeat the flag, or a comma list) are nodes of one deployment, failed over to in order",
		Get:   func(s Spec) string { return strings.Join(append([]string{s.ServerURL}, s.FailoverURLs...), ", ") },
		Set: func(s *Spec, v string) error {
			urls := splitList(v)
			s.ServerURL, s.FailoverURLs = "", nil
			if len(urls) > 0 {
				s.ServerURL, s.FailoverURLs = urls[0], urls[1:]
			}
			return nil
		},
		Check: func(v string) error {
			check := urlCheck("ws", "wss", "http", "https")
			urls := splitList(v)
			for i, u := range urls {
				if err := check(u); err != nil {
					if len(urls) == 1 {
						return err
					}
					return fmt.Errorf("URL %d: %w", i+1, err)
				}
			}
			return nil
		},
	}

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
