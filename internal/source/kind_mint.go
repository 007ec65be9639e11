package source

import (
	"strings"
	"time"

	"github.com/lkdash/lkdash/tokens"
)

// KindMint signs tokens locally.
const KindMint Kind = "mint"

// mintKind describes it for the kind table.
var mintKind = KindDef{
	Kind:    KindMint,
	Summary: "sign tokens here with an API key and secret",
	Fields: []Field{
		serverURLField,
		required(apiKeyField),
		required(apiSecretField),
		durationField(Field{
			Name: "ttl", Label: "TTL", Usage: "lifetime of minted tokens",
			Placeholder: "1h", Default: tokens.DefaultTTL.String(),
		}, func(s *Spec) *time.Duration { return &s.TTL }),
	},
	ImpliedBy: []string{"api-key", "api-secret"},
	Options:   true,
	Mints:     true,
	Build: func(s Spec) tokens.ConfigurableSource {
		return &tokens.Mint{ServerURL: strings.TrimSpace(s.ServerURL), APIKey: s.APIKey, APISecret: s.APISecret, TTL: s.TTL, Grants: s.Grants}
	},
}
