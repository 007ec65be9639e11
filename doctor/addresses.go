package doctor

import (
	"net/netip"
	"strings"
)

// addrKind says why an address cannot be reached from elsewhere; "" for a
// public address.
func addrKind(s string) string {
	a, err := netip.ParseAddr(s)
	if err != nil {
		if strings.HasSuffix(s, ".local") {
			return "mDNS"
		}
		return ""
	}
	a = a.Unmap()
	switch {
	case a.IsLoopback():
		return "loopback"
	case a.IsLinkLocalUnicast():
		return "link-local"
	case dockerBridge.Contains(a):
		return "Docker bridge"
	case cgnat.Contains(a):
		return "carrier-grade NAT"
	case a.IsPrivate():
		return "private"
	case a.IsUnspecified():
		return "unspecified"
	}
	return ""
}

var (
	// dockerBridge is Docker's default bridge network, where a server in a
	// container without host networking finds its own address.
	dockerBridge = netip.MustParsePrefix("172.17.0.0/16")
	// cgnat is the shared address space of RFC 6598.
	cgnat = netip.MustParsePrefix("100.64.0.0/10")
)

// publicHost reports whether the server URL's host is a name or address
// that clients elsewhere use: then candidates on addresses they cannot
// reach are a mistake. A URL on loopback or a private address is a local
// deployment, where such candidates are expected.
func publicHost(host string) bool {
	if loopbackHost(host) {
		return false
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return addrKind(host) == ""
	}
	return strings.Contains(host, ".") && !strings.HasSuffix(strings.ToLower(host), ".local")
}
