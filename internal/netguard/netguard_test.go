package netguard

import "testing"

func TestLoopbackHost(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LOCALHOST:80": true, "127.0.0.1": true, "127.0.0.1:8080": true, "127.9.9.9:1": true,
		"[::1]": true, "[::1]:443": true, "::1": true,
		"": false, "evil.example": false, "evil.example:80": false, "10.0.0.1": false, "0.0.0.0:80": false, "[::]:80": false,
	} {
		if got := LoopbackHost(host); got != want {
			t.Errorf("LoopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestRemoteAddr(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": false, "localhost:1": false, "[::1]:0": false,
		":8080": true, "0.0.0.0:1": true, "192.168.1.2:80": true, "example.com:80": true,
	} {
		got, err := RemoteAddr(addr)
		if err != nil || got != want {
			t.Errorf("RemoteAddr(%q) = %v, %v; want %v", addr, got, err, want)
		}
	}
	if _, err := RemoteAddr("no-port"); err == nil {
		t.Error("RemoteAddr without a port should fail")
	}
}

func TestCutPrefix(t *testing.T) {
	for _, tc := range []struct {
		path, rest string
		ok         bool
	}{
		{"/abc", "/", true}, {"/abc/", "/", true}, {"/abc/x/y", "/x/y", true},
		{"/abcd", "", false}, {"/ab", "", false}, {"/", "", false}, {"/xbc/", "", false},
	} {
		rest, ok := CutPrefix(tc.path, "/abc")
		if rest != tc.rest || ok != tc.ok {
			t.Errorf("CutPrefix(%q) = %q, %v; want %q, %v", tc.path, rest, ok, tc.rest, tc.ok)
		}
	}
}
