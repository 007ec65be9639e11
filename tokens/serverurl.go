package tokens

import (
	"errors"
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

// CheckURL wants an absolute URL with a host and one of the schemes
// (compared case-insensitively). Errors do not quote the URL: its query or
// userinfo may hold a credential, and a form shows it beside the error.
func CheckURL(raw string, schemes ...string) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return errors.New("not a URL")
	}
	for _, s := range schemes {
		if strings.EqualFold(u.Scheme, s) {
			if u.Host == "" {
				return errors.New("URL has no host")
			}
			return nil
		}
	}
	msg := "scheme must be " + strings.Join(schemes, "/")
	if u.Scheme != "" {
		msg += fmt.Sprintf(", not %q", u.Scheme)
	}
	return errors.New(msg)
}
