package tokens

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// srcLogBuffer is a goroutine-safe log sink.
type srcLogBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *srcLogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *srcLogBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

func srcHandlerServer(t *testing.T, logs io.Writer) string {
	h := NewHandler(HandlerConfig{ServerURL: "ws://127.0.0.1:7880", APIKey: srcKey, APISecret: srcSecret, TTL: time.Minute,
		Log: slog.New(slog.NewTextHandler(logs, nil))})
	return srcURLServer(t, h)
}

func TestHandler(t *testing.T) {
	logs := &srcLogBuffer{}
	url := srcHandlerServer(t, logs)
	var tokens []string
	tests := []struct {
		name, method, body string
		header             http.Header
		status             int
		check              func(t *testing.T, resp *http.Response, body []byte)
	}{
		{name: "snake request", method: "POST", status: 201,
			body: `{"room_name":"r","participant_identity":"alice","participant_name":"Alice","room_config":{"agents":[{"agent_name":"bot"}]}}`,
			check: func(t *testing.T, resp *http.Response, body []byte) {
				var r map[string]string
				if err := json.Unmarshal(body, &r); err != nil {
					t.Fatal(err)
				}
				if r["server_url"] != "ws://127.0.0.1:7880" || r["room_name"] != "r" || r["participant_name"] != "Alice" || r["participant_token"] == "" {
					t.Errorf("answer %v", r)
				}
				tokens = append(tokens, r["participant_token"])
				g := srcVerify(t, r["participant_token"])
				if g.Identity != "alice" || g.GetRoomConfiguration().GetAgents()[0].AgentName != "bot" || !g.Video.RoomJoin {
					t.Errorf("grants %+v", g)
				}
				// What the handler answers, the endpoint source parses.
				if _, err := ParseResponse(body); err != nil {
					t.Error(err)
				}
			}},
		{name: "camel request", method: "POST", status: 201, body: `{"roomName":"cr","participantIdentity":"bob"}`,
			check: func(t *testing.T, resp *http.Response, body []byte) {
				r, _ := ParseResponse(body)
				tokens = append(tokens, r.ParticipantToken)
				if g := srcVerify(t, r.ParticipantToken); g.Identity != "bob" || g.Video.Room != "cr" {
					t.Errorf("grants %+v", g)
				}
			}},
		{name: "empty body invents room and identity", method: "POST", status: 201,
			check: func(t *testing.T, resp *http.Response, body []byte) {
				r, _ := ParseResponse(body)
				tokens = append(tokens, r.ParticipantToken)
				if !strings.HasPrefix(r.RoomName, "room-") || !strings.HasPrefix(r.ParticipantName, "user-") {
					t.Errorf("answer %+v", r)
				}
			}},
		{name: "bad json", method: "POST", body: `{"room_name":`, status: 400, check: srcWantJSONError("not a token request")},
		{name: "wrong type", method: "POST", body: `{"room_name":7}`, status: 400, check: srcWantJSONError("room_name")},
		{name: "too large", method: "POST", body: `{"participant_metadata":"` + strings.Repeat("m", 70<<10) + `"}`, status: 413,
			check: srcWantJSONError("larger than 64 KiB")},
		{name: "GET not allowed", method: "GET", status: 405, check: func(t *testing.T, resp *http.Response, body []byte) {
			if resp.Header.Get("Allow") != "POST, OPTIONS" {
				t.Errorf("Allow %q", resp.Header.Get("Allow"))
			}
			srcWantJSONError("not allowed")(t, resp, body)
		}},
		{name: "DELETE not allowed", method: "DELETE", status: 405},
		{name: "CORS preflight", method: "OPTIONS", status: 204,
			header: http.Header{"Origin": {"http://localhost:3000"}, "Access-Control-Request-Method": {"POST"}},
			check: func(t *testing.T, resp *http.Response, body []byte) {
				h := resp.Header
				if h.Get("Access-Control-Allow-Origin") != "http://localhost:3000" || h.Get("Access-Control-Allow-Methods") != "POST, OPTIONS" ||
					h.Get("Access-Control-Allow-Headers") != "Content-Type, Authorization, X-Sandbox-ID" || len(body) != 0 {
					t.Errorf("preflight headers %v body %q", h, body)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, url+"/token", strings.NewReader(tt.body))
			req.Header.Set("Origin", "http://localhost:3000") // a frontend on another local port
			for k, v := range tt.header {
				req.Header[k] = v
			}
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "http://localhost:3000" {
				t.Errorf("Access-Control-Allow-Origin %q, want the loopback origin echoed", got)
			}
			if tt.check != nil {
				tt.check(t, resp, body)
			}
		})
	}

	out := logs.String()
	for _, want := range []string{"method=POST", "path=/token", "status=201", "identity=alice", "room=r", "duration=", "status=405", "status=400", "status=204"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, srcSecret) {
		t.Errorf("log contains the API secret:\n%s", out)
	}
	if len(tokens) != 3 {
		t.Fatalf("collected %d tokens", len(tokens))
	}
	for _, tok := range tokens {
		if tok == "" || strings.Contains(out, tok) || strings.Contains(out, strings.Split(tok, ".")[2]) {
			t.Errorf("log contains a token:\n%s", out)
		}
	}
}

func srcWantJSONError(substr string) func(*testing.T, *http.Response, []byte) {
	return func(t *testing.T, resp *http.Response, body []byte) {
		t.Helper()
		var e struct{ Error string }
		if err := json.Unmarshal(body, &e); err != nil || !strings.Contains(e.Error, substr) {
			t.Errorf("error body %s, want {\"error\": …%s…}", body, substr)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("content-type %q", ct)
		}
	}
}

func TestHandlerMisconfigured(t *testing.T) {
	logs := &srcLogBuffer{}
	h := NewHandler(HandlerConfig{ServerURL: "ws://x", APISecret: srcSecret, Log: slog.New(slog.NewJSONHandler(logs, nil))})
	url := srcURLServer(t, h)
	resp, err := http.Post(url, "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 500 || !strings.Contains(string(body), "API key is required") || strings.Contains(string(body), srcSecret) {
		t.Errorf("%d %s", resp.StatusCode, body)
	}
	if strings.Contains(logs.String(), srcSecret) {
		t.Error("secret logged")
	}
}

// TestHandlerWithEndpointSource: lkdash's own endpoint source against lkdash's own handler.
func TestHandlerWithEndpointSource(t *testing.T) {
	url := srcHandlerServer(t, io.Discard)
	r, err := (&Endpoint{URL: url}).Fetch(t.Context(), Options{RoomName: "loop", ParticipantAttributes: map[string]string{"a": "b"}})
	if err != nil {
		t.Fatal(err)
	}
	if g := srcVerify(t, r.ParticipantToken); g.Video.Room != "loop" || g.Attributes["a"] != "b" {
		t.Errorf("grants %+v", g)
	}
}
