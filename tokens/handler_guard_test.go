package tokens

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

// guardReq is one request against a guarded handler.
type guardReq struct {
	method  string
	origin  []string // nil: no Origin header
	host    string   // "": the server's own address
	auth    string
	body    string
	remote  string // RemoteAddr for in-process requests
	wantSt  int
	wantErr string // substring of the JSON error; "" for success
}

// do sends r through h in-process (httptest.NewRequest), so Host and the
// client address can be anything.
func (r guardReq) do(t *testing.T, h http.Handler) (*http.Response, []byte) {
	t.Helper()
	method := r.method
	if method == "" {
		method = http.MethodPost
	}
	req := httptest.NewRequest(method, "http://127.0.0.1:8080/", strings.NewReader(r.body))
	if r.host != "" {
		req.Host = r.host
	}
	if r.origin != nil {
		req.Header["Origin"] = r.origin
	}
	if r.auth != "" {
		req.Header.Set("Authorization", r.auth)
	}
	if r.remote != "" {
		req.RemoteAddr = r.remote
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	resp := rec.Result()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

// check asserts the status and, for a refusal, the JSON error and the
// absence of any token.
func (r guardReq) check(t *testing.T, resp *http.Response, body []byte) {
	t.Helper()
	if resp.StatusCode != r.wantSt {
		t.Fatalf("status %d, want %d: %s", resp.StatusCode, r.wantSt, body)
	}
	if r.wantSt < 300 {
		return
	}
	srcWantJSONError(r.wantErr)(t, resp, body)
	if strings.Contains(string(body), "participant_token") || strings.Contains(string(body), "eyJ") {
		t.Errorf("a refusal carries a token: %s", body)
	}
}

func guardHandler(cfg HandlerConfig) http.Handler {
	cfg.ServerURL, cfg.APIKey, cfg.APISecret = "ws://127.0.0.1:7880", srcKey, srcSecret
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Rate == 0 {
		cfg.Rate = -1 // these tables are not about the rate limit
	}
	return NewHandler(cfg)
}

func TestHandlerOrigins(t *testing.T) {
	h := guardHandler(HandlerConfig{})
	allowed := []string{
		"http://localhost:3000", "http://localhost", "https://localhost:8443",
		"http://127.0.0.1:5173", "https://127.0.0.1", "http://[::1]:3000", "https://[::1]",
	}
	for _, o := range allowed {
		t.Run("allowed "+o, func(t *testing.T) {
			resp, body := guardReq{origin: []string{o}, wantSt: 201}.do(t, h)
			if resp.StatusCode != 201 || resp.Header.Get("Access-Control-Allow-Origin") != o ||
				!strings.Contains(resp.Header.Get("Vary"), "Origin") {
				t.Fatalf("%d ACAO %q Vary %q: %s", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"), resp.Header.Get("Vary"), body)
			}
		})
	}
	t.Run("no Origin (curl, native SDKs)", func(t *testing.T) {
		resp, body := guardReq{}.do(t, h)
		if resp.StatusCode != 201 || resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Fatalf("%d ACAO %q: %s", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"), body)
		}
	})
	refused := [][]string{
		{"https://evil.example"}, {"http://evil.example:3000"}, {"http://localhost.evil.example:3000"},
		{"http://127.0.0.1.nip.io:3000"}, {"http://127.0.0.2:3000"}, {"http://0.0.0.0:3000"},
		{"null"}, {""}, {"http://localhost:3000/path"}, {"http://user@localhost:3000"},
		{"ws://localhost:3000"}, {"file://"}, {"HTTP://EVIL.EXAMPLE"},
		{"http://localhost:3000", "https://evil.example"}, // two Origin headers
	}
	for _, o := range refused {
		for _, method := range []string{http.MethodPost, http.MethodOptions} {
			t.Run("refused "+method+" "+strings.Join(o, "+"), func(t *testing.T) {
				r := guardReq{method: method, origin: o, wantSt: 403, wantErr: "is not allowed"}
				resp, body := r.do(t, h)
				r.check(t, resp, body)
				for k := range resp.Header {
					if strings.HasPrefix(k, "Access-Control-") {
						t.Errorf("refusal carries %s", k)
					}
				}
			})
		}
	}
}

func TestHandlerAllowOriginFlag(t *testing.T) {
	h := guardHandler(HandlerConfig{AllowOrigins: []string{"https://app.example/", "HTTPS://Other.Example:8443"}})
	for _, tc := range []guardReq{
		{origin: []string{"https://app.example"}, wantSt: 201},
		{origin: []string{"https://other.example:8443"}, wantSt: 201},
		{origin: []string{"http://localhost:3000"}, wantSt: 201}, // loopback stays allowed
		{origin: []string{"https://app.example:8443"}, wantSt: 403, wantErr: "not allowed"},
		{origin: []string{"http://app.example"}, wantSt: 403, wantErr: "not allowed"},
	} {
		resp, body := tc.do(t, h)
		tc.check(t, resp, body)
	}
	any := guardHandler(HandlerConfig{AllowOrigins: []string{"*"}})
	for _, o := range []string{"https://evil.example", "null"} {
		resp, body := guardReq{origin: []string{o}}.do(t, any)
		if resp.StatusCode != 201 || resp.Header.Get("Access-Control-Allow-Origin") != o {
			t.Errorf("with *: %q → %d %q %s", o, resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"), body)
		}
	}
}

func TestNormalizeOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"https://App.Example/":    "https://app.example",
		" http://localhost:3000 ": "http://localhost:3000",
		"http://[::1]:8080":       "http://[::1]:8080",
	} {
		if got, err := NormalizeOrigin(in); err != nil || got != want {
			t.Errorf("NormalizeOrigin(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "app.example", "ftp://x", "https://x/path", "https://x?q", "https://u@x", "https://x:0", "https://x:70000", "https://x:abc", "*x"} {
		if got, err := NormalizeOrigin(bad); err == nil {
			t.Errorf("NormalizeOrigin(%q) = %q, want an error", bad, got)
		}
	}
}

// TestHandlerRebindingHost: a page whose DNS name was rebound to 127.0.0.1
// reaches the loopback port with its own name in Host.
func TestHandlerRebindingHost(t *testing.T) {
	h := guardHandler(HandlerConfig{})
	for _, host := range []string{"evil.example", "evil.example:8080", "localhost.evil.example:8080",
		"127.0.0.1.nip.io:8080", "10.0.0.5:8080", "0.0.0.0:8080", "[::]:8080"} {
		for _, origin := range [][]string{nil, {"http://" + host}} {
			r := guardReq{host: host, origin: origin, wantSt: 421, wantErr: "is not a loopback name"}
			resp, body := r.do(t, h)
			r.check(t, resp, body)
		}
	}
	// Without any Host at all (HTTP/1.0).
	req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:8080/", nil)
	req.Host = ""
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 421 {
		t.Errorf("no Host: %d", rec.Code)
	}
	for _, host := range []string{"localhost:8080", "LOCALHOST", "127.0.0.1", "127.0.0.1:8080", "127.9.9.9:1", "[::1]:8080", "[::1]"} {
		if resp, body := (guardReq{host: host}).do(t, h); resp.StatusCode != 201 {
			t.Errorf("Host %q: %d %s", host, resp.StatusCode, body)
		}
	}
	// A network bind guarded by a bearer token accepts its public names.
	remote := guardHandler(HandlerConfig{AnyHost: true, AuthToken: "a-long-enough-auth-token"})
	if resp, body := (guardReq{host: "tokens.example:8080", auth: "Bearer a-long-enough-auth-token"}).do(t, remote); resp.StatusCode != 201 {
		t.Errorf("AnyHost: %d %s", resp.StatusCode, body)
	}
}

// TestHandlerRebindingHostOverTheWire: the same through a real listener
// and client, the way a browser's request arrives.
func TestHandlerRebindingHostOverTheWire(t *testing.T) {
	url := srcURLServer(t, guardHandler(HandlerConfig{}))
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(`{}`))
	req.Host = "evil.example"
	req.Header.Set("Origin", "http://evil.example")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	guardReq{wantSt: 421, wantErr: "evil.example"}.check(t, resp, body)
}

func TestHandlerBearer(t *testing.T) {
	const tok = "correct-horse-battery-staple-42"
	h := guardHandler(HandlerConfig{AuthToken: tok})
	for _, tc := range []struct {
		name string
		r    guardReq
	}{
		{"none", guardReq{wantSt: 401, wantErr: "bearer token"}},
		{"wrong", guardReq{auth: "Bearer wrong", wantSt: 401, wantErr: "bearer token"}},
		{"longer", guardReq{auth: "Bearer " + tok + "x", wantSt: 401, wantErr: "bearer token"}},
		{"prefix", guardReq{auth: "Bearer " + tok[:10], wantSt: 401, wantErr: "bearer token"}},
		{"empty", guardReq{auth: "Bearer ", wantSt: 401, wantErr: "bearer token"}},
		{"other scheme", guardReq{auth: "Basic " + base64.StdEncoding.EncodeToString([]byte("u:"+tok)), wantSt: 401, wantErr: "bearer token"}},
		{"bare token", guardReq{auth: tok, wantSt: 401, wantErr: "bearer token"}},
		{"allowed origin, wrong token", guardReq{origin: []string{"http://localhost:3000"}, auth: "Bearer nope", wantSt: 401, wantErr: "bearer token"}},
		{"right", guardReq{auth: "Bearer " + tok, wantSt: 201}},
		{"scheme in any case", guardReq{auth: "bearer " + tok, wantSt: 201}},
		// Browsers never send credentials on a preflight.
		{"preflight", guardReq{method: http.MethodOptions, origin: []string{"http://localhost:3000"}, wantSt: 204}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := tc.r.do(t, h)
			tc.r.check(t, resp, body)
			if tc.r.wantSt == 401 && resp.Header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
			if tc.r.wantSt == 401 && len(tc.r.origin) > 0 && resp.Header.Get("Access-Control-Allow-Origin") == "" {
				t.Error("an allowed frontend cannot read its 401")
			}
		})
	}
}

// tokenClaims decodes a minted token's payload as raw JSON.
func tokenClaims(t *testing.T, body []byte) map[string]json.RawMessage {
	t.Helper()
	r, err := ParseResponse(body)
	if err != nil {
		t.Fatal(err)
	}
	srcVerify(t, r.ParticipantToken)
	parts := strings.Split(r.ParticipantToken, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]json.RawMessage
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	return claims
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestHandlerSignsOnlyItsOwnGrants: whatever the body asks for, the token
// carries the handler's grants, the agent dispatch and nothing else, and
// lives no longer than MaxTTL.
func TestHandlerSignsOnlyItsOwnGrants(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	h := guardHandler(HandlerConfig{TTL: time.Hour, MaxTTL: 10 * time.Minute, Now: func() time.Time { return now }})
	body := `{
	  "room_name": "r", "participant_identity": "mallory",
	  "roomAdmin": true, "room_admin": true, "roomCreate": true, "roomRecord": true, "hidden": true, "recorder": true,
	  "video": {"roomAdmin": true, "roomList": true, "agent": true, "room": "*"},
	  "grants": {"video": {"roomAdmin": true}}, "sip": {"admin": true, "call": true}, "kind": "agent",
	  "ttl": "720h", "exp": 4102444800, "nbf": 0, "iss": "someone-else", "sub": "root",
	  "room_preset": "big", "roomPreset": "big", "max_participants": 1000, "maxParticipants": 1000,
	  "room_config": {"agents": [{"agent_name": "bot"}], "egress": {"room": {"file_outputs": [{"filepath": "/tmp/x"}]}},
	                  "max_participants": 1000, "maxParticipants": 1000, "empty_timeout": 99999},
	  "roomConfig": {"egress": {"participant": {}}, "maxParticipants": 1000}
	}`
	resp, out := guardReq{body: body}.do(t, h)
	if resp.StatusCode != 201 {
		t.Fatalf("%d %s", resp.StatusCode, out)
	}
	claims := tokenClaims(t, out)
	if got, want := keys(claims), []string{"exp", "iat", "identity", "iss", "nbf", "roomConfig", "sub", "video"}; !slices.Equal(got, want) {
		t.Errorf("claims %v, want only %v", got, want)
	}
	var video map[string]any
	_ = json.Unmarshal(claims["video"], &video)
	wantVideo := map[string]any{"room": "r", "roomJoin": true, "canPublish": true, "canSubscribe": true,
		"canPublishData": true, "canUpdateOwnMetadata": true}
	if got, _ := json.Marshal(video); string(got) != mustJSON(wantVideo) {
		t.Errorf("video grant %s, want %s", got, mustJSON(wantVideo))
	}
	if string(claims["roomConfig"]) != `{"agents":[{"agentName":"bot"}]}` {
		t.Errorf("roomConfig %s, want the agent dispatch alone", claims["roomConfig"])
	}
	var exp, nbf int64
	_ = json.Unmarshal(claims["exp"], &exp)
	_ = json.Unmarshal(claims["nbf"], &nbf)
	if exp != now.Add(10*time.Minute).Unix() || nbf != now.Unix() {
		t.Errorf("nbf %d exp %d, want %d..%d (capped by MaxTTL)", nbf, exp, now.Unix(), now.Add(10*time.Minute).Unix())
	}
	if string(claims["iss"]) != `"`+srcKey+`"` || string(claims["sub"]) != `"mallory"` {
		t.Errorf("iss %s sub %s", claims["iss"], claims["sub"])
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestHandlerRoomPolicy(t *testing.T) {
	prefixed := guardHandler(HandlerConfig{RoomPrefix: "demo-"})
	exact := guardHandler(HandlerConfig{Room: "lobby"})
	for _, tc := range []struct {
		name     string
		h        http.Handler
		room     string
		wantSt   int
		wantRoom string // "" with 201: any room with the prefix
	}{
		{"prefixed", prefixed, "demo-1", 201, "demo-1"},
		{"no room gets one with the prefix", prefixed, "", 201, ""},
		{"outside the prefix", prefixed, "other", 403, ""},
		{"prefix in the middle", prefixed, "xdemo-1", 403, ""},
		{"prefix in another case", prefixed, "Demo-1", 403, ""},
		{"exact", exact, "lobby", 201, "lobby"},
		{"no room gets the room", exact, "", 201, "lobby"},
		{"another room", exact, "lobby2", 403, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, _ := json.Marshal(map[string]string{"room_name": tc.room})
			r := guardReq{body: string(b), wantSt: tc.wantSt, wantErr: "signs only for room"}
			resp, body := r.do(t, tc.h)
			r.check(t, resp, body)
			if tc.wantSt != 201 {
				return
			}
			got, _ := ParseResponse(body)
			if tc.wantRoom != "" && got.RoomName != tc.wantRoom || !strings.HasPrefix(got.RoomName, "demo-") && tc.h == prefixed {
				t.Errorf("room %q", got.RoomName)
			}
			var video struct{ Room string }
			_ = json.Unmarshal(tokenClaims(t, body)["video"], &video)
			if video.Room != got.RoomName {
				t.Errorf("signed room %q, answered %q", video.Room, got.RoomName)
			}
		})
	}
}

// TestHandlerLogsWhoAndWhatNeverSecrets greps the log of a real server:
// every request's origin, client address and outcome are there; the API
// secret, the tokens, the auth token and any presented bearer are not.
func TestHandlerLogsWhoAndWhatNeverSecrets(t *testing.T) {
	const authToken = "auth-token-that-must-never-be-logged"
	const guess = "guessed-bearer-that-must-never-be-logged"
	logs := &srcLogBuffer{}
	url := srcURLServer(t, NewHandler(HandlerConfig{ServerURL: "ws://127.0.0.1:7880", APIKey: srcKey, APISecret: srcSecret,
		AuthToken: authToken, Rate: 0.001, Burst: 3, Log: slog.New(slog.NewTextHandler(logs, nil))}))
	send := func(host, origin, auth string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"room_name":"logged-room","participant_identity":"logged-id"}`))
		if host != "" {
			req.Host = host
		}
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	var minted []string
	for _, tc := range []struct {
		host, origin, auth string
		want               int
	}{
		{"", "http://localhost:3000", "Bearer " + authToken, 201},
		{"", "https://evil.example", "Bearer " + authToken, 403},
		{"evil.example", "http://evil.example", "Bearer " + authToken, 421},
		{"", "http://127.0.0.1:5173", "Bearer " + guess, 401},
		{"", "", "Bearer " + authToken, 201},
		{"", "http://[::1]:8000", "Bearer " + authToken, 429},
	} {
		st, body := send(tc.host, tc.origin, tc.auth)
		if st != tc.want {
			t.Fatalf("%+v: %d %s", tc, st, body)
		}
		if st == 201 {
			r, _ := ParseResponse([]byte(body))
			minted = append(minted, r.ParticipantToken)
		}
	}
	out := logs.String()
	for _, want := range []string{
		"origin=http://localhost:3000", "origin=https://evil.example", "origin=http://evil.example",
		"origin=http://127.0.0.1:5173", `origin=""`, "origin=http://[::1]:8000", "client=127.0.0.1:",
		"outcome=minted", `outcome="refused: origin"`, `outcome="refused: host"`, `outcome="refused: auth"`,
		`outcome="refused: rate limit"`, "status=201", "status=403", "status=421", "status=401", "status=429",
		"identity=logged-id", "room=logged-room",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "token request"); n != 6 {
		t.Errorf("%d log lines for 6 requests:\n%s", n, out)
	}
	secrets := []string{srcSecret, authToken, guess, "Bearer"}
	for _, tok := range minted {
		secrets = append(secrets, tok, strings.Split(tok, ".")[2])
	}
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("log contains %q:\n%s", s, out)
		}
	}
}
