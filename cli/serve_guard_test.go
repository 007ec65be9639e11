package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"

	"github.com/lkdash/lkdash/tokens"
	"github.com/lkdash/lkdash/ui"
)

const testAuthToken = "serve-auth-token-never-printed-0123"

// startServe runs `lkdash serve args…` in-process until the test ends and
// returns its http://127.0.0.1:port address and its stderr.
func startServe(t *testing.T, environ map[string]string, args ...string) (string, *syncBuffer) {
	t.Helper()
	t.Setenv("HOME", t.TempDir())
	old := env
	env = func(k string) string { return environ[k] }
	outR, outW := io.Pipe()
	errOut := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--server-url", "ws://127.0.0.1:7880",
			"--api-key", testKey, "--api-secret", testSecret}, args...),
			&streams{in: strings.NewReader(""), out: outW, err: errOut, now: time.Now})
		outW.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("serve exited %d: %s", code, errOut.String())
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop after cancel")
		}
		env = old
	})
	line, err := bufio.NewReader(outR).ReadString('\n')
	if err != nil {
		t.Fatalf("serve printed no address: %v (stderr %s)", err, errOut.String())
	}
	go io.Copy(io.Discard, outR)
	addr := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(line)
	if addr == "" {
		t.Fatalf("no address in %q", line)
	}
	if strings.Contains(line, testAuthToken) || strings.Contains(line, testSecret) {
		t.Fatalf("serve printed a secret: %q", line)
	}
	return addr, errOut
}

// TestServeGuardsEndToEnd: the real command on loopback, asked the way a
// browser page, a rebinding page and curl would.
func TestServeGuardsEndToEnd(t *testing.T) {
	addr, logs := startServe(t, map[string]string{authTokenEnv: testAuthToken},
		"--allow-origin", "https://app.example", "--room-prefix", "demo-", "--ttl", "30m")
	bearer := "Bearer " + testAuthToken
	var minted []string
	for _, tc := range []struct {
		name, method, host, origin, auth, body string
		want                                   int
		wantErr                                string
	}{
		{name: "local frontend", origin: "http://localhost:5173", auth: bearer, body: `{"room_name":"demo-1"}`, want: 201},
		{name: "listed origin", origin: "https://app.example", auth: bearer, want: 201},
		{name: "curl", auth: bearer, body: `{"room_name":"demo-2","participant_identity":"cli"}`, want: 201},
		{name: "local frontend preflight", method: "OPTIONS", origin: "http://127.0.0.1:3000", want: 204},
		{name: "hostile page", origin: "https://evil.example", auth: bearer, want: 403, wantErr: "origin"},
		{name: "hostile page preflight", method: "OPTIONS", origin: "https://evil.example", want: 403, wantErr: "origin"},
		{name: "rebinding Host", host: "evil.example", origin: "http://evil.example", auth: bearer, want: 421, wantErr: "loopback"},
		{name: "rebinding Host, no Origin", host: "evil.example:8080", auth: bearer, want: 421, wantErr: "loopback"},
		{name: "no bearer", origin: "http://localhost:5173", want: 401, wantErr: "bearer"},
		{name: "wrong bearer", auth: "Bearer " + strings.Repeat("x", len(testAuthToken)), want: 401, wantErr: "bearer"},
		{name: "room outside the prefix", auth: bearer, body: `{"room_name":"prod-standup"}`, want: 403, wantErr: "demo-"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = http.MethodPost
			}
			req, _ := http.NewRequest(method, addr, strings.NewReader(tc.body))
			if tc.host != "" {
				req.Host = tc.host
			}
			if tc.origin != "" {
				req.Header.Set("Origin", tc.origin)
			}
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.want, body)
			}
			acao := resp.Header.Get("Access-Control-Allow-Origin")
			switch {
			case tc.want >= 400 && tc.want != 401:
				var e struct{ Error string }
				if json.Unmarshal(body, &e) != nil || !strings.Contains(e.Error, tc.wantErr) || strings.Contains(string(body), "participant_token") {
					t.Errorf("refusal body %s, want a JSON error about %q and no token", body, tc.wantErr)
				}
				if acao != "" {
					t.Errorf("refusal allows origin %q", acao)
				}
			case tc.want == 201:
				r, err := tokens.ParseResponse(body)
				if err != nil || !strings.HasPrefix(r.RoomName, "demo-") || acao != tc.origin {
					t.Fatalf("answer %+v (%v), ACAO %q", r, err, acao)
				}
				tok, _ := tokens.Decode(r.ParticipantToken)
				if life := tok.ExpiresAt.Sub(tok.NotBefore); life != 30*time.Minute {
					t.Errorf("lifetime %s, want --ttl 30m", life)
				}
				minted = append(minted, r.ParticipantToken)
			}
		})
	}
	out := logs.String()
	for _, want := range []string{"origin=https://evil.example", "client=127.0.0.1:", "outcome=minted",
		`outcome="refused: origin"`, `outcome="refused: host"`, `outcome="refused: auth"`, `outcome="refused: room"`} {
		if !strings.Contains(out, want) {
			t.Errorf("serve's log lacks %q:\n%s", want, out)
		}
	}
	for _, secret := range append(minted, testSecret, testAuthToken) {
		if strings.Contains(out, secret) {
			t.Errorf("serve's log contains a secret or token:\n%s", out)
		}
	}
}

