package room

import (
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/livekit/protocol/livekit"
	"google.golang.org/protobuf/proto"
)

// fakeUpstream is a WebSocket echo server that records what it was asked:
// the relay's unit tests need no livekit-server.
type fakeUpstream struct {
	*httptest.Server
	mu      sync.Mutex
	paths   []string
	queries []string
	auths   []string
}

func newFakeUpstream(t *testing.T) *fakeUpstream {
	f := &fakeUpstream{}
	up := websocket.Upgrader{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.paths = append(f.paths, r.URL.Path)
		f.queries = append(f.queries, r.URL.RawQuery)
		f.auths = append(f.auths, r.Header.Get("Authorization"))
		f.mu.Unlock()
		if r.Header.Get("Authorization") == "Bearer bad" {
			http.Error(w, "invalid API key: nokey", http.StatusUnauthorized)
			return
		}
		if !websocket.IsWebSocketUpgrade(r) {
			_, _ = io.WriteString(w, "plain:"+r.URL.Path)
			return
		}
		echoHandler(up)(w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

// echoHandler echoes every message; "close-please" gets close code 4001.
func echoHandler(up websocket.Upgrader) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		for {
			mt, data, err := c.ReadMessage()
			if err != nil {
				return
			}
			if string(data) == "close-please" {
				_ = c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(4001, "bye"), time.Now().Add(time.Second))
				return
			}
			if err := c.WriteMessage(mt, data); err != nil {
				return
			}
		}
	}
}

func dialRelay(t *testing.T, r *relay, path, auth string) (*websocket.Conn, *http.Response, error) {
	h := http.Header{}
	if auth != "" {
		h.Set("Authorization", auth)
	}
	c, resp, err := websocket.DefaultDialer.Dial(r.URL()+path, h)
	if c != nil {
		// A read that never returns would hold CI until the package's
		// timeout; a failing test should say which read it was.
		_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
	}
	return c, resp, err
}

