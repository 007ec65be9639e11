package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"

	"github.com/lkdash/lkdash/internal/corpus"
	"github.com/lkdash/lkdash/tokens"
)

const (
	testKey    = "APIkey123"
	testSecret = "s3cr3t-that-must-never-print-0123456789"
)

// result is one lkdash invocation.
type result struct {
	code        int
	stdout, err string
}

// lkdash runs the CLI in-process with a clean environment and HOME, so the
// developer's own LIVEKIT_* variables and lk projects cannot leak in.
func lkdash(t *testing.T, stdin string, environ map[string]string, args ...string) result {
	t.Helper()
	return lkdashHome(t, t.TempDir(), stdin, environ, args...)
}

// lkdashHome is lkdash with home as HOME, e.g. one holding lk projects.
func lkdashHome(t *testing.T, home, stdin string, environ map[string]string, args ...string) result {
	t.Helper()
	t.Setenv("HOME", home)
	old := env
	env = func(k string) string { return environ[k] }
	t.Cleanup(func() { env = old })
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	code := run(ctx, args, &streams{in: strings.NewReader(stdin), out: &out, err: &errOut, now: time.Now})
	r := result{code: code, stdout: out.String(), err: errOut.String()}
	for _, s := range []string{r.stdout, r.err} {
		if strings.Contains(s, "goroutine ") || strings.Contains(s, "panic") {
			t.Fatalf("output looks like a crash:\n%s", s)
		}
	}
	return r
}

func mintToken(t *testing.T, ttl time.Duration, edit func(*auth.AccessToken)) string {
	t.Helper()
	at := auth.NewAccessToken(testKey, testSecret).
		SetIdentity("alice").SetName("Alice").
		SetVideoGrant(&auth.VideoGrant{RoomJoin: true, Room: "demo"}).
		SetValidFor(ttl)
	if edit != nil {
		edit(at)
	}
	jwt, err := at.ToJWT()
	if err != nil {
		t.Fatal(err)
	}
	return jwt
}

func decodeJSON(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, s)
	}
	return m
}

func TestDecodeValidTokenJSON(t *testing.T) {
	tok := mintToken(t, time.Hour, nil)
	r := lkdash(t, "", nil, "decode", "--json", "--secret", testSecret, "--api-key", testKey, tok)
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.err)
	}
	m := decodeJSON(t, r.stdout)
	for _, k := range []string{"header", "claims", "identity", "room", "issued_at", "not_before", "expires_at",
		"expires_in_seconds", "valid", "problems", "signature", "warnings"} {
		if _, ok := m[k]; !ok {
			t.Errorf("decode --json lacks %q", k)
		}
	}
	if m["identity"] != "alice" || m["room"] != "demo" || m["valid"] != true || m["signature"] != "verified" {
		t.Errorf("identity/room/valid/signature = %v/%v/%v/%v", m["identity"], m["room"], m["valid"], m["signature"])
	}
	if _, err := time.Parse(time.RFC3339, m["expires_at"].(string)); err != nil {
		t.Errorf("expires_at is not RFC 3339: %v", err)
	}
	if strings.Contains(r.stdout, testSecret) {
		t.Error("the secret was printed")
	}
}

func TestDecodeFromStdinAndEnvSecret(t *testing.T) {
	tok := mintToken(t, time.Hour, nil)
	r := lkdash(t, "  "+tok+"\n", map[string]string{"LIVEKIT_API_SECRET": "wrong-secret"}, "decode", "--json", "-")
	if r.code != 1 {
		t.Fatalf("a token signed with another secret: exit %d, want 1", r.code)
	}
	m := decodeJSON(t, r.stdout)
	if m["signature"] != "invalid" || m["valid"] != false {
		t.Errorf("signature=%v valid=%v, want invalid/false", m["signature"], m["valid"])
	}
}

