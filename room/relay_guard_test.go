package room

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
)

// relayHTTP is the relay's URL (prefix included) as http://.
func relayHTTP(r *relay) string { return strings.Replace(r.URL(), "ws://", "http://", 1) }

// relayRoot is the relay's address without its prefix.
func relayRoot(r *relay) string { return "http://" + r.ln.Addr().String() }

// TestRelayRefusesStrangers: a web page (Origin), a rebinding name (Host)
// or a process that found the port but not the prefix gets nothing, and
// nothing reaches the server.
func TestRelayRefusesStrangers(t *testing.T) {
	f, r := relayToFake(t)

	cases := []struct {
		name   string
		ws     bool
		url    string
		header http.Header
		host   string
		want   int
	}{
		{"upgrade with Origin", true, r.URL() + "/rtc", http.Header{"Origin": {"http://127.0.0.1:3000"}}, "", http.StatusForbidden},
		{"upgrade with empty Origin", true, r.URL() + "/rtc", http.Header{"Origin": {""}}, "", http.StatusForbidden},
		{"validate with Origin", false, relayHTTP(r) + "/rtc/validate", http.Header{"Origin": {"https://evil.example"}}, "", http.StatusForbidden},
		{"upgrade without prefix", true, "ws://" + r.ln.Addr().String() + "/rtc", nil, "", http.StatusNotFound},
		{"upgrade with wrong prefix", true, "ws://" + r.ln.Addr().String() + "/AAAAAAAAAAAAAAAAAAAAAAAAAA/rtc", nil, "", http.StatusNotFound},
		{"prefix not a whole segment", true, r.URL() + "x/rtc", nil, "", http.StatusNotFound},
		{"validate without prefix", false, relayRoot(r) + "/rtc/validate", nil, "", http.StatusNotFound},
		{"rebinding Host on upgrade", true, r.URL() + "/rtc", nil, "evil.example", http.StatusMisdirectedRequest},
		{"rebinding Host on validate", false, relayHTTP(r) + "/rtc/validate", nil, "evil.example:" + portOf(r), http.StatusMisdirectedRequest},
		{"localhost is not the relay's address", false, relayHTTP(r) + "/rtc/validate", nil, "localhost:" + portOf(r), http.StatusMisdirectedRequest},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var resp *http.Response
			if tc.ws {
				h := tc.header.Clone()
				if h == nil {
					h = http.Header{}
				}
				if tc.host != "" {
					h.Set("Host", tc.host)
				}
				c, r2, err := websocket.DefaultDialer.Dial(tc.url, h)
				if err == nil {
					c.Close()
					t.Fatal("upgrade accepted")
				}
				resp = r2
			} else {
				req, _ := http.NewRequest(http.MethodGet, tc.url, nil)
				for k, v := range tc.header {
					req.Header[k] = v
				}
				if tc.host != "" {
					req.Host = tc.host
				}
				var err error
				if resp, err = http.DefaultClient.Do(req); err != nil {
					t.Fatal(err)
				}
			}
			if resp == nil {
				t.Fatal("no HTTP answer")
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.want || !strings.HasPrefix(string(body), "lkdash relay: ") {
				t.Fatalf("answer = %d %q, want %d", resp.StatusCode, body, tc.want)
			}
		})
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.paths) != 0 {
		t.Fatalf("refused requests reached the server: %q", f.paths)
	}
}

// TestRelayPrefixIsPerRelay: two relays never share a prefix, and the
// prefix is stripped before the server sees the path.
func TestRelayPrefixIsPerRelay(t *testing.T) {
	noLeaks(t)
	f := newFakeUpstream(t)
	a, err := newRelay(f.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := newRelay(f.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if a.prefix == b.prefix || len(a.prefix) < 20 {
		t.Fatalf("prefixes %q and %q", a.prefix, b.prefix)
	}
	// a's prefix on b's port.
	resp, err := http.Get(relayRoot(b) + a.prefix + "/rtc/validate")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("another relay's prefix: %d", resp.StatusCode)
	}
	resp, err = http.Get(relayHTTP(b) + "/rtc/validate")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "plain:/rtc/validate" {
		t.Fatalf("server saw %q", body)
	}
}

func portOf(r *relay) string {
	addr := r.ln.Addr().String()
	return addr[strings.LastIndexByte(addr, ':')+1:]
}

// TestJoinThroughGuardedRelay: against the real server, the SDK joins
// through the prefixed relay, while the same valid token presented from a
// web page or without the prefix is refused.
func TestJoinThroughGuardedRelay(t *testing.T) {
	srv := shared.Server(t)
	s := join(t, srv, "gina", Config{})
	if _, ok := (<-s.Events()).(Connected); !ok {
		t.Fatal("first event is not connected")
	}
	q := "/rtc?access_token=" + s.resp.ParticipantToken
	for _, tc := range []struct {
		name string
		url  string
		h    http.Header
		want int
	}{
		{"from a web page", s.relay.URL() + q, http.Header{"Origin": {"http://localhost:5173"}}, http.StatusForbidden},
		{"without the prefix", "ws://" + s.relay.ln.Addr().String() + q, nil, http.StatusNotFound},
	} {
		c, resp, err := websocket.DefaultDialer.Dial(tc.url, tc.h)
		if err == nil {
			c.Close()
			t.Fatalf("%s: upgrade accepted", tc.name)
		}
		if resp == nil || resp.StatusCode != tc.want {
			t.Fatalf("%s: err %v resp %v, want %d", tc.name, err, resp, tc.want)
		}
	}
	s.Leave()
	if d, _ := waitFor[Disconnected](t, s, nil); d.Code != "CLIENT_INITIATED" {
		t.Errorf("disconnected = %+v", d)
	}
}
