package tokens

// literalKind is a fixed URL and token; request options cannot change it.
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
	Build: func(s Spec) ConfigurableSource {
		return IgnoreOptions(Literal{ServerURL: s.ServerURL, ParticipantToken: s.Token})
	},
}