func TestRelayForwardsFramesUnchanged(t *testing.T) {
	noLeaks(t)
	f := newFakeUpstream(t)
	var mu sync.Mutex
	var seen [][]byte
	r, err := newRelay(strings.Replace(f.URL, "http", "ws", 1)+"/prefix/", func(mt int, data []byte) {
		mu.Lock()
		seen = append(seen, data)
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()

	c, _, err := dialRelay(t, r, "/rtc?access_token=&join_request=abc%3D%3D", "Bearer tok")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	frames := []struct {
		mt   int
		data []byte
	}{
		{websocket.BinaryMessage, []byte{0, 1, 2, 255}},
		{websocket.TextMessage, []byte(`{"json":true}`)},
		{websocket.BinaryMessage, make([]byte, 1<<20)},
	}
	for _, fr := range frames {
		if err := c.WriteMessage(fr.mt, fr.data); err != nil {
			t.Fatal(err)
		}
		mt, data, err := c.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		if mt != fr.mt || string(data) != string(fr.data) {
			t.Fatalf("frame changed: type %d→%d, %d→%d bytes", fr.mt, mt, len(fr.data), len(data))
		}
	}
	f.mu.Lock()
	if f.paths[0] != "/prefix/rtc" || f.queries[0] != "access_token=&join_request=abc%3D%3D" || f.auths[0] != "Bearer tok" {
		t.Errorf("upstream saw path %q query %q auth %q", f.paths[0], f.queries[0], f.auths[0])
	}
	f.mu.Unlock()
	mu.Lock()
	if len(seen) != len(frames) {
		t.Errorf("onFrame saw %d frames, want %d", len(seen), len(frames))
	}
	mu.Unlock()

	// A close from the server reaches the client with its code.
	if err := c.WriteMessage(websocket.TextMessage, []byte("close-please")); err != nil {
		t.Fatal(err)
	}
	_, _, err = c.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 4001 || ce.Text != "bye" {
		t.Fatalf("read after server close: %v", err)
	}
}

func TestRelayProxiesHTTPAndRefusals(t *testing.T) {
	_, r := relayToFake(t)

	resp, err := http.Get(strings.Replace(r.URL(), "ws", "http", 1) + "/rtc/validate?x=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "plain:/rtc/validate" {
		t.Errorf("proxied GET = %q", body)
	}

	// A WebSocket refused upstream is refused the same way to the SDK.
	_, resp, err = dialRelay(t, r, "/rtc", "Bearer bad")
	if err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("dial with a bad token: err %v resp %v", err, resp)
	}
	if r.upstreamErr() != nil {
		t.Errorf("a 401 is an answer, not an upstream failure: %v", r.upstreamErr())
	}
}

func TestRelayRecordsUnreachableUpstream(t *testing.T) {
	r, err := newRelay("ws://127.0.0.1:1", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	_, resp, err := dialRelay(t, r, "/rtc", "")
	if err == nil || resp == nil || resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("dial: err %v resp %v", err, resp)
	}
	if ue := r.upstreamErr(); ue == nil || networkReason(ue) != ReasonUnreachable {
		t.Fatalf("upstreamErr = %v", ue)
	}
}

func TestRelayCloseEndsLiveConnections(t *testing.T) {
	noLeaks(t)
	f := newFakeUpstream(t)
	r, err := newRelay(f.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := dialRelay(t, r, "/rtc", "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	done := make(chan struct{})
	go func() { r.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close hung with a live connection")
	}
	if _, _, err := c.ReadMessage(); err == nil {
		t.Error("client connection still open after Close")
	}
	if _, _, err := dialRelay(t, r, "/rtc", ""); err == nil {
		t.Error("relay accepted a connection after Close")
	}
}

func TestDecodeSignal(t *testing.T) {
	msg := &livekit.SignalResponse{Message: &livekit.SignalResponse_RefreshToken{RefreshToken: "t"}}
	b, _ := proto.Marshal(msg)
	got, ok := decodeSignal(websocket.BinaryMessage, b)
	if !ok || got.GetRefreshToken() != "t" {
		t.Errorf("binary: %v %v", got, ok)
	}
	got, ok = decodeSignal(websocket.TextMessage, []byte(`{"refreshToken":"u"}`))
	if !ok || got.GetRefreshToken() != "u" {
		t.Errorf("text: %v %v", got, ok)
	}
	if _, ok := decodeSignal(websocket.BinaryMessage, []byte{0xff, 0xff, 0xff}); ok {
		t.Error("garbage decoded")
	}
}

// FuzzDecodeSignal: frames come from the network; decoding must not panic.
func FuzzDecodeSignal(f *testing.F) {
	b, _ := proto.Marshal(&livekit.SignalResponse{Message: &livekit.SignalResponse_Leave{Leave: &livekit.LeaveRequest{Reason: livekit.DisconnectReason_SERVER_SHUTDOWN}}})
	f.Add(b, true)
	f.Add([]byte(`{"refreshToken":"x"}`), false)
	f.Fuzz(func(t *testing.T, data []byte, binary bool) {
		mt := websocket.TextMessage
		if binary {
			mt = websocket.BinaryMessage
		}
		decodeSignal(mt, data)
	})
}

// noLeaks checks for leftover goroutines after every cleanup (including
// the fake upstream's), so it must be called before anything registers one.
// relayToFake starts a relay in front of a fresh fake upstream, checked
// for goroutine leaks and closed when the test ends.
func relayToFake(t *testing.T) (*fakeUpstream, *relay) {
	t.Helper()
	noLeaks(t)
	f := newFakeUpstream(t)
	r, err := newRelay(f.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return f, r
}

func noLeaks(t *testing.T) {
	before := goroutineIDs()
	t.Cleanup(func() {
		http.DefaultClient.CloseIdleConnections()
		var left []string
		for range 100 { // let goroutines that are ending end
			if left = newGoroutines(before); len(left) == 0 {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Errorf("goroutines left behind:\n%s", strings.Join(left, "\n\n"))
	})
}

// goroutineIDs are the goroutines running now ("goroutine 12").
func goroutineIDs() map[string]bool {
	ids := map[string]bool{}
	for _, g := range goroutineStacks() {
		id, _, _ := strings.Cut(g, " [")
		ids[id] = true
	}
	return ids
}

// newGoroutines are the stacks of goroutines not in before. The relay
// uses no WebRTC: pion goroutines are the SDK's teardown of an earlier
// test's session (Leave does not wait for it), which can start new ones at
// any time, so they do not count.
func newGoroutines(before map[string]bool) []string {
	var out []string
	for _, g := range goroutineStacks() {
		id, _, _ := strings.Cut(g, " [")
		if !before[id] && !strings.Contains(g, "github.com/pion/") {
			out = append(out, g)
		}
	}
	return out
}

func goroutineStacks() []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return strings.Split(string(buf[:n]), "\n\n")
		}
		buf = make([]byte, 2*len(buf))
	}
}

// TestRelayToTLSServer: wss:// upstream. The proxied HTTP request goes
// first on purpose: net/http adds "h2" to the TLS config it uses, which
// breaks a WebSocket dial that shares that config.
func TestRelayToTLSServer(t *testing.T) {
	noLeaks(t)
	f := &fakeUpstream{}
	f.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if websocket.IsWebSocketUpgrade(r) {
			echoHandler(websocket.Upgrader{})(w, r)
			return
		}
		_, _ = io.WriteString(w, "tls:"+r.URL.Path)
	}))
	f.EnableHTTP2 = true // like LiveKit Cloud's load balancers
	f.StartTLS()
	t.Cleanup(f.Close)
	r, err := newRelay(strings.Replace(f.URL, "https", "wss", 1), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	pool := f.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	r.transport.TLSClientConfig = &tls.Config{RootCAs: pool}
	r.dialer.TLSClientConfig = &tls.Config{RootCAs: pool}

	resp, err := http.Get(strings.Replace(r.URL(), "ws", "http", 1) + "/rtc/validate")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "tls:/rtc/validate" {
		t.Fatalf("proxied GET = %d %q", resp.StatusCode, body)
	}
	c, _, err := dialRelay(t, r, "/rtc", "")
	if err != nil {
		t.Fatalf("wss via relay: %v (upstream: %v)", err, r.upstreamErr())
	}
	defer c.Close()
	if err := c.WriteMessage(websocket.BinaryMessage, []byte("hi")); err != nil {
		t.Fatal(err)
	}
	if _, data, err := c.ReadMessage(); err != nil || string(data) != "hi" {
		t.Fatalf("echo = %q, %v", data, err)
	}
}
