package source

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lkdash/lkdash/tokens"
)

func TestSpecValidate(t *testing.T) {
	tests := []struct {
		name string
		spec Spec
		want []string // substrings; none means valid
	}{
		{"literal ok", Spec{Kind: KindLiteral, ServerURL: "wss://x", Token: "t"}, nil},
		{"literal missing both", Spec{Kind: KindLiteral}, []string{"Server URL is required", "Token is required"}},
		{"literal bad scheme", Spec{Kind: KindLiteral, ServerURL: "ftp://x", Token: "t"}, []string{`Server URL: scheme must be ws/wss/http/https, not "ftp"`}},
		{"endpoint ok", Spec{Kind: KindEndpoint, Endpoint: "https://x/token", Headers: http.Header{"Authorization": {"Bearer z"}}}, nil},
		{"endpoint missing", Spec{Kind: KindEndpoint}, []string{"Endpoint is required"}},
		{"endpoint not http", Spec{Kind: KindEndpoint, Endpoint: "wss://x/token"}, []string{`Endpoint: scheme must be http/https, not "wss"`}},
		{"endpoint no host", Spec{Kind: KindEndpoint, Endpoint: "http:///token"}, []string{"Endpoint: URL has no host"}},
		{"endpoint hides query", Spec{Kind: KindEndpoint, Endpoint: "ftp://x/?key=hunter2"}, []string{"scheme must be http/https"}},
		{"endpoint bad method", Spec{Kind: KindEndpoint, Endpoint: "http://x", Method: "PO ST"}, []string{`Method: "PO ST" is not an HTTP method`}},
		{"endpoint bad header value", Spec{Kind: KindEndpoint, Endpoint: "http://x", Headers: http.Header{"Authorization": {"a\nhunter2"}}},
			[]string{"Headers: header line 2"}},
		{"sandbox ok", Spec{Kind: KindSandbox, SandboxID: "abc"}, nil},
		{"sandbox blank id", Spec{Kind: KindSandbox, SandboxID: "  "}, []string{"Sandbox ID is required"}},
		{"sandbox bad base", Spec{Kind: KindSandbox, SandboxID: "a", SandboxBaseURL: "cloud-api"}, []string{`Base URL: scheme must be http/https`}},
		{"command ok", Spec{Kind: KindCommand, Command: "./tok.sh"}, nil},
		{"command missing", Spec{Kind: KindCommand}, []string{"Command is required"}},
		{"mint ok", Spec{Kind: KindMint, ServerURL: "ws://localhost:7880", APIKey: "k", APISecret: "s"}, nil},
		{"mint missing", Spec{Kind: KindMint}, []string{"Server URL is required", "API key is required", "API secret is required"}},
		{"no kind", Spec{}, []string{"source kind is required (literal, endpoint, sandbox, command or mint)"}},
		{"unknown kind", Spec{Kind: "magic"}, []string{`unknown source kind "magic"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.spec.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if _, err := tt.spec.Build(); err != nil {
					t.Fatalf("Build: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error leaks a secret: %q", err)
			}
			if _, berr := tt.spec.Build(); berr == nil {
				t.Error("Build accepted an invalid spec")
			}
		})
	}
}

func TestSpecBuild(t *testing.T) {
	src, err := Spec{Kind: KindLiteral, ServerURL: " wss://x ", Token: "t\n"}.Build()
	if err != nil {
		t.Fatal(err)
	}
	if r, err := src.Fetch(context.Background(), tokens.Options{RoomName: "ignored"}); err != nil || r != (tokens.Response{ServerURL: "wss://x", ParticipantToken: "t"}) {
		t.Errorf("literal: %+v %v", r, err)
	}
	hdr := http.Header{"X-A": {"1"}}
	src, _ = Spec{Kind: KindEndpoint, Endpoint: "http://x", Method: "PUT", Headers: hdr, Timeout: time.Second}.Build()
	e := src.(*tokens.Endpoint)
	hdr.Set("X-A", "changed")
	if e.URL != "http://x" || e.Method != "PUT" || e.Timeout != time.Second || e.Headers.Get("X-A") != "1" {
		t.Errorf("endpoint %+v", e)
	}
	src, _ = Spec{Kind: KindSandbox, SandboxID: "id", SandboxBaseURL: "http://s", Timeout: time.Second}.Build()
	if s := src.(*tokens.Sandbox); s.ID != "id" || s.BaseURL != "http://s" || s.Timeout != time.Second {
		t.Errorf("sandbox %+v", s)
	}
	src, _ = Spec{Kind: KindCommand, Command: "echo", Timeout: time.Second}.Build()
	if c := src.(*tokens.Command); c.Line != "echo" || c.Timeout != time.Second {
		t.Errorf("command %+v", c)
	}
	src, _ = Spec{Kind: KindMint, ServerURL: "ws://l", APIKey: "k", APISecret: "s", TTL: time.Minute, Grants: tokens.Grants{Hidden: true}}.Build()
	if m := src.(*tokens.Mint); m.APIKey != "k" || m.APISecret != "s" || m.TTL != time.Minute || !m.Grants.Hidden {
		t.Errorf("mint %v", m)
	}
}

func TestLiteralEmpty(t *testing.T) {
	if _, err := (tokens.Literal{ParticipantToken: "t"}).Fetch(context.Background()); !errors.Is(err, tokens.ErrEmptyURL) {
		t.Errorf("err = %v", err)
	}
	if _, err := (tokens.Literal{ServerURL: "wss://x", ParticipantToken: " "}).Fetch(context.Background()); !errors.Is(err, tokens.ErrEmptyToken) {
		t.Errorf("err = %v", err)
	}
	if s := (tokens.Literal{ServerURL: "wss://x", ParticipantToken: "secret-token"}).String(); strings.Contains(s, "secret-token") {
		t.Errorf("String shows the token: %s", s)
	}
}

func TestParseAttribute(t *testing.T) {
	tests := []struct{ in, k, v, err string }{
		{"k=v", "k", "v", ""},
		{" k =v=w", "k", "v=w", ""},
		{"k=", "k", "", ""},
		{"novalue", "", "", "missing '='"},
		{"=v", "", "", "empty key"},
	}
	for _, tt := range tests {
		k, v, err := ParseAttribute(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: err = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || k != tt.k || v != tt.v {
			t.Errorf("%q: %q %q %v", tt.in, k, v, err)
		}
	}
	m, err := ParseAttributeLines("a=1\r\n\nb=2\n")
	if err != nil || m["a"] != "1" || m["b"] != "2" || len(m) != 2 {
		t.Errorf("lines: %v %v", m, err)
	}
	if _, err := ParseAttributeLines("a=1\nbroken"); err == nil || err.Error() != "attribute line 2: missing '=' (want key=value)" {
		t.Errorf("lines error: %v", err)
	}
}

func TestParseHeader(t *testing.T) {
	tests := []struct{ in, k, v, err string }{
		{"Authorization: Bearer abc", "Authorization", "Bearer abc", ""},
		{"X-Sandbox-ID:id:with:colons", "X-Sandbox-ID", "id:with:colons", ""},
		{"NoColon", "", "", "missing ':'"},
		{": v", "", "", "empty header name"},
		{"Bad Name: v", "", "", "not valid"},
		{"X: a\x00b", "", "", "control character"},
	}
	for _, tt := range tests {
		k, v, err := ParseHeader(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: err = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || k != tt.k || v != tt.v {
			t.Errorf("%q: %q %q %v", tt.in, k, v, err)
		}
	}
	h, err := ParseHeaderLines("A: 1\n\nA: 2\nB: 3")
	if err != nil || len(h.Values("A")) != 2 || h.Get("B") != "3" {
		t.Errorf("lines: %v %v", h, err)
	}
	if _, err := ParseHeaderLines("A: 1\nbroken"); err == nil || !strings.HasPrefix(err.Error(), "header line 2: missing ':'") {
		t.Errorf("lines error: %v", err)
	}
}

// TestServerURLList: the url setting takes several URLs of one deployment,
// from a comma list or a repeated flag (one per line); the first is the
// server, the rest are failed over to, for the kinds that read the setting.
func TestServerURLList(t *testing.T) {
	var url Field
	for _, f := range SettingFields() {
		if f.Name == "url" {
			url = f
		}
	}
	var s Spec
	if err := url.Set(&s, " ws://a:1 ,ws://b:2\nws://c:3,, "); err != nil {
		t.Fatal(err)
	}
	if s.ServerURL != "ws://a:1" || strings.Join(s.FailoverURLs, " ") != "ws://b:2 ws://c:3" {
		t.Fatalf("spec = %q %q", s.ServerURL, s.FailoverURLs)
	}
	if got := url.Get(s); got != "ws://a:1, ws://b:2, ws://c:3" {
		t.Errorf("Get = %q", got)
	}
	for kind, want := range map[Kind]int{KindLiteral: 3, KindMint: 3, KindEndpoint: 0, KindCommand: 0} {
		s.Kind = kind
		if got := len(s.DeploymentURLs()); got != want {
			t.Errorf("%s: %d deployment URLs, want %d", kind, got, want)
		}
	}
	s.Kind, s.APIKey, s.APISecret = KindMint, "k", "s"
	src, err := s.Build()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := src.Fetch(context.Background(), tokens.Options{RoomName: "r"})
	if err != nil || resp.ServerURL != "ws://a:1" {
		t.Errorf("mint answers %q (%v), want the first URL", resp.ServerURL, err)
	}
}
