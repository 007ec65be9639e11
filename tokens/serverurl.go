package tokens

import (
	"fmt"
	"net/url"
	"strings"
)

// ServerURLs checks a LiveKit server URL with CheckURL (ws, wss, http or
// https, with a host) and returns the forms its WebSocket and HTTP APIs
// answer on. The path is kept (a server may live under one); the query and
// fragment are dropped, since either may carry a credential.
func ServerURLs(raw string) (ws, http *url.URL, err error) {
	if err := CheckURL(raw, "ws", "wss", "http", "https"); err != nil {
		return nil, nil, fmt.Errorf("server URL: %w", err)
	}
	u, _ := url.Parse(strings.TrimSpace(raw)) // CheckURL parsed it
	u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = "", false, "", ""
	w, h := *u, *u
	switch strings.ToLower(u.Scheme) {
	case "ws", "http":
		w.Scheme, h.Scheme = "ws", "http"
	default:
		w.Scheme, h.Scheme = "wss", "https"
	}
	return &w, &h, nil
}