func TestDecodeHumanOutput(t *testing.T) {
	tok := mintToken(t, time.Hour, func(at *auth.AccessToken) {
		at.SetMetadata(`{"role":"host"}`).SetAttributes(map[string]string{"team": "blue"}).
			SetRoomConfig(&livekit.RoomConfiguration{Agents: []*livekit.RoomAgentDispatch{{AgentName: "support", Deployment: "staging"}}})
	})
	r := lkdash(t, "", nil, "decode", tok)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	// Grants and agents are spelled as the dashboard spells them.
	for _, want := range []string{"alice", "Alice", "demo", "+join", "team=blue", `"role": "host"`, "unverified", "Expires",
		"name=support deployment=staging"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("human decode lacks %q:\n%s", want, r.stdout)
		}
	}
}

func TestDecodeExpiredFails(t *testing.T) {
	// auth.AccessToken cannot mint an expired token, so sign the claims directly.
	now := time.Now()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"iss": testKey, "sub": "alice", "nbf": now.Add(-time.Hour).Unix(), "exp": now.Add(-10 * time.Minute).Unix(),
		"video": map[string]any{"roomJoin": true, "room": "demo"},
	}).SignedString([]byte(testSecret))
	if err != nil {
		t.Fatal(err)
	}
	r := lkdash(t, "", nil, "decode", "--json", tok)
	if r.code != 1 {
		t.Fatalf("expired token: exit %d, want 1", r.code)
	}
	m := decodeJSON(t, r.stdout)
	if m["valid"] != false || len(m["problems"].([]any)) == 0 {
		t.Errorf("valid=%v problems=%v", m["valid"], m["problems"])
	}
}

func TestDecodeBadInput(t *testing.T) {
	huge := strings.Repeat("a", 5<<20)
	cases := []struct {
		name, arg, stdin string
		code             int
	}{
		{"one segment", "abc", "", 1},
		{"four segments", "a.b.c.d", "", 1},
		{"bad base64", "eyJhbGciOiJIUzI1NiJ9.!!!.sig", "", 1},
		{"payload not JSON", "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.sig", "", 1},
		{"huge stdin", "-", huge, 1},
		{"empty stdin", "-", "", 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := lkdash(t, c.stdin, nil, "decode", c.arg)
			if r.code != c.code {
				t.Fatalf("exit %d, want %d (stderr %q)", r.code, c.code, r.err)
			}
			if lines := strings.Count(strings.TrimSpace(r.err), "\n"); lines != 0 || !strings.HasPrefix(r.err, "lkdash: ") {
				t.Errorf("want one clear error line, got %q", r.err)
			}
		})
	}
}

func TestHostileClaimsAreInert(t *testing.T) {
	hostile := "evil\x1b[2J\x1b]52;c;aGk=\x07\x9b31m\u202eName\r"
	tok := mintToken(t, time.Hour, func(at *auth.AccessToken) {
		at.SetName(hostile).SetMetadata(hostile).SetAttributes(map[string]string{hostile: hostile})
	})
	r := lkdash(t, "", nil, "decode", tok)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	for _, bad := range []string{"\x1b", "\x07", "\x9b", "\u202e", "\r"} {
		if strings.Contains(r.stdout, bad) {
			t.Errorf("output contains %q", bad)
		}
	}
	if !strings.Contains(r.stdout, "evil") {
		t.Error("the printable part of the name was lost")
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"decode", "--bogus"},
		{"fetch"},
		{"fetch", "--source", "carrier-pigeon", "--url", "ws://x"},
		{"fetch", "--source", "endpoint"},
		{"fetch", "--api-key", "k", "--api-secret", "s", "--attribute", "no-equals"},
		{"nonsense"},
	} {
		r := lkdash(t, "", nil, args...)
		if r.code != 2 {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", args, r.code, r.err)
		}
	}
}

// A token with no URL cannot be fetched, but can be read: the error says
// where.
func TestFetchTokenWithoutURLPointsAtDecode(t *testing.T) {
	r := lkdash(t, "", nil, "fetch", "--token", "eyJ.eyJ.sig")
	if r.code != 2 || !strings.Contains(r.err, "Server URL is required") || !strings.Contains(r.err, "lkdash decode") {
		t.Fatalf("exit %d, stderr %q: want a usage error naming the URL and pointing at decode", r.code, r.err)
	}
}

