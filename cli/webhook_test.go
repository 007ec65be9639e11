package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
	"github.com/livekit/protocol/webhook"

	"github.com/lkdash/lkdash/hooks"
)

// verifyingHandler verifies with the protocol library and refuses an event
// id it has seen.
func verifyingHandler() http.Handler {
	provider := auth.NewSimpleKeyProvider(testKey, testSecret)
	var mu sync.Mutex
	seen := map[string]bool{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, err := webhook.ReceiveWebhookEvent(r, provider)
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if seen[ev.GetId()] {
			http.Error(w, "duplicate", http.StatusConflict)
			return
		}
		seen[ev.GetId()] = true
	})
}

// trustingHandler reads the JSON and never checks who sent it.
func trustingHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev map[string]any
		if json.NewDecoder(r.Body).Decode(&ev) != nil {
			http.Error(w, "bad json", http.StatusBadRequest)
		}
	})
}

func TestWebhookCheckCommand(t *testing.T) {
	keys := map[string]string{"LIVEKIT_API_KEY": testKey, "LIVEKIT_API_SECRET": testSecret}
	good := httptest.NewServer(verifyingHandler())
	defer good.Close()
	r := lkdash(t, "", keys, "webhook", "check", "--url", good.URL+"/hooks/livekit")
	t.Logf("webhook check against a verifying handler (exit %d):\n%s", r.code, r.stdout)
	if r.code != 0 || !strings.Contains(r.stdout, "passed: the genuine delivery was accepted and every forgery refused") ||
		strings.Contains(r.stdout, "HOLE") || strings.Count(r.stdout, "\n  ok  ") != 6 {
		t.Errorf("a verifying handler should pass, exit 0:\n%s%s", r.stdout, r.err)
	}
	bad := httptest.NewServer(trustingHandler())
	defer bad.Close()
	r = lkdash(t, "", keys, "webhook", "check", "--url", bad.URL+"/hooks/livekit")
	t.Logf("webhook check against a handler that verifies nothing (exit %d):\n%s", r.code, r.stdout)
	if r.code != 1 || !strings.Contains(r.stdout, "SECURITY HOLE: the handler accepted 4 forged deliveries (signed with the wrong secret; body altered after signing; token expired 10 minutes ago; no Authorization header)") {
		t.Errorf("a trusting handler is a security hole, exit 1:\n%s%s", r.stdout, r.err)
	}
	if strings.Count(r.stdout, "\n  HOLE  ") != 4 {
		t.Errorf("each accepted forgery is marked HOLE:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout+r.err, testSecret) {
		t.Error("check printed the secret")
	}
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	if r := lkdash(t, "", keys, "webhook", "check", "--url", gone.URL); r.code != 1 || !strings.Contains(r.stdout, "could not reach the handler") {
		t.Errorf("an unreachable handler fails: exit %d\n%s", r.code, r.stdout)
	}
}

func TestWebhookUsageErrors(t *testing.T) {
	keys := map[string]string{"LIVEKIT_API_KEY": testKey, "LIVEKIT_API_SECRET": testSecret}
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{keys, []string{"webhook", "check"}, "--url is required"},
		{keys, []string{"webhook", "check", "--url", "nope"}, "invalid URI"},
		{map[string]string{"LIVEKIT_API_KEY": testKey}, []string{"webhook", "check", "--url", "http://127.0.0.1:1/"}, "both the API key and its secret"},
		{keys, []string{"webhook", "listen", "--addr", "0.0.0.0:0"}, "refusing to listen on 0.0.0.0:0"},
		{keys, []string{"webhook", "listen", "--addr", ":0"}, "not a loopback address"},
		{keys, []string{"webhook", "listen", "--addr", "0.0.0.0:0", "--allow-remote"}, "--allow-remote needs an auth token"},
		{keys, []string{"webhook", "listen", "--auth-token", "short"}, "at least 16"},
		{keys, []string{"webhook", "listen", "--auth-token", "0123456789abcdef/x"}, "path segment"},
		{keys, []string{"webhook", "listen", "--forward-to", "ftp://x"}, "--forward-to"},
	} {
		r := lkdash(t, "", tc.env, tc.args...)
		if r.code != 2 || !strings.Contains(r.err, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, r.code, r.err, tc.want)
		}
	}
}

