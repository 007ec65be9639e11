package tokens_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"time"

	"github.com/lkdash/lkdash/tokens"
)

// The examples run at a fixed time so that minted tokens and their
// verdicts are the same on every run.
var exampleNow = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

func fixedClock() time.Time { return exampleNow }

// A token server speaking the standard token endpoint protocol: the
// options arrive as snake_case JSON, the answer carries server_url and
// participant_token.
func ExampleEndpoint() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		fmt.Printf("%s %s %s\n", r.Method, r.Header.Get("Authorization"), body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, `{"server_url":"wss://demo.livekit.cloud","participant_token":"eyJhbGciOiJIUzI1NiJ9.e30.sig"}`)
	}))
	defer srv.Close()

	src := &tokens.Endpoint{
		URL:     srv.URL,
		Headers: http.Header{"Authorization": {"Bearer app-session-token"}},
	}
	resp, err := src.Fetch(context.Background(), tokens.Options{
		RoomName:              "support",
		ParticipantIdentity:   "ada",
		ParticipantAttributes: map[string]string{"team": "blue"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.ServerURL)
	fmt.Println(resp.ParticipantToken)
	// Output:
	// POST Bearer app-session-token {"room_name":"support","participant_identity":"ada","participant_attributes":{"team":"blue"}}
	// wss://demo.livekit.cloud
	// eyJhbGciOiJIUzI1NiJ9.e30.sig
}

// Caching reuses a response while its options are equal and its token has
// more than 60 s left; changed options, an expiring token or Invalidate
// fetch again.
func ExampleNewCaching() {
	now := exampleNow
	clock := func() time.Time { return now }
	// A token server minting 10-minute tokens, counting its requests.
	var upstream atomic.Int64
	minter := tokens.NewHandler(tokens.HandlerConfig{
		ServerURL: "ws://127.0.0.1:7880", APIKey: "devkey", APISecret: "secret",
		TTL: 10 * time.Minute, Now: clock, Log: slog.New(slog.DiscardHandler),
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		upstream.Add(1)
		minter.ServeHTTP(w, r)
	}))
	defer srv.Close()

	cache := tokens.NewCaching(&tokens.Endpoint{URL: srv.URL}, clock)
	ctx := context.Background()
	opts := tokens.Options{RoomName: "demo", ParticipantIdentity: "ada",
		ParticipantAttributes: map[string]string{"team": "blue"}}
	fetch := func(what string, o tokens.Options) {
		_, status, err := cache.FetchStatus(ctx, o)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%-34s %-6s upstream requests: %d\n", what, status, upstream.Load())
	}

	fetch("first fetch", opts)
	// Equal by value: a new map with the same attributes still hits.
	fetch("equal options", tokens.Options{RoomName: "demo", ParticipantIdentity: "ada",
		ParticipantAttributes: map[string]string{"team": "blue"}})
	changed := opts.Clone()
	changed.ParticipantAttributes["team"] = "red"
	fetch("changed attributes", changed)
	fetch("same again", changed)
	cache.Invalidate()
	fetch("after Invalidate", changed)
	now = exampleNow.Add(9*time.Minute + 30*time.Second) // 30 s before exp
	fetch("token valid, but for < 60 s more", changed)
	// Output:
	// first fetch                        miss   upstream requests: 1
	// equal options                      hit    upstream requests: 1
	// changed attributes                 miss   upstream requests: 2
	// same again                         hit    upstream requests: 2
	// after Invalidate                   miss   upstream requests: 3
	// token valid, but for < 60 s more   miss   upstream requests: 4
}

