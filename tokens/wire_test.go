package tokens

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateWire = flag.Bool("update-wire", false, "rewrite testdata/wire/*.golden")

func TestRequestBodyGolden(t *testing.T) {
	tests := []struct {
		name string
		opts Options
	}{
		{"empty", Options{}},
		{"room_only", Options{RoomName: "r"}},
		{"all_fields", Options{
			RoomName: "r", ParticipantName: "n", ParticipantIdentity: "i", ParticipantMetadata: "m",
			ParticipantAttributes: map[string]string{"k": "v", "a": "b"},
			AgentName:             "a", AgentMetadata: "am", AgentDeployment: "d",
		}},
		{"agent_deployment_only", Options{AgentDeployment: "d"}},
		{"empty_attributes_omitted", Options{ParticipantAttributes: map[string]string{}}},
		{"unicode_and_quotes", Options{ParticipantName: "Zoë \"Z\" <b>", ParticipantMetadata: `{"x":1}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := RequestBody(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "wire", tt.name+".golden")
			if *updateWire {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update-wire to create)", err)
			}
			if string(got)+"\n" != string(want) {
				t.Errorf("body\n got %s\nwant %s", got, want)
			}
			// What we send, the handler reads back.
			back, err := parseRequest(got)
			if err != nil {
				t.Fatal(err)
			}
			if !back.Equal(tt.opts) {
				t.Errorf("round trip: got %+v, want %+v", back, tt.opts)
			}
		})
	}
}

func TestParseRequestCamelCase(t *testing.T) {
	o, err := parseRequest([]byte(`{"roomName":"r","participantName":"n","participantIdentity":"i","participantMetadata":"m",
		"participantAttributes":{"k":"v"},"roomConfig":{"agents":[{"agentName":"a","metadata":"am","deployment":"d"}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := Options{RoomName: "r", ParticipantName: "n", ParticipantIdentity: "i", ParticipantMetadata: "m",
		ParticipantAttributes: map[string]string{"k": "v"}, AgentName: "a", AgentMetadata: "am", AgentDeployment: "d"}
	if !o.Equal(want) {
		t.Errorf("got %+v, want %+v", o, want)
	}
}

func TestParseResponse(t *testing.T) {
	ok := Response{ServerURL: "wss://x", ParticipantToken: "tok"}
	tests := []struct {
		name    string
		body    string
		want    Response
		field   string // MissingFieldError.Field
		format  bool   // *ResponseFormatError
		errText string
	}{
		{name: "snake", body: `{"server_url":"wss://x","participant_token":"tok"}`, want: ok},
		{name: "camel", body: `{"serverUrl":"wss://x","participantToken":"tok"}`, want: ok},
		{name: "mixed per field", body: `{"serverUrl":"wss://x","participant_token":"tok"}`, want: ok},
		{name: "snake wins", body: `{"server_url":"wss://x","serverUrl":"wss://y","participant_token":"tok"}`, want: ok},
		{name: "optional echoes", body: `{"server_url":"wss://x","participant_token":"tok","room_name":"r","participantName":"p"}`,
			want: Response{ServerURL: "wss://x", ParticipantToken: "tok", RoomName: "r", ParticipantName: "p"}},
		{name: "extra fields ignored", body: ` {"server_url":"wss://x","participant_token":"tok","other":[1,{}]} `, want: ok},
		{name: "missing url", body: `{"participant_token":"tok"}`, field: "server_url", errText: `"server_url"`},
		{name: "missing token", body: `{"server_url":"wss://x"}`, field: "participant_token", errText: `"participantToken"`},
		{name: "blank token", body: `{"server_url":"wss://x","participant_token":"  "}`, field: "participant_token"},
		{name: "null", body: `null`, format: true},
		{name: "empty", body: ``, format: true, errText: "empty"},
		{name: "whitespace", body: " \n\t", format: true, errText: "empty"},
		{name: "html", body: "<!DOCTYPE html><html><body>Not found</body></html>", format: true, errText: "HTML"},
		{name: "truncated", body: `{"server_url":"wss://x","partic`, format: true, errText: "truncated"},
		{name: "array", body: `[{"server_url":"wss://x"}]`, format: true},
		{name: "number field", body: `{"server_url":5,"participant_token":"t"}`, format: true, errText: `"server_url" is a JSON number`},
		{name: "trailing garbage", body: `{"server_url":"wss://x","participant_token":"tok"} x`, format: true},
		{name: "escape in body is neutralised", body: "\x1b]0;pwned\x07oops", format: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseResponse([]byte(tt.body))
			var mf *MissingFieldError
			var rf *ResponseFormatError
			switch {
			case tt.field != "":
				if !errors.As(err, &mf) || mf.Field != tt.field {
					t.Fatalf("err = %v, want MissingFieldError{%s}", err, tt.field)
				}
			case tt.format:
				if !errors.As(err, &rf) {
					t.Fatalf("err = %v (%T), want *ResponseFormatError", err, err)
				}
				if strings.ContainsAny(err.Error(), "\x1b\x07") {
					t.Errorf("error carries control characters: %q", err.Error())
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if got != tt.want {
					t.Errorf("got %+v, want %+v", got, tt.want)
				}
			}
			if tt.errText != "" && (err == nil || !strings.Contains(err.Error(), tt.errText)) {
				t.Errorf("err = %v, want it to mention %q", err, tt.errText)
			}
		})
	}
}

func FuzzParseResponse(f *testing.F) {
	for _, s := range []string{
		`{"server_url":"wss://x","participant_token":"t"}`,
		`{"serverUrl":"wss://x","participantToken":"t","roomName":"r"}`,
		`{"server_url":"wss://x"`, `<html>`, ``, `null`, `[]`, `{"server_url":1}`, "\xff\xfe{",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := ParseResponse(body)
		if err == nil {
			if r.ServerURL == "" || r.ParticipantToken == "" {
				t.Fatalf("success with empty field: %+v", r)
			}
			return
		}
		var mf *MissingFieldError
		var rf *ResponseFormatError
		if !errors.As(err, &mf) && !errors.As(err, &rf) {
			t.Fatalf("unexpected error type %T: %v", err, err)
		}
		if strings.ContainsAny(err.Error(), "\x1b\x07\x00\u009b") {
			t.Fatalf("control characters in error: %q", err.Error())
		}
	})
}

// FuzzParseRequest: the handler's input is untrusted; whatever parses must
// survive a round trip through RequestBody.
func FuzzParseRequest(f *testing.F) {
	for _, s := range []string{
		`{}`, ``, `{"room_name":"r","participant_attributes":{"k":"v"}}`,
		`{"roomName":"r","roomConfig":{"agents":[{"agentName":"a"},{"agentName":"b"}]}}`,
		`{"room_config":{"agents":[]}}`, `{"room_name":`, `[]`, `{"participant_attributes":{"k":1}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		o, err := parseRequest(body)
		if err != nil {
			return
		}
		b, err := RequestBody(o)
		if err != nil {
			t.Fatalf("RequestBody(%+v): %v", o, err)
		}
		back, err := parseRequest(b)
		if err != nil || !back.Equal(o) {
			t.Fatalf("round trip %s -> %+v -> %s -> %+v (%v)", body, o, b, back, err)
		}
	})
}