// TestWebhookListen runs `webhook listen` with --forward-to: a genuine
// delivery is verified and reaches the handler byte for byte with its
// headers; a forged one (body altered after signing) is flagged with its
// cause; a browser's request is refused.
func TestWebhookListen(t *testing.T) {
	var mu sync.Mutex
	var forwarded [][]byte
	var auths []string
	handler := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		forwarded, auths = append(forwarded, b), append(auths, r.Header.Get("Authorization"))
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer handler.Close()

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"webhook", "listen", "--addr", "127.0.0.1:0", "--forward-to", handler.URL + "/hook",
			"--api-key", testKey, "--api-secret", testSecret, "--auth-token", "cap-0123456789abcdef"},
			&streams{in: strings.NewReader(""), out: &out, err: &errOut, now: time.Now})
	}()
	addr := regexp.MustCompile(`at http://(127\.0\.0\.1:\d+)/‹auth token›/`)
	var base string
	for base == "" {
		if m := addr.FindStringSubmatch(errOut.String()); m != nil {
			base = "http://" + m[1] + "/cap-0123456789abcdef/"
			break
		}
		select {
		case code := <-done:
			t.Fatalf("listen exited %d: %s", code, errOut.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	ev := &livekit.WebhookEvent{Event: "participant_joined", Id: "EV_listen", CreatedAt: time.Now().Unix(),
		Room: &livekit.Room{Name: "r", Sid: "RM_1"}, Participant: &livekit.ParticipantInfo{Identity: "bob"}}
	signed, err := hooks.Sign(ev, testKey, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	post := func(url string, body []byte, origin string) int {
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		req.Header.Set("Authorization", signed.Authorization)
		req.Header.Set("Content-Type", "application/webhook+json")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	forged := bytes.Replace(signed.Body, []byte(`"bob"`), []byte(`"eve"`), 1)
	if got := post(base, signed.Body, ""); got != http.StatusNoContent {
		t.Errorf("genuine: the sender got %d, want the handler's 204", got)
	}
	if got := post(base+"x", forged, ""); got != http.StatusNoContent {
		t.Errorf("forged: the sender got %d, want the handler's 204 (forwarded all the same)", got)
	}
	if got := post(base, signed.Body, "https://evil.example"); got != http.StatusForbidden {
		t.Errorf("a browser page got %d, want 403", got)
	}
	if got := post(strings.Replace(base, "cap-", "cop-", 1), signed.Body, ""); got != http.StatusNotFound {
		t.Errorf("a URL without the auth token got %d, want 404", got)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("listen exited %d: %s", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("want one line per delivery (2), got:\n%s", out.String())
	}
	checkWebhookLines(t, lines)
	var genuine, fake map[string]any
	_ = json.Unmarshal([]byte(lines[0]), &genuine)
	_ = json.Unmarshal([]byte(lines[1]), &fake)
	if genuine["verified"] != true || genuine["participant"] != "bob" || genuine["id"] != "EV_listen" ||
		genuine["forward"].(map[string]any)["status"] != float64(204) {
		t.Errorf("genuine line: %s", lines[0])
	}
	if fake["verified"] != false || fake["cause"] != string(hooks.CauseHashMismatch) ||
		!strings.HasPrefix(fake["reason"].(string), "body changed after signing (hash mismatch)") || fake["participant"] != "eve" {
		t.Errorf("forged line: %s", lines[1])
	}
	mu.Lock()
	defer mu.Unlock()
	if len(forwarded) != 2 || !bytes.Equal(forwarded[0], signed.Body) || !bytes.Equal(forwarded[1], forged) || auths[0] != signed.Authorization {
		t.Errorf("the handler did not get the exact bytes and Authorization: %q", forwarded)
	}
	if strings.Contains(out.String()+errOut.String(), testSecret) || strings.Contains(out.String()+errOut.String(), "cap-0123456789abcdef") {
		t.Error("listen printed the secret or the auth token")
	}
}

// TestServerCredentialsFromEnv: serve, agent and webhook read the key pair
// from the environment when no flag gives it.
func TestServerCredentialsFromEnv(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	old := env
	env = func(k string) string {
		return map[string]string{"LIVEKIT_URL": "ws://127.0.0.1:1", "LIVEKIT_API_KEY": testKey, "LIVEKIT_API_SECRET": testSecret}[k]
	}
	t.Cleanup(func() { env = old })
	c, err := serverCredentials("", "", "", "")
	if err != nil || c.url != "ws://127.0.0.1:1" || c.key != testKey || c.secret != testSecret {
		t.Errorf("credentials from the environment = %+v, %v", c, err)
	}
	if c, _ := serverCredentials("", "", "flagkey", ""); c.key != "flagkey" || c.secret != testSecret {
		t.Errorf("a flag beats the environment: %+v", c)
	}
}
