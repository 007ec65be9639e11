package devserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ports are the listeners lkdash chose for one start; Overlay may move or
// close them (rtc.tcp_port: 0 means no ICE/TCP).
type ports struct {
	http, rtcTCP, rtcUDP, turnUDP int
	stun                          int // lkdash's loopback STUN responder (see stunResponder)
	// relayStart..relayEnd are the UDP ports the embedded TURN server
	// relays from; probed only when an overlay turns TURN on.
	relayStart, relayEnd int
}

// baseConfig is lkdash's own config: every listener on loopback and on the
// probed ports, and the advertised ICE address pinned to 127.0.0.1 so
// joining works with no network at all (no interface guessing). Media
// candidates come from loopback only (rtc.ips), and the STUN server joins
// are handed is lkdash's own on loopback (see stunResponder). The
// embedded TURN server is off, but bound to loopback should an overlay
// turn it on.
func baseConfig(p ports) map[string]any {
	return map[string]any{
		"port":           p.http,
		"bind_addresses": []any{"127.0.0.1"},
		"rtc": map[string]any{
			"tcp_port":                  p.rtcTCP,
			"udp_port":                  p.rtcUDP,
			"use_external_ip":           false,
			"node_ip":                   "127.0.0.1",
			"enable_loopback_candidate": true,
			"ips":                       map[string]any{"includes": []any{"127.0.0.0/8"}},
			"stun_servers":              []any{fmt.Sprintf("127.0.0.1:%d", p.stun)},
		},
		"turn":    map[string]any{"bind_addresses": []any{"127.0.0.1"}},
		"logging": map[string]any{"level": "info"},
	}
}

// ParseOverlay reads livekit-server YAML to merge over lkdash's defaults
// (see Config.Overlay) and checks it: it must be a mapping, must not set
// the key pair (the managed server always runs with the dev pair, which
// every part of lkdash relies on), and must keep every listener on
// loopback, because the dev pair is public knowledge.
func ParseOverlay(text string) (map[string]any, error) {
	var m map[string]any
	if err := yaml.Unmarshal([]byte(text), &m); err != nil {
		return nil, fmt.Errorf("server config: %w", err)
	}
	for _, k := range []string{"keys", "key_file"} {
		if _, ok := m[k]; ok {
			return nil, fmt.Errorf("server config: %q cannot be set: the managed server always uses the dev key pair (%s)", k, DevKey)
		}
	}
	// A Redis elsewhere would make the dev-key server a node of someone
	// else's deployment; a local cluster gets lkdash's own (StartCluster).
	if _, ok := m["redis"]; ok {
		return nil, errors.New(`server config: "redis" cannot be set: a managed cluster (--nodes) runs its own Redis on loopback`)
	}
	for _, path := range [][]string{{"bind_addresses"}, {"turn", "bind_addresses"}} {
		v, ok := lookup(m, path...)
		if !ok {
			continue
		}
		if err := loopbackOnly(strings.Join(path, "."), v); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// LoadOverlay reads an overlay from a YAML file (see ParseOverlay).
func LoadOverlay(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("server config: %w", err)
	}
	if _, err := ParseOverlay(string(b)); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return string(b), nil
}

func loopbackOnly(name string, v any) error {
	list, ok := v.([]any)
	if !ok {
		return fmt.Errorf("server config: %s must be a list of addresses", name)
	}
	for _, a := range list {
		s, _ := a.(string)
		if ip := net.ParseIP(s); ip == nil || !ip.IsLoopback() {
			return fmt.Errorf("server config: %s: %q is not a loopback address; the managed server runs with the public dev key pair and listens on loopback only", name, a)
		}
	}
	return nil
}

// effectiveConfig merges overlay over the base for p and reads back the
// ports the server will really use. The embedded TURN server, when the
// overlay enables it, gets what it needs to work on loopback unless the
// overlay says otherwise (see turnDefaults). The body is JSON, which YAML
// reads as it is: a YAML encoder would make the linker keep LiveKit's
// protobuf-to-YAML code too, about half a megabyte that nothing else uses.
func effectiveConfig(p ports, overlay map[string]any) (string, ports, error) {
	cfg := baseConfig(p)
	merge(cfg, overlay)
	if on, _ := lookup(cfg, "turn", "enabled"); on == true {
		turnDefaults(cfg["turn"].(map[string]any), p)
	}
	var got ports
	var err error
	read := func(dst *int, path ...string) {
		v, _ := lookup(cfg, path...)
		if v == nil || err != nil {
			return
		}
		n, ok := v.(int)
		if !ok {
			err = fmt.Errorf("server config: %s must be a number, not %v", strings.Join(path, "."), v)
		}
		*dst = n
	}
	read(&got.http, "port")
	read(&got.rtcTCP, "rtc", "tcp_port")
	read(&got.rtcUDP, "rtc", "udp_port")
	if on, _ := lookup(cfg, "turn", "enabled"); on == true {
		read(&got.turnUDP, "turn", "udp_port")
	}
	if err != nil {
		return "", ports{}, err
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		return "", ports{}, fmt.Errorf("server config: %w", err)
	}
	return string(b), got, nil
}

// turnDefaults fills in what the embedded TURN server needs on the
// managed server, for each key the overlay leaves out:
//   - udp_port (unless tls_port is set): the probed free UDP port;
//   - relay_range_start/end: probed free ports. livekit-server's dev-mode
//     default, 30000–30002, is fixed, so two servers on one machine would
//     fight over it;
//   - allow_restricted_peer_cidrs: 127.0.0.0/8. livekit-server refuses to
//     relay to loopback (and other private) peers by default, and the
//     managed server's media ports are on 127.0.0.1: without this, every
//     TURN allocation works and every relayed packet is dropped.
func turnDefaults(turn map[string]any, p ports) {
	_, udp := turn["udp_port"]
	_, tls := turn["tls_port"]
	if !udp && !tls {
		turn["udp_port"] = p.turnUDP
	}
	_, start := turn["relay_range_start"]
	_, end := turn["relay_range_end"]
	if !start && !end && p.relayStart > 0 {
		turn["relay_range_start"], turn["relay_range_end"] = p.relayStart, p.relayEnd
	}
	if _, ok := turn["allow_restricted_peer_cidrs"]; !ok {
		turn["allow_restricted_peer_cidrs"] = []any{"127.0.0.0/8"}
	}
}

// merge copies src into dst: mappings merge key by key, anything else
// (scalars, lists) replaces.
func merge(dst, src map[string]any) {
	for k, v := range src {
		sm, sok := v.(map[string]any)
		dm, dok := dst[k].(map[string]any)
		if sok && dok {
			merge(dm, sm)
			continue
		}
		dst[k] = v
	}
}

// lookup walks nested mappings.
func lookup(m map[string]any, path ...string) (any, bool) {
	var cur any = m
	for _, k := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = mm[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// OverlayKeys lists an overlay's settings as dotted paths, sorted, for
// progress lines ("rtc.tcp_port, turn.enabled").
func OverlayKeys(overlay string) []string {
	m, err := ParseOverlay(overlay)
	if err != nil {
		return nil
	}
	var out []string
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			if sub, ok := v.(map[string]any); ok && len(sub) > 0 {
				walk(prefix+k+".", sub)
				continue
			}
			out = append(out, prefix+k)
		}
	}
	walk("", m)
	sort.Strings(out)
	return out
}
