package source

import "github.com/lkdash/lkdash/tokens"

// KindLiteral is a fixed URL and token.
const KindLiteral Kind = "literal"

// literalKind describes it for the kind table.
var literalKind = KindDef{
	Kind:    KindLiteral,
	Summary: "a fixed server URL and participant token",
	Fields: []Field{
		serverURLField,
		textField(Field{
			Name: "token", Label: "Token", Usage: "participant token",
			Placeholder: "eyJ…", Required: true,
		}, func(s *Spec) *string { return &s.Token }),
	},
	ImpliedBy: []string{"token"},
	Build: func(s Spec) tokens.ConfigurableSource {
		return tokens.IgnoreOptions(tokens.Literal{ServerURL: s.ServerURL, ParticipantToken: s.Token})
	},
}
