package room

import (
	"io"
	"net/http"
	"sync"
	"testing"
)

// TestRelayReportsEachDial: the relay tells which token each signal dial
// presented (Bearer header or access_token), whether it asked to resume,
// and the server's answer; a refusal's body still reaches the SDK.
func TestRelayReportsEachDial(t *testing.T) {
	f, r := relayToFake(t)
	var mu sync.Mutex
	var dials []dial
	r.setOnDial(func(d dial) {
		mu.Lock()
		dials = append(dials, d)
		mu.Unlock()
	})

	c, _, err := dialRelay(t, r, "/rtc?reconnect=1&sid=PA_x", "Bearer good.token")
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	_, resp, err := dialRelay(t, r, "/rtc", "Bearer bad")
	if err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("dial with a bad token: err %v resp %v", err, resp)
	}
	body, _ := io.ReadAll(resp.Body)
	if string(body) != "invalid API key: nokey\n" {
		t.Errorf("the SDK got %q", body)
	}
	c, _, err = dialRelay(t, r, "/rtc?access_token=query.token", "")
	if err != nil {
		t.Fatal(err)
	}
	c.Close()

	mu.Lock()
	defer mu.Unlock()
	to := Upstream{URL: f.URL}
	want := []dial{
		{to: to, token: "good.token", resume: true, status: 101},
		{to: to, token: "bad", status: 401, err: "invalid API key: nokey"},
		{to: to, token: "query.token", status: 101},
	}
	if len(dials) != len(want) {
		t.Fatalf("dials = %+v", dials)
	}
	for i := range want {
		if dials[i] != want[i] {
			t.Errorf("dial %d = %+v, want %+v", i, dials[i], want[i])
		}
	}
}
