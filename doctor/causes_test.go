package doctor

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/tokens"
)

func TestAddressKinds(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1": "loopback", "::1": "loopback", "10.1.2.3": "private", "192.168.1.9": "private",
		"172.17.0.2": "Docker bridge", "172.20.0.2": "private", "100.64.3.4": "carrier-grade NAT",
		"169.254.1.1": "link-local", "fe80::1": "link-local", "fd00::2": "private", "8.8.8.8": "",
		"2001:4860::8888": "", "abc.local": "mDNS",
	} {
		if got := addrKind(addr); got != want {
			t.Errorf("addrKind(%s) = %q, want %q", addr, got, want)
		}
	}
	for host, want := range map[string]bool{
		"lk.example.com": true, "8.8.8.8": true, "localhost": false, "127.0.0.1": false, "10.0.0.5": false, "livekit": false,
	} {
		if got := publicHost(host); got != want {
			t.Errorf("publicHost(%s) = %v", host, got)
		}
	}
}

func TestCandidatesThatCannotWorkFromElsewhere(t *testing.T) {
	offered := []room.Candidate{
		{From: room.SideServer, Protocol: "udp", Address: "172.17.0.3", Port: 7882, Type: "host"},
		{From: room.SideServer, Protocol: "udp", Address: "10.0.0.5", Port: 7882, Type: "host"},
	}
	got := candidateProblems(offered, "lk.example.com")
	text := ""
	for _, p := range got {
		text += p.Cause + " | " + p.Fix + "\n"
	}
	for _, piece := range []string{"no ICE/TCP", "rtc.tcp_port", "172.17.0.3 (Docker bridge)", "10.0.0.5 (private)", "rtc.node_ip", "use_external_ip"} {
		if !strings.Contains(text, piece) {
			t.Errorf("missing %q in:\n%s", piece, text)
		}
	}
	if got := candidateProblems(offered, "127.0.0.1"); len(got) != 1 {
		t.Errorf("a local URL should only miss TCP: %+v", got)
	}
}

func TestURLAnswersMapToCauses(t *testing.T) {
	ok := HTTPAnswer{Status: 401}
	for _, tc := range []struct {
		name    string
		d       URLDetails
		state   State
		pieces  []string
		nothing bool
	}{
		{name: "healthy", d: URLDetails{Upgrade: HTTPAnswer{Status: 101}, Validate: HTTPAnswer{Status: 200}, Twirp: ok}, nothing: true},
		{name: "proxy answers 200", d: URLDetails{Upgrade: HTTPAnswer{Status: 200, Body: "<html>"}, Twirp: ok}, state: Fail,
			pieces: []string{"got 200 instead of 101", "proxy", "<html>"}},
		{name: "5xx", d: URLDetails{Upgrade: HTTPAnswer{Status: 502}, Twirp: ok}, state: Fail, pieces: []string{"502", "proxy"}},
		{name: "nothing listens", d: URLDetails{Upgrade: HTTPAnswer{Error: "connection refused"}, Twirp: HTTPAnswer{Error: "connection refused"}},
			state: Fail, pieces: []string{"nothing answered", "connection refused"}},
		{name: "signal path pasted as the URL", d: URLDetails{ServerURL: "wss://lk.example.com/rtc", Upgrade: HTTPAnswer{Status: 404},
			Validate: HTTPAnswer{Status: 404}, Twirp: HTTPAnswer{Status: 404}}, state: Fail,
			pieces: []string{"already ends in /rtc", "use wss://lk.example.com as the server URL"}},
		{name: "wrong path", d: URLDetails{ServerURL: "wss://lk.example.com/livekit", Upgrade: HTTPAnswer{Status: 404},
			Validate: HTTPAnswer{Status: 404}, Twirp: HTTPAnswer{Status: 404}}, state: Fail,
			pieces: []string{"nothing serves LiveKit at this path"}},
		{name: "twirp not proxied", d: URLDetails{Upgrade: HTTPAnswer{Status: 101}, Twirp: HTTPAnswer{Status: 404}}, state: Warn,
			pieces: []string{"/twirp", "404"}},
	} {
		got := diagnoseURL(&tc.d, "lk.example.com")
		if tc.nothing {
			if len(got) != 0 {
				t.Errorf("%s: %+v", tc.name, got)
			}
			continue
		}
		if len(got) == 0 || got[0].State != tc.state {
			t.Errorf("%s: got %+v, want %s first", tc.name, got, tc.state)
			continue
		}
		for _, p := range tc.pieces {
			if !strings.Contains(got[0].Cause+got[0].Fix, p) {
				t.Errorf("%s: %q not in %+v", tc.name, p, got[0])
			}
		}
	}
}

func TestRecommendation(t *testing.T) {
	up := func(proto string, sent uint64, lost int64) ProtocolRun {
		return ProtocolRun{Protocol: proto, Connected: true, PacketsSent: sent, PacketsLost: lost}
	}
	down := ProtocolRun{Error: "timed out"}
	for _, tc := range []struct {
		udp, tcp ProtocolRun
		rec      string
		state    State
	}{
		{up("udp", 100, 0), up("tcp", 100, 0), "udp", Pass},
		{up("udp", 100, 30), up("tcp", 100, 0), "tcp", Warn},
		{up("udp", 100, 10), up("tcp", 100, 0), "udp", Pass},
		{down, up("tcp", 100, 0), "tcp", Warn},
		{up("udp", 100, 0), down, "udp", Warn},
		{down, down, "", Fail},
	} {
		rec, probs := recommend(tc.udp, tc.tcp, 0)
		state := Pass
		if len(probs) > 0 {
			state = probs[0].State
		}
		if rec != tc.rec || state != tc.state {
			t.Errorf("udp %+v tcp %+v: %q %s, want %q %s", tc.udp, tc.tcp, rec, state, tc.rec, tc.state)
		}
	}
}

// TestHostileAnswersAreInert: whatever a server answers reaches the
// result without control characters or escape sequences.
func TestHostileAnswersAreInert(t *testing.T) {
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, "\x1b]0;pwned\x07OK\x1b[2J\r\nmore")
	}))
	defer evil.Close()
	tok, err := (&tokens.Mint{ServerURL: "x", APIKey: "k", APISecret: "s"}).Fetch(context.Background(), tokens.Options{RoomName: "r"})
	if err != nil {
		t.Fatal(err)
	}
	src := tokens.IgnoreOptions(tokens.Literal{ServerURL: strings.Replace(evil.URL, "http", "ws", 1), ParticipantToken: tok.ParticipantToken})
	res := runChecks(t, Config{Source: src}, CheckURL)
	b, _ := json.Marshal(res[CheckURL])
	if strings.ContainsAny(string(b), "\x1b\x07\r") || strings.Contains(string(b), `\u001b`) || strings.Contains(string(b), `\u0007`) {
		t.Errorf("control characters reached the result: %s", b)
	}
	want(t, res[CheckURL], Fail, "got 200 instead of 101")
}
