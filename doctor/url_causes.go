package doctor

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Fixes for the proxy in front of the server, shared by several causes.
const (
	fixUpgrade = "make the proxy pass WebSocket upgrades to livekit-server: HTTP/1.1 with the Upgrade and Connection headers " +
		`(nginx: proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade"; ` +
		"Caddy and Traefik pass them by default)"
	fixPath = "use the URL livekit-server answers at, and make a proxy forward /rtc, /rtc/validate and /twirp " +
		"to it unchanged (no added or stripped prefix)"
)

// diagnoseURL maps what the endpoints answered to causes. The token's own
// verdict (401, 403) is left to the token check beside it.
func diagnoseURL(d *URLDetails, host string) []Problem {
	var out []Problem
	add := func(s State, cause, fix string) { out = append(out, Problem{State: s, Cause: cause, Fix: fix}) }
	up, val := d.Upgrade, d.Validate
	withoutRTC := rtcSuffixed(d.ServerURL)
	switch {
	case up.Status == http.StatusSwitchingProtocols, isAuthStatus(up.Status) && up.Status != http.StatusOK:
		// upgraded, or refused the token: the path and the proxy are fine
	case up.Status == 0:
		add(Fail, fmt.Sprintf("nothing answered the WebSocket at %s: %s", host, up.Error),
			"check the host and port in the URL, and that livekit-server (or the proxy in front of it) listens there and is not firewalled")
	case up.Status == http.StatusOK:
		add(Fail, "the WebSocket upgrade of /rtc got 200 instead of 101: a proxy (or a web app, or a CDN) in front of livekit-server "+
			"answered the request itself instead of passing the upgrade on"+quoteBody(up), fixUpgrade)
	case up.Status == http.StatusNotFound && val.Status != 0 && val.Status != http.StatusNotFound:
		add(Fail, fmt.Sprintf("/rtc/validate answers (%d), so the path is right, but the WebSocket upgrade of /rtc got 404: "+
			"livekit-server answers 404 to a /rtc request without its Upgrade header, so a proxy in front of it drops Upgrade/Connection", val.Status),
			fixUpgrade)
	case up.Status == http.StatusNotFound && withoutRTC != "":
		add(Fail, "404 on /rtc and on /rtc/validate: the URL already ends in /rtc, and LiveKit clients add /rtc to the "+
			"server URL themselves (so they asked for …/rtc/rtc)", "use "+withoutRTC+" as the server URL")
	case up.Status == http.StatusNotFound:
		add(Fail, "404 on /rtc and on /rtc/validate: nothing serves LiveKit at this path: a wrong path in the URL, "+
			"or a proxy that adds or strips a prefix"+healthNote(d.Health), fixPath)
	case up.Status >= 500:
		add(Fail, fmt.Sprintf("the WebSocket upgrade of /rtc got %d: livekit-server failed, or the proxy in front of it cannot reach it", up.Status)+quoteBody(up),
			"check that livekit-server runs and that the proxy's upstream address and port are right")
	default:
		add(Fail, fmt.Sprintf("the WebSocket upgrade of /rtc got %d instead of 101", up.Status)+quoteBody(up), fixUpgrade)
	}
	switch tw := d.Twirp; {
	case tw.Status == http.StatusUnauthorized || tw.Status == http.StatusForbidden:
		// reachable: it wants credentials, as it should
	case tw.Status == 0:
		add(Warn, "POST /twirp/livekit.RoomService/ListRooms got no answer: "+tw.Error,
			"forward /twirp to livekit-server too: server SDKs (RoomService, egress, agent dispatch) use it")
	case tw.Status == http.StatusNotFound:
		add(Warn, "POST /twirp/livekit.RoomService/ListRooms got 404: the server API is not reachable at this URL (a proxy that forwards only /rtc?)",
			"forward /twirp to livekit-server too: server SDKs (RoomService, egress, agent dispatch) use it")
	default:
		add(Warn, fmt.Sprintf("POST /twirp/livekit.RoomService/ListRooms without credentials got %d, not 401", tw.Status)+quoteBody(tw),
			"forward /twirp to livekit-server unchanged")
	}
	return out
}

func quoteBody(a HTTPAnswer) string {
	if a.Body == "" {
		return ""
	}
	return fmt.Sprintf(" (it said %q)", a.Body)
}

func healthNote(h HTTPAnswer) string {
	switch {
	case h.Status == http.StatusOK && strings.TrimSpace(h.Body) == "OK":
		return "; GET / answers OK, so livekit-server is there, under another path"
	case h.Status != 0:
		return fmt.Sprintf("; GET / answered %d, not livekit-server's OK", h.Status)
	}
	return ""
}

// urlSummary says in one line what the endpoints answered.
func urlSummary(d *URLDetails) string {
	part := func(name string, a HTTPAnswer) string {
		if a.Status == 0 {
			return name + " no answer"
		}
		return fmt.Sprintf("%s %d", name, a.Status)
	}
	return strings.Join([]string{
		d.ServerURL + ":",
		part("GET /", d.Health) + ",",
		part("validate", d.Validate) + ",",
		part("WebSocket", d.Upgrade) + ",",
		part("twirp", d.Twirp),
	}, " ")
}

// rtcSuffixed is the URL without its trailing /rtc when it has one (the
// signal path pasted as the server URL), else "".
func rtcSuffixed(serverURL string) string {
	u, err := url.Parse(serverURL)
	if err != nil {
		return ""
	}
	p := strings.TrimSuffix(u.Path, "/")
	if !strings.HasSuffix(p, "/rtc") {
		return ""
	}
	u.Path, u.RawPath = strings.TrimSuffix(p, "/rtc"), ""
	return u.String()
}
