package tokens

import (
	"strings"
	"testing"
)

func TestServerURLs(t *testing.T) {
	for in, want := range map[string]string{
		"wss://x.livekit.cloud":          "wss://x.livekit.cloud https://x.livekit.cloud",
		"https://x.example/lk/":          "wss://x.example/lk/ https://x.example/lk/",
		" ws://127.0.0.1:7880?a=b ":      "ws://127.0.0.1:7880 http://127.0.0.1:7880",
		"http://localhost:7880":          "ws://localhost:7880 http://localhost:7880",
		"WSS://x.example/#frag":          "wss://x.example/ https://x.example/",
		"wss://x.example/?access_token=": "wss://x.example/ https://x.example/",
	} {
		ws, h, err := ServerURLs(in)
		if err != nil || ws.String()+" "+h.String() != want {
			t.Errorf("ServerURLs(%q) = %v %v %v, want %s", in, ws, h, err, want)
		}
	}
	for bad, msg := range map[string]string{
		"":                            "scheme must be ws/wss/http/https",
		"localhost:7880":              `not "localhost"`,
		"ftp://x":                     `not "ftp"`,
		"ws://":                       "has no host",
		"://x":                        "not a URL",
		"ftp://x/?access_token=eyJhb": "scheme must be",
	} {
		_, _, err := ServerURLs(bad)
		if err == nil || !strings.HasPrefix(err.Error(), "server URL: ") || !strings.Contains(err.Error(), msg) {
			t.Errorf("ServerURLs(%q) error %v, want %q", bad, err, msg)
		}
		if err != nil && strings.Contains(err.Error(), "eyJhb") {
			t.Errorf("error quotes the URL's query: %v", err)
		}
	}
}

func TestCheckURL(t *testing.T) {
	tests := []struct{ in, err string }{
		{"https://x/token", ""},
		{"HTTP://x", ""},
		{"wss://x", `scheme must be http/https, not "wss"`},
		{"cloud-api", "scheme must be http/https"},
		{"http:///token", "URL has no host"},
		{"http://x/%zz", "not a URL"},
		{"ftp://user:hunter2@x/?key=hunter2", `not "ftp"`},
	}
	for _, tt := range tests {
		err := CheckURL(tt.in, "http", "https")
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("%q: %v", tt.in, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%q: err = %v, want %q", tt.in, err, tt.err)
		case err != nil && strings.Contains(err.Error(), "hunter2"):
			t.Errorf("error leaks a credential: %v", err)
		}
	}
}