// Decode reads a token without a secret; Check says whether livekit-server
// would accept it, and why not.
func ExampleDecode() {
	mint := &tokens.Mint{ServerURL: "ws://127.0.0.1:7880", APIKey: "devkey", APISecret: "secret",
		TTL: time.Hour, Now: fixedClock}
	resp, err := mint.Fetch(context.Background(), tokens.Options{RoomName: "demo", ParticipantIdentity: "ada"})
	if err != nil {
		log.Fatal(err)
	}

	t, err := tokens.Decode(resp.ParticipantToken)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("identity:", t.Identity(), "issuer:", t.Issuer, "expires:", t.ExpiresAt.UTC().Format(time.RFC3339))

	server := tokens.CheckConfig{APIKey: "devkey", APISecret: "secret"}
	v := t.Check(exampleNow, server)
	fmt.Println("now:", v.Valid, v.Signature)

	// 61 minutes later: past exp and the server's one-minute leeway.
	v = t.Check(exampleNow.Add(61*time.Minute), server)
	fmt.Println("later:", v.Valid, v.Problems)

	// Checked against another server's secret.
	v = t.Check(exampleNow, tokens.CheckConfig{APIKey: "devkey", APISecret: "not-the-secret"})
	fmt.Println("wrong secret:", v.Valid, v.Problems)

	// Report is the same verdict as the JSON `lkdash decode --json` prints.
	rep := tokens.NewReport(t, exampleNow, server)
	out, _ := json.Marshal(map[string]any{"valid": rep.Valid, "problems": rep.Problems, "expires_in_seconds": rep.ExpiresInSeconds})
	fmt.Println(string(out))
	// Output:
	// identity: ada issuer: devkey expires: 2026-11-29T13:00:00Z
	// now: true verified
	// later: false [expired 1m ago]
	// wrong secret: false [signature is invalid]
	// {"expires_in_seconds":3600,"problems":[],"valid":true}
}

// Mint signs tokens locally with an API key and secret, for development
// servers, tests and bots.
func ExampleMint() {
	mint := &tokens.Mint{
		ServerURL: "ws://127.0.0.1:7880",
		APIKey:    "devkey",
		APISecret: "secret",
		TTL:       15 * time.Minute,
		Grants:    tokens.Grants{RoomJoin: true, CanSubscribe: true}, // a watcher: no publishing
		Now:       fixedClock,
	}
	resp, err := mint.Fetch(context.Background(), tokens.Options{
		RoomName: "demo", ParticipantIdentity: "watcher-1", ParticipantName: "Watcher",
		ParticipantAttributes: map[string]string{"role": "observer"},
	})
	if err != nil {
		log.Fatal(err)
	}
	t, err := tokens.Decode(resp.ParticipantToken)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.ServerURL, resp.RoomName, resp.ParticipantName)
	fmt.Println("identity:", t.Identity(), "attributes:", t.Grants.Attributes)
	fmt.Println("valid for:", t.ExpiresAt.Sub(t.NotBefore))
	var perms []string
	for _, p := range t.Permissions() {
		perms = append(perms, p.String())
	}
	fmt.Println(strings.Join(perms, " "))
	// Output:
	// ws://127.0.0.1:7880 demo Watcher
	// identity: watcher-1 attributes: map[role:observer]
	// valid for: 15m0s
	// +join -publish +subscribe -data -metadata
}

// Custom turns any function into a token source: here, one that sends
// each room to its own server and hands out tokens from a store the
// application already has.
func ExampleCustom() {
	store := map[string]string{"ada": "token-for-ada", "bob": "token-for-bob"}
	src := tokens.Custom(func(ctx context.Context, o tokens.Options) (tokens.Response, error) {
		tok, ok := store[o.ParticipantIdentity]
		if !ok {
			return tokens.Response{}, fmt.Errorf("no token for %q", o.ParticipantIdentity)
		}
		return tokens.Response{ServerURL: "wss://" + o.RoomName + ".example.com", ParticipantToken: tok}, nil
	})

	// Custom is a ConfigurableSource, so it can be cached and joined with.
	var _ tokens.ConfigurableSource = src

	resp, err := src.Fetch(context.Background(), tokens.Options{RoomName: "eu", ParticipantIdentity: "ada"})
	fmt.Println(resp.ServerURL, resp.ParticipantToken, err)
	_, err = src.Fetch(context.Background(), tokens.Options{RoomName: "eu", ParticipantIdentity: "eve"})
	fmt.Println(err)
	// Output:
	// wss://eu.example.com token-for-ada <nil>
	// no token for "eve"
}

// NewHandler serves the standard token endpoint, for a browser or mobile
// frontend during development: POST the options, get 201 and a token.
func ExampleNewHandler() {
	h := tokens.NewHandler(tokens.HandlerConfig{
		ServerURL: "ws://127.0.0.1:7880",
		APIKey:    "devkey",
		APISecret: "secret",
		TTL:       time.Hour,
		Log:       slog.New(slog.DiscardHandler),
		Now:       fixedClock,
	})
	srv := httptest.NewServer(h) // or http.ListenAndServe("127.0.0.1:8080", h)
	defer srv.Close()

	res, err := http.Post(srv.URL, "application/json",
		strings.NewReader(`{"room_name":"demo","participant_identity":"ada","participant_name":"Ada"}`))
	if err != nil {
		log.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	resp, err := tokens.ParseResponse(body)
	if err != nil {
		log.Fatal(err)
	}
	t, err := tokens.Decode(resp.ParticipantToken)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.StatusCode, resp.ServerURL, resp.RoomName, resp.ParticipantName)
	fmt.Println("token for", t.Identity(), "valid:", t.Check(exampleNow, tokens.CheckConfig{APIKey: "devkey", APISecret: "secret"}).Valid)
	// Output:
	// 201 ws://127.0.0.1:7880 demo Ada
	// token for ada valid: true
}

