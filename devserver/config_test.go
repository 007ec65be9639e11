package devserver

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/pion/stun/v3"
	"go.yaml.in/yaml/v3"
)

func TestEffectiveConfigMergesOverlay(t *testing.T) {
	p := ports{http: 7000, rtcTCP: 7001, rtcUDP: 7002, turnUDP: 7003}
	overlay, err := ParseOverlay("rtc:\n  tcp_port: 0\nroom:\n  max_participants: 2\n")
	if err != nil {
		t.Fatal(err)
	}
	body, got, err := effectiveConfig(p, overlay)
	if err != nil {
		t.Fatal(err)
	}
	if want := (ports{http: 7000, rtcTCP: 0, rtcUDP: 7002}); got != want {
		t.Errorf("ports = %+v, want %+v (TURN off: no TURN port)", got, want)
	}
	var cfg map[string]any
	if err := yaml.Unmarshal([]byte(body), &cfg); err != nil {
		t.Fatal(err)
	}
	// Merged key by key: the overlay's tcp_port, the base's node_ip beside it.
	if v, _ := lookup(cfg, "rtc", "tcp_port"); v != 0 {
		t.Errorf("rtc.tcp_port = %v", v)
	}
	if v, _ := lookup(cfg, "rtc", "node_ip"); v != "127.0.0.1" {
		t.Errorf("rtc.node_ip = %v, the base's value was lost", v)
	}
	if v, _ := lookup(cfg, "room", "max_participants"); v != 2 {
		t.Errorf("room.max_participants = %v", v)
	}
}

func TestEffectiveConfigGivesTURNAPort(t *testing.T) {
	p := ports{http: 7000, rtcTCP: 7001, rtcUDP: 7002, turnUDP: 7003}
	for _, tc := range []struct {
		overlay string
		want    int
	}{
		{"turn: {enabled: true}", 7003},
		{"turn: {enabled: true, udp_port: 3478}", 3478},
		{"turn: {enabled: false}", 0},
	} {
		overlay, err := ParseOverlay(tc.overlay)
		if err != nil {
			t.Fatal(err)
		}
		body, got, err := effectiveConfig(p, overlay)
		if err != nil {
			t.Fatal(err)
		}
		if got.turnUDP != tc.want {
			t.Errorf("%s: TURN port %d, want %d", tc.overlay, got.turnUDP, tc.want)
		}
		if !strings.Contains(body, "127.0.0.1") || strings.Contains(body, "0.0.0.0") {
			t.Errorf("%s: TURN must stay on loopback:\n%s", tc.overlay, body)
		}
	}
}

func TestParseOverlayRefuses(t *testing.T) {
	for overlay, want := range map[string]string{
		"keys: {k: s}":                            "dev key pair",
		"key_file: /etc/keys":                     "dev key pair",
		"redis: {address: 10.0.0.1:6379}":         "its own Redis",
		`bind_addresses: ["0.0.0.0"]`:             "not a loopback address",
		`turn: {bind_addresses: ["192.168.1.2"]}`: "not a loopback address",
		"bind_addresses: 127.0.0.1":               "must be a list",
		"- a list":                                "server config",
	} {
		_, err := ParseOverlay(overlay)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one containing %q", overlay, err, want)
		}
	}
	overlay, _ := ParseOverlay("port: x")
	if _, _, err := effectiveConfig(ports{}, overlay); err == nil || !strings.Contains(err.Error(), "port must be a number") {
		t.Errorf("port: x gave %v", err)
	}
	if _, err := ParseOverlay(`bind_addresses: ["127.0.0.1", "::1"]`); err != nil {
		t.Errorf("loopback addresses refused: %v", err)
	}
}

func TestOverlayKeys(t *testing.T) {
	got := strings.Join(OverlayKeys("turn: {enabled: true}\nrtc:\n  tcp_port: 0\nroom: {}\n"), ", ")
	if want := "room, rtc.tcp_port, turn.enabled"; got != want {
		t.Errorf("OverlayKeys = %q, want %q", got, want)
	}
}

// TestEffectiveConfigMakesTURNWorkOnLoopback: an overlay that turns the
// embedded TURN server on gets free relay ports and may relay to the
// loopback media ports, unless it says otherwise.
func TestEffectiveConfigMakesTURNWorkOnLoopback(t *testing.T) {
	p := ports{http: 7000, rtcTCP: 7001, rtcUDP: 7002, turnUDP: 7003, relayStart: 7100, relayEnd: 7107}
	for overlay, want := range map[string][3]any{
		"turn: {enabled: true}": {7100, 7107, []any{"127.0.0.0/8"}},
		"turn: {enabled: true, relay_range_start: 9000, relay_range_end: 9001, allow_restricted_peer_cidrs: []}": {9000, 9001, []any{}},
	} {
		o, err := ParseOverlay(overlay)
		if err != nil {
			t.Fatal(err)
		}
		body, _, err := effectiveConfig(p, o)
		if err != nil {
			t.Fatal(err)
		}
		var cfg map[string]any
		if err := yaml.Unmarshal([]byte(body), &cfg); err != nil {
			t.Fatal(err)
		}
		start, _ := lookup(cfg, "turn", "relay_range_start")
		end, _ := lookup(cfg, "turn", "relay_range_end")
		cidrs, _ := lookup(cfg, "turn", "allow_restricted_peer_cidrs")
		if start != want[0] || end != want[1] || fmt.Sprint(cidrs) != fmt.Sprint(want[2]) {
			t.Errorf("%s: relay %v-%v, allowed %v; want %v", overlay, start, end, cidrs, want)
		}
	}
}

func TestUDPRangeIsConsecutiveAndHeld(t *testing.T) {
	held, start, err := udpRange(4, map[int]bool{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	if len(held) != 4 {
		t.Fatalf("held %d ports, want 4", len(held))
	}
	for i, c := range held {
		if got := c.(net.PacketConn).LocalAddr().(*net.UDPAddr).Port; got != start+i {
			t.Errorf("port %d = %d, want %d", i, got, start+i)
		}
	}
}

// TestSTUNResponderAnswers: a binding request gets a success response
// naming the address it came from.
func TestSTUNResponderAnswers(t *testing.T) {
	r, err := startSTUN()
	if err != nil {
		t.Fatal(err)
	}
	defer r.close()
	conn, err := net.Dial("udp4", fmt.Sprintf("127.0.0.1:%d", r.port()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	req := stun.MustBuild(stun.TransactionID, stun.BindingRequest)
	if _, err := conn.Write(req.Raw); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 1500)
	n, err := conn.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	resp := &stun.Message{Raw: buf[:n]}
	var xor stun.XORMappedAddress
	if err := resp.Decode(); err != nil || resp.Type != stun.BindingSuccess || resp.TransactionID != req.TransactionID {
		t.Fatalf("response %v (%v)", resp, err)
	}
	if err := xor.GetFrom(resp); err != nil || xor.Port != conn.LocalAddr().(*net.UDPAddr).Port {
		t.Errorf("mapped address %v (%v), want our %v", xor, err, conn.LocalAddr())
	}
}