// TestServeRefusesUnsafeFlags: each refusal is exit 2 and one line, before
// anything listens.
func TestServeRefusesUnsafeFlags(t *testing.T) {
	creds := []string{"--server-url", "ws://127.0.0.1:7880", "--api-key", testKey, "--api-secret", testSecret}
	for _, tc := range []struct {
		name    string
		environ map[string]string
		args    []string
		want    string
	}{
		{"every interface", nil, []string{"--addr", "0.0.0.0:0"}, "not a loopback address"},
		{"every interface, no host", nil, []string{"--addr", ":0"}, "not a loopback address"},
		{"every IPv6 interface", nil, []string{"--addr", "[::]:0"}, "not a loopback address"},
		{"a LAN address", nil, []string{"--addr", "192.168.1.10:0"}, "not a loopback address"},
		{"a name", nil, []string{"--addr", "myhost.example:0"}, "not a loopback address"},
		{"auth token does not replace --allow-remote", map[string]string{authTokenEnv: testAuthToken}, []string{"--addr", "0.0.0.0:0"}, "--allow-remote"},
		{"--allow-remote without an auth token", nil, []string{"--addr", "0.0.0.0:0", "--allow-remote"}, "needs an auth token"},
		{"a short auth token", nil, []string{"--addr", "0.0.0.0:0", "--allow-remote", "--auth-token", "hunter2"}, "at least 16"},
		{"a short auth token from env", map[string]string{authTokenEnv: "hunter2"}, nil, "at least 16"},
		{"an origin with a path", nil, []string{"--allow-origin", "https://app.example/login"}, "no path"},
		{"not an origin", nil, []string{"--allow-origin", "app.example"}, "http:// or https://"},
		{"room and prefix", nil, []string{"--room", "a", "--room-prefix", "b"}, "cannot be used together"},
		{"ttl above max", nil, []string{"--ttl", "48h"}, "above --max-ttl"},
		{"bad addr", nil, []string{"--addr", "nonsense"}, "--addr"},
		{"negative rate", nil, []string{"--rate", "-1"}, "--rate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := lkdash(t, "", tc.environ, append(append([]string{"serve"}, creds...), tc.args...)...)
			if r.code != 2 {
				t.Fatalf("exit %d, want 2 (stdout %q, stderr %q)", r.code, r.stdout, r.err)
			}
			if strings.Count(r.err, "\n") != 1 || !strings.HasPrefix(r.err, "lkdash: ") || !strings.Contains(r.err, tc.want) {
				t.Errorf("want one line about %q, got %q", tc.want, r.err)
			}
			if r.stdout != "" {
				t.Errorf("serve started: %q", r.stdout)
			}
			if strings.Contains(r.err, testSecret) || strings.Contains(r.err, "hunter2") || strings.Contains(r.err, testAuthToken) {
				t.Errorf("a secret in %q", r.err)
			}
		})
	}
}

// TestServeRemoteWarning: what a deliberate network bind is told. (Tests
// never listen beyond loopback, so this checks the decision, not a socket.)
func TestServeRemoteWarning(t *testing.T) {
	old := env
	env = func(k string) string { return map[string]string{authTokenEnv: testAuthToken}[k] }
	defer func() { env = old }()
	g := serveGuard{addr: "0.0.0.0:8080", allowRemote: true, ttl: time.Hour, maxTTL: 24 * time.Hour, burst: 1,
		roomPrefix: "demo-", origins: []string{"*"}}
	if err := g.check(); err != nil {
		t.Fatal(err)
	}
	cfg := g.handlerConfig(credentials{url: "wss://prod.example", key: "PRODKEY", secret: testSecret})
	if !cfg.AnyHost || cfg.AuthToken != testAuthToken || cfg.RoomPrefix != "demo-" {
		t.Errorf("handler config %+v", cfg)
	}
	addr := &net.TCPAddr{IP: net.IPv4zero, Port: 8080}
	w := strings.Join(g.warnings(addr, credentials{url: "wss://prod.example", key: "PRODKEY", secret: testSecret}), "\n")
	for _, want := range []string{"0.0.0.0:8080", "beyond this machine", "auth token", `rooms starting with "demo-"`,
		"any identity", "PRODKEY", "wss://prod.example", "1h0m0s", "plain HTTP", `--allow-origin "*"`, "still needs the auth token"} {
		if !strings.Contains(w, want) {
			t.Errorf("warning lacks %q: %s", want, w)
		}
	}
	if strings.Contains(w, testSecret) || strings.Contains(w, testAuthToken) {
		t.Errorf("warning shows a secret: %s", w)
	}
	// --allow-remote on a loopback address keeps the Host check.
	local := serveGuard{addr: "127.0.0.1:8080", allowRemote: true, ttl: time.Hour, burst: 1}
	if err := local.check(); err != nil {
		t.Fatal(err)
	}
	if local.handlerConfig(credentials{}).AnyHost || len(local.warnings(addr, credentials{})) != 0 {
		t.Error("a loopback bind with --allow-remote dropped the Host check or warned")
	}
}