// Diff shows what a new token changes: here a refresh that shortened the
// lifetime and changed the metadata, as the server can push one.
func ExampleDiff() {
	mint := func(ttl time.Duration, metadata string) *tokens.Token {
		m := &tokens.Mint{ServerURL: "ws://127.0.0.1:7880", APIKey: "devkey", APISecret: "secret", TTL: ttl, Now: fixedClock}
		resp, err := m.Fetch(context.Background(), tokens.Options{RoomName: "demo", ParticipantIdentity: "ada", ParticipantMetadata: metadata})
		if err != nil {
			log.Fatal(err)
		}
		t, err := tokens.Decode(resp.ParticipantToken)
		if err != nil {
			log.Fatal(err)
		}
		return t
	}
	joined := mint(time.Hour, `{"role":"guest"}`)
	refreshed := mint(10*time.Minute, `{"role":"host"}`)

	d := tokens.Diff(joined, refreshed)
	fmt.Println("lifetime change:", d.LifetimeChange)
	for _, c := range d.Changed {
		fmt.Printf("%s: %s -> %s\n", c.Claim, c.Old, c.New)
	}
	// Output:
	// lifetime change: -50m0s
	// metadata: "{\"role\":\"guest\"}" -> "{\"role\":\"host\"}"
}

// A Literal is a FixedSource; IgnoreOptions lets it stand where a
// ConfigurableSource is expected, such as room.Join or NewCaching.
func ExampleIgnoreOptions() {
	lit := tokens.Literal{ServerURL: "wss://demo.livekit.cloud", ParticipantToken: "eyJhbGciOiJIUzI1NiJ9.e30.sig"}
	var src tokens.ConfigurableSource = tokens.IgnoreOptions(lit)

	resp, err := src.Fetch(context.Background(), tokens.Options{RoomName: "ignored"})
	fmt.Println(resp.ServerURL, err)
	fmt.Println(lit) // never prints the token itself
	// Output:
	// wss://demo.livekit.cloud <nil>
	// literal wss://demo.livekit.cloud (token: 28 bytes)
}

// Sandbox speaks the endpoint protocol with LiveKit Cloud's sandbox token
// server; BaseURL points it elsewhere, here at a stand-in.
func ExampleSandbox() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println(r.Method, r.URL.Path, "sandbox:", r.Header.Get("X-Sandbox-Id"))
		fmt.Fprint(w, `{"serverUrl":"wss://sandbox.example","participantToken":"eyJhbGciOiJIUzI1NiJ9.e30.sig","roomName":"room-x1"}`)
	}))
	defer srv.Close()

	src := &tokens.Sandbox{ID: " my-sandbox-1a2b ", BaseURL: srv.URL}
	resp, err := src.Fetch(context.Background(), tokens.Options{})
	if err != nil {
		log.Fatal(err)
	}
	// The server invented a room; pin RoomName (or cache) to stay in it.
	fmt.Println(resp.ServerURL, resp.RoomName)
	// Output:
	// POST /api/v2/sandbox/connection-details sandbox: my-sandbox-1a2b
	// wss://sandbox.example room-x1
}

// Command runs a shell command as a token source: the request JSON on
// stdin, the response JSON on stdout. Any script or CLI that can mint a
// token becomes a source.
func ExampleCommand() {
	src := &tokens.Command{
		// A stand-in for a real script: it reads the request and answers
		// with the room it asked for.
		Line: `room=$(sed -n 's/.*"room_name":"\([^"]*\)".*/\1/p'); ` +
			`printf '{"server_url":"wss://%s.example","participant_token":"eyJhbGciOiJIUzI1NiJ9.e30.sig"}' "$room"`,
	}
	resp, err := src.Fetch(context.Background(), tokens.Options{RoomName: "standup"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.ServerURL)
	// Output:
	// wss://standup.example
}
