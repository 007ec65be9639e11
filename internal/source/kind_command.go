package source

import "github.com/lkdash/lkdash/tokens"

// KindCommand runs a user command.
const KindCommand Kind = "command"

// commandKind describes it for the kind table.
var commandKind = KindDef{
	Kind:    KindCommand,
	Summary: "a shell command: request JSON on stdin, response JSON on stdout",
	Fields: []Field{
		textField(Field{
			Name: "command", Label: "Command", Usage: "shell command: request JSON on stdin, response JSON on stdout",
			Placeholder: "./token.sh", Required: true,
		}, func(s *Spec) *string { return &s.Command }),
		timeoutField,
	},
	ImpliedBy: []string{"command"},
	Options:   true,
	Build: func(s Spec) tokens.ConfigurableSource {
		return &tokens.Command{Line: s.Command, Timeout: s.Timeout}
	},
}