// TestServeCutsSlowHeaders: a slowloris client trickles header bytes and
// never finishes. The server closes it once ReadHeaderTimeout passes; the
// server's own ConnState hook measures when, and the client only waits
// for EOF under a generous deadline.
func TestServeCutsSlowHeaders(t *testing.T) {
	t.Parallel()
	srv := newHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		t.Error("a request with unfinished headers reached the handler")
	}))
	if srv.ReadHeaderTimeout == 0 || srv.ReadTimeout == 0 || srv.WriteTimeout == 0 || srv.IdleTimeout == 0 {
		t.Fatalf("server timeouts unset: %+v", srv)
	}
	type span struct{ opened, closed time.Time }
	spans := make(chan span, 1)
	var mu sync.Mutex
	opened := map[net.Conn]time.Time{}
	srv.ConnState = func(c net.Conn, st http.ConnState) {
		mu.Lock()
		defer mu.Unlock()
		switch st {
		case http.StateNew:
			opened[c] = time.Now()
		case http.StateClosed:
			spans <- span{opened[c], time.Now()}
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()

	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n"); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() { // one more header byte now and then, never the blank line
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if _, err := c.Write([]byte("x")); err != nil {
					return
				}
			}
		}
	}()
	_ = c.SetReadDeadline(time.Now().Add(readHeaderTimeout + time.Minute))
	// EOF, or a reset when the close meets a trickled byte: either way the
	// server hung up. Only our own deadline means it did not.
	_, err = io.Copy(io.Discard, c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server never closed the slow client: %v", err)
	}
	var s span
	select {
	case s = <-spans:
	case <-time.After(time.Minute):
		t.Fatal("the server did not report the connection closed")
	}
	if held := s.closed.Sub(s.opened); held < readHeaderTimeout {
		t.Errorf("closed after %s, before ReadHeaderTimeout %s: not the timeout", held, readHeaderTimeout)
	} else {
		t.Logf("server closed the slow client after %s (ReadHeaderTimeout %s)", held, readHeaderTimeout)
	}
}

// TestEmbeddedEndpointIsGuarded: the dashboard's zero-configuration
// endpoint (managed server and all) has serve's defaults.
func TestEmbeddedEndpointIsGuarded(t *testing.T) {
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_CACHE_HOME", cache) // keep the livekit-server binary test.sh built
	logs := &syncBuffer{}
	backend := newBackend(nil)
	e := &embedded{log: slog.New(slog.NewTextHandler(logs, nil)), backend: backend}
	progress := make(chan ui.DevProgress, 64)
	go func() {
		for range progress {
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	ready := e.start(ctx, progress)
	if ready.Err != nil {
		t.Fatalf("embedded start: %v", ready.Err)
	}
	defer e.close()
	var minted []string
	for _, tc := range []struct {
		host, origin string
		want         int
	}{
		{"", "http://localhost:5173", 201},
		{"", "", 201},
		{"", "https://evil.example", 403},
		{"evil.example", "http://evil.example", 421},
	} {
		req, _ := http.NewRequest(http.MethodPost, ready.EndpointURL, strings.NewReader(`{}`))
		if tc.host != "" {
			req.Host = tc.host
		}
		if tc.origin != "" {
			req.Header.Set("Origin", tc.origin)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%+v: %d %s", tc, resp.StatusCode, body)
		}
		if r, err := tokens.ParseResponse(body); err == nil {
			minted = append(minted, r.ParticipantToken)
		}
	}
	out := logs.String()
	if !strings.Contains(out, `outcome="refused: host"`) || !strings.Contains(out, "origin=https://evil.example") {
		t.Errorf("embedded endpoint log lacks the refusals:\n%s", out)
	}
	for _, tok := range minted {
		if strings.Contains(out, tok) {
			t.Errorf("embedded endpoint logged a token:\n%s", out)
		}
	}

	// The managed server sends its webhooks to the dashboard, verified.
	url, deliveries := backend.Webhooks()
	if deliveries == nil || !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("the backend has no webhook receiver on loopback: %q", url)
	}
	rooms := lksdk.NewRoomServiceClient(ready.ServerURL, ready.APIKey, ready.APISecret)
	if _, err := rooms.CreateRoom(ctx, &livekit.CreateRoomRequest{Name: "hooked"}); err != nil {
		t.Fatal(err)
	}
	for {
		select {
		case <-ctx.Done():
			t.Fatal("no room_started webhook reached the dashboard")
		case d := <-deliveries:
			if d.Event != "room_started" || d.Room != "hooked" {
				continue
			}
			if !d.Verified {
				t.Errorf("the managed server's webhook did not verify: %s", d.Reason)
			}
			return
		}
	}
}