func TestFetchFromEndpoint(t *testing.T) {
	h := tokens.NewHandler(tokens.HandlerConfig{ServerURL: "ws://127.0.0.1:7880", APIKey: testKey,
		APISecret: testSecret, TTL: time.Hour, Grants: tokens.DefaultGrants()})
	srv := httptest.NewServer(h)
	defer srv.Close()
	r := lkdash(t, "", nil, "fetch", "--json", "--endpoint", srv.URL, "--room", "r1", "--identity", "bob", "--attribute", "a=1")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	m := decodeJSON(t, r.stdout)
	if m["server_url"] != "ws://127.0.0.1:7880" || m["participant_token"] == "" || m["identity"] != "bob" || m["room"] != "r1" {
		t.Errorf("fetch --json = %v", m)
	}
	if m["signature"] != "unverified" {
		t.Errorf("no secret given, signature = %v", m["signature"])
	}
}

func TestFetchEndpointFailure(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "token server exploded", http.StatusInternalServerError)
	}))
	defer srv.Close()
	r := lkdash(t, "", nil, "fetch", "--endpoint", srv.URL, "--header", "Authorization: Bearer hunter2")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1", r.code)
	}
	if !strings.Contains(r.err, "500") || !strings.Contains(r.err, "exploded") {
		t.Errorf("error should carry the status and body: %q", r.err)
	}
	if strings.Contains(r.err, "hunter2") {
		t.Error("a header value leaked into the error")
	}
}

func TestFetchMintFromLKProject(t *testing.T) {
	home := t.TempDir()
	cfg := "default_project: other\nprojects:\n" +
		"  - name: other\n    url: wss://other.example\n    api_key: OTHER\n    api_secret: othersecret\n" +
		"  - name: mine\n    url: wss://mine.example\n    api_key: MINE\n    api_secret: minesecret-never-printed\n"
	if err := os.MkdirAll(filepath.Join(home, ".livekit"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".livekit", "cli-config.yaml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	old := env
	env = func(string) string { return "" }
	defer func() { env = old }()
	t.Setenv("HOME", home)
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"fetch", "--json", "--project", "mine", "--room", "r"},
		&streams{in: strings.NewReader(""), out: &out, err: &errOut, now: time.Now})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	m := decodeJSON(t, out.String())
	if m["server_url"] != "wss://mine.example" || m["signature"] != "verified" {
		t.Errorf("server_url=%v signature=%v", m["server_url"], m["signature"])
	}
	if claims := m["claims"].(map[string]any); claims["iss"] != "MINE" {
		t.Errorf("iss = %v, want MINE", claims["iss"])
	}
	if strings.Contains(out.String()+errOut.String(), "minesecret") {
		t.Error("the project secret was printed")
	}
}

// TestDecodeCorpus: decode on every token of the shared corpus answers in
// one piece: a report (exit 0 or 1) or one inert line on stderr (exit 1;
// 2 for no token at all), never a crash and never a raw control character.
func TestDecodeCorpus(t *testing.T) {
	for _, c := range corpus.Tokens(t) {
		r := lkdash(t, c.Raw, nil, "decode", "-")
		if (r.code != 0 && r.code != 1) && !(c.Name == "empty" && r.code == 2) {
			t.Errorf("%s: exit %d: %s", c.Name, r.code, r.err)
		}
		if r.code == 1 && r.stdout == "" && strings.Count(strings.TrimSpace(r.err), "\n") != 0 {
			t.Errorf("%s: the error is not one line:\n%s", c.Name, r.err)
		}
		for _, out := range []string{r.stdout, r.err} {
			if strings.ContainsAny(out, "\x1b\x07\u009b\u202e\r") {
				t.Errorf("%s: a control character reached the terminal: %q", c.Name, out)
			}
		}
	}
}
