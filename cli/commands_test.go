package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/tokens"
)

// TestServeAnswersAndStops runs `lkdash serve` on a free port, asks it for
// a token, and stops it the way Ctrl-C does (context cancel).
func TestServeAnswersAndStops(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	old := env
	env = func(string) string { return "" }
	defer func() { env = old }()

	outR, outW := io.Pipe()
	// Read only after serve returned: the channel orders it after every write.
	var errOut strings.Builder
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--server-url", "ws://127.0.0.1:7880",
			"--api-key", testKey, "--api-secret", testSecret, "--ttl", "5m"},
			&streams{in: strings.NewReader(""), out: outW, err: &errOut, now: time.Now})
		outW.Close()
	}()
	line, err := bufio.NewReader(outR).ReadString('\n')
	if err != nil {
		t.Fatalf("serve printed no address: %v", err)
	}
	go io.Copy(io.Discard, outR)
	addr := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(line)
	if addr == "" {
		t.Fatalf("no address in %q", line)
	}
	resp, err := http.Post(addr, "application/json", strings.NewReader(`{"room_name":"r","participant_identity":"me"}`))
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		ServerURL string `json:"server_url"`
		Token     string `json:"participant_token"`
	}
	err = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusCreated || body.ServerURL != "ws://127.0.0.1:7880" || body.Token == "" {
		t.Fatalf("status %d, body %+v, err %v", resp.StatusCode, body, err)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d after cancel: %s", code, errOut.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after cancel")
	}
	if strings.Contains(line+errOut.String(), testSecret) || strings.Contains(errOut.String(), body.Token) {
		t.Error("serve printed the secret or a token")
	}
}

// TestJoinWithNothingConfigured runs `lkdash join` with no source at all:
// it must start the managed livekit-server, join, see the server's first
// refreshed token, trigger another, print the server's webhooks (verified,
// matched with the room events) and leave when --for elapses.
func TestJoinWithNothingConfigured(t *testing.T) {
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_CACHE_HOME", cache) // keep the livekit-server binary test.sh built
	r := lkdash(t, "", nil, "join", "--for", "4s", "--refresh-after", "1s", "--name", "Demo", "--metadata", "m0")
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.err)
	}
	var types []string
	var refreshes, hooked []map[string]any
	var summary, afterLeave map[string]any
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	checkJoinLines(t, lines)
	for _, line := range lines {
		var ev map[string]any
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("not a JSON line: %q", line)
		}
		if _, err := time.Parse(time.RFC3339Nano, ev["time"].(string)); err != nil {
			t.Errorf("time %v: %v", ev["time"], err)
		}
		types = append(types, ev["type"].(string))
		switch ev["type"] {
		case "token_refreshed":
			refreshes = append(refreshes, ev)
		case "summary":
			summary = ev
		case "room":
			afterLeave = ev
		case "webhook":
			hooked = append(hooked, ev)
		}
	}
	// The managed server's key pair lets join ask, after leaving, whether
	// the room is still there.
	if n := len(types); n < 4 || types[0] != "connected" || types[n-3] != "disconnected" || types[n-2] != "room" || types[n-1] != "summary" {
		t.Fatalf("events should run from connected to disconnected, then the room after leaving and the summary: %v", types)
	}
	if afterLeave["left"] != true || afterLeave["exists"] != true {
		t.Errorf("after leaving, the room should still exist: %v", afterLeave)
	}
	// The managed server's webhooks: our own join, verified, and matched
	// with the connected event.
	var joinedHook map[string]any
	for _, ev := range hooked {
		if ev["verified"] != true {
			t.Errorf("a managed server's webhook did not verify: %v", ev)
		}
		if ev["event"] == "participant_joined" {
			joinedHook = ev
		}
	}
	if joinedHook == nil {
		t.Errorf("no participant_joined webhook from the managed server among %v", types)
	} else if _, ok := joinedHook["after_room_event_seconds"].(float64); !ok {
		t.Errorf("our participant_joined webhook is not matched with connected: %v", joinedHook)
	}
	if windows, _ := summary["tokens"].([]any); len(windows) != len(refreshes)+1 {
		t.Errorf("the summary should list the original and each refresh: %v", summary)
	}
	if len(refreshes) < 2 {
		t.Fatalf("want the join refresh and the triggered one, got events %v", types)
	}
	last := refreshes[len(refreshes)-1]
	if claims, _ := last["changed_claims"].([]any); !containsAny(claims, "attributes."+room.RefreshAttribute) {
		t.Errorf("the triggered refresh should change the %s attribute: %v", room.RefreshAttribute, last)
	}
	for _, k := range []string{"expires_at", "lifetime_change_seconds", "participant_token"} {
		if _, ok := last[k]; !ok {
			t.Errorf("token_refreshed lacks %q", k)
		}
	}
}

func containsAny(list []any, want string) bool {
	for _, v := range list {
		if v == want {
			return true
		}
	}
	return false
}

// TestJoinShowsWhoIsAlreadyThere: the connected line of `lkdash join`
// lists the participants already in the room, with their kind.
func TestJoinShowsWhoIsAlreadyThere(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	srv := startServer(t, ctx)
	mint := &tokens.Mint{ServerURL: srv.URL, APIKey: srv.APIKey, APISecret: srv.APISecret}
	bob, err := room.Join(ctx, mint, tokens.Options{RoomName: "already", ParticipantIdentity: "bob", ParticipantName: "Bob"}, room.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer bob.Leave()
	r := lkdash(t, "", map[string]string{"LIVEKIT_API_SECRET": srv.APISecret}, "join", "--for", "1s", "--source", "mint",
		"--url", srv.URL, "--api-key", srv.APIKey, "--room", "already", "--identity", "watcher")
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.err)
	}
	var first struct {
		Type         string             `json:"type"`
		Participants []room.Participant `json:"participants"`
	}
	if err := json.Unmarshal([]byte(strings.SplitN(r.stdout, "\n", 2)[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first.Type != "connected" || len(first.Participants) != 1 {
		t.Fatalf("connected line: %s", strings.SplitN(r.stdout, "\n", 2)[0])
	}
	if p := first.Participants[0]; p.Identity != "bob" || p.Name != "Bob" || p.Kind != room.KindStandard || p.JoinedAt.IsZero() {
		t.Errorf("bob in the connected line: %+v", p)
	}
}
