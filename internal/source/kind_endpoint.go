package source

import "github.com/lkdash/lkdash/tokens"
import "strings"

// KindEndpoint asks a token server over HTTP.
const KindEndpoint Kind = "endpoint"

// endpointKind describes it for the kind table.
var endpointKind = KindDef{
	Kind:    KindEndpoint,
	Summary: "a token server speaking the LiveKit endpoint protocol",
	Fields: []Field{
		textField(Field{
			Name: "endpoint", Label: "Endpoint", Usage: "token endpoint URL",
			Placeholder: "https://…/token", Required: true, Check: urlCheck("http", "https"),
		}, func(s *Spec) *string { return &s.Endpoint }),
		{
			Name: "method", Label: "Method", Usage: "HTTP method for the endpoint",
			Placeholder: "POST", Default: "POST", Check: checkMethod,
			Get: func(s Spec) string { return s.Method },
			Set: func(s *Spec, v string) error { s.Method = strings.ToUpper(strings.TrimSpace(v)); return nil },
		},
		{
			Name: "header", Label: "Headers", Usage: "extra endpoint header 'Name: value' (repeatable)",
			Placeholder: "Authorization: Bearer …", Lines: true,
			Get:   func(s Spec) string { return headerLines(s.Headers) },
			Set:   func(s *Spec, v string) (err error) { s.Headers, err = ParseHeaderLines(v); return err },
			Check: func(v string) error { _, err := ParseHeaderLines(v); return err },
		},
		timeoutField,
	},
	ImpliedBy: []string{"endpoint"},
	Options:   true,
	Build: func(s Spec) tokens.ConfigurableSource {
		return &tokens.Endpoint{URL: strings.TrimSpace(s.Endpoint), Method: s.Method, Headers: s.Headers.Clone(), Timeout: s.Timeout}
	},
}
