package cli

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestJoinsExchangeStreamsAndRPC runs two `lkdash join`s on one real
// server. B handles the topics notes and files and echoes "echo"; A sends a
// text stream, a file, a text stream on a topic B does not handle, and
// calls echo and a method B lacks. B prints both streams whole, the
// unhandled topic counted and named, and the call it answered; A prints
// the round trip and the unsupported-method error.
func TestJoinsExchangeStreamsAndRPC(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv := startServer(t, ctx)
	blob := make([]byte, 100_000)
	_, _ = rand.Read(blob)
	path := filepath.Join(t.TempDir(), "report.bin")
	if err := os.WriteFile(path, blob, 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(blob)
	text := strings.Repeat("stream ✓ ", 3000) // 33 KB: three chunks
	common := []string{"join", "--url", srv.URL, "--api-key", srv.APIKey, "--api-secret", srv.APISecret,
		"--room", fmt.Sprintf("cli-data-%d", time.Now().UnixNano())}

	b := startJoin(ctx, append(common, "--identity", "bee", "--topic", "notes", "--topic", "files", "--rpc-echo", "echo")...)
	defer b.stop()
	b.waitLine(t, 30*time.Second, func(ev map[string]any) bool { return ev["type"] == "connected" })

	a := startJoin(ctx, append(common, "--identity", "ay", "--send-text", "notes="+text, "--send-file", "files="+path,
		"--send-text", "elsewhere=lost", "--rpc-call", "bee:echo:ping:with:colons", "--rpc-call", "bee:missing:x")...)
	defer a.stop()
	got := map[string]map[string]any{}
	b.waitLine(t, 30*time.Second, func(ev map[string]any) bool {
		switch ev["type"] {
		case "text_stream_received", "byte_stream_received", "stream_unhandled", "rpc_request":
			got[ev["type"].(string)] = ev
		}
		return len(got) == 4
	})
	a.waitLine(t, 30*time.Second, func(ev map[string]any) bool {
		if ev["type"] == "rpc_result" {
			got["rpc_result "+ev["method"].(string)] = ev
		}
		return got["rpc_result echo"] != nil && got["rpc_result missing"] != nil
	})
	a.stop()
	b.stop()
	checkJoinLines(t, a.lines)
	checkJoinLines(t, b.lines)

	if ev := got["text_stream_received"]; ev["text"] != text || ev["size"] != float64(len(text)) || ev["topic"] != "notes" || ev["identity"] != "ay" {
		t.Errorf("text stream: topic %v from %v, %v bytes, whole %v", ev["topic"], ev["identity"], ev["size"], ev["text"] == text)
	}
	if ev := got["byte_stream_received"]; ev["sha256"] != hex.EncodeToString(sum[:]) || ev["size"] != float64(len(blob)) ||
		ev["topic"] != "files" || ev["name"] != "report.bin" {
		t.Errorf("byte stream: %v", ev)
	}
	if ev := got["stream_unhandled"]; ev["topic"] != "elsewhere" || ev["count"] != float64(1) || ev["kind"] != "text_stream" {
		t.Errorf("unhandled: %v", ev)
	}
	req := got["rpc_request"]
	if req["caller"] != "ay" || req["method"] != "echo" || req["request_id"] == "" {
		t.Errorf("rpc_request: %v", req)
	}
	echo := got["rpc_result echo"]
	if echo["ok"] != true || echo["response"] != "ping:with:colons" || echo["rtt_seconds"].(float64) <= 0 {
		t.Errorf("echo: %v", echo)
	}
	missing := got["rpc_result missing"]
	if missing["ok"] != false || missing["error_code"] != float64(1400) || missing["error"] != "UNSUPPORTED_METHOD" ||
		!strings.Contains(missing["cause"].(string), `"bee" has no handler for method "missing"`) {
		t.Errorf("missing method: %v", missing)
	}
	t.Logf("echo round trip %.1f ms", echo["rtt_seconds"].(float64)*1000)
}

func TestJoinDataFlagsRejectBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--send-text", "no-equals"}, "want TOPIC=TEXT"},
		{[]string{"--send-text", "=text"}, "want TOPIC=TEXT"},
		{[]string{"--send-file", "t=/nonexistent/file"}, "no such file"},
		{[]string{"--send-file", "t=" + os.TempDir()}, "not a regular file"},
		{[]string{"--rpc-call", "who:method"}, "want IDENTITY:METHOD:PAYLOAD"},
		{[]string{"--rpc-call", ":m:p"}, "want IDENTITY:METHOD:PAYLOAD"},
		{[]string{"--rpc-call", "who:m:" + strings.Repeat("x", 15361)}, "over the 15360-byte RPC limit"},
		{[]string{"--rpc-echo", ""}, "needs a method name"},
		{[]string{"--rpc-timeout", "0s"}, "must be positive"},
	} {
		r := lkdash(t, "", nil, append([]string{"join", "--url", "ws://127.0.0.1:1", "--token", "x"}, tc.args...)...)
		if r.code != 2 || !strings.Contains(r.err, tc.want) {
			t.Errorf("join %v: exit %d, stderr %q; want 2 and %q", tc.args, r.code, r.err, tc.want)
		}
	}
}
