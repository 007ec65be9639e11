package apicheck

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"

	"github.com/lkdash/lkdash/devserver"
	"github.com/lkdash/lkdash/internal/lktest"
)

var shared = lktest.NewShared("apicheck")

func TestMain(m *testing.M) {
	code := m.Run()
	shared.Stop(code)
	os.Exit(code)
}

func token(t *testing.T, srv *devserver.Server, v *auth.VideoGrant) string {
	t.Helper()
	at := auth.NewAccessToken(srv.APIKey, srv.APISecret).SetIdentity("checker").SetValidFor(time.Minute)
	if v != nil {
		at.SetVideoGrant(v)
	}
	tok, err := at.ToJWT()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// rawStatus makes the same call as Run by hand, in Twirp's JSON encoding,
// and classifies the HTTP answer: an independent reading of the server.
func rawStatus(t *testing.T, srv *devserver.Server, tok string, res Result) Status {
	t.Helper()
	service := map[string]string{"RoomService": "livekit.RoomService", "Egress": "livekit.Egress", "Ingress": "livekit.Ingress",
		"SIP": "livekit.SIP", "AgentDispatch": "livekit.AgentDispatchService"}[res.Service]
	body := "{}"
	if res.Room != "" {
		b, _ := json.Marshal(map[string]string{"room": res.Room})
		body = string(b)
	}
	req, _ := http.NewRequest(http.MethodPost, srv.HTTPURL+"/twirp/"+service+"/"+res.Method, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(resp.Body)
	switch {
	case resp.StatusCode == http.StatusOK, resp.StatusCode == http.StatusNotFound && strings.Contains(string(text), "does not exist"),
		resp.StatusCode == http.StatusServiceUnavailable && strings.Contains(string(text), "no response from servers"):
		return Allowed
	case resp.StatusCode == http.StatusUnauthorized && strings.Contains(string(text), "permissions denied"):
		return Denied
	case strings.Contains(string(text), "not connected"):
		return Unavailable
	}
	t.Errorf("%s.%s: unexpected answer %d %s", res.Service, res.Method, resp.StatusCode, text)
	return Failed
}

// TestCheckMatchesTheServer runs the check with three tokens and holds
// every row to the server's own answer to the same call, and to what the
// token's grants predict.
func TestCheckMatchesTheServer(t *testing.T) {
	t.Parallel()
	srv := shared.Server(t)
	room := "api-check-" + time.Now().Format("150405.000")
	// A room with someone in it, for the room-scoped calls.
	if _, err := lksdk.NewRoomServiceClient(srv.HTTPURL, srv.APIKey, srv.APISecret).
		CreateRoom(context.Background(), &livekit.CreateRoomRequest{Name: room}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		grant *auth.VideoGrant
		want  map[string]Status // by method; unlisted: denied
	}{
		{"roomList only", &auth.VideoGrant{RoomList: true}, map[string]Status{"ListRooms": Allowed}},
		{"roomAdmin on one room", &auth.VideoGrant{RoomAdmin: true, Room: room},
			map[string]Status{"ListParticipants": Allowed, "ListDispatch": Allowed}},
		{"no grants", nil, map[string]Status{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tok := token(t, srv, c.grant)
			rep, err := Run(context.Background(), srv.URL, tok, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Results) != len(calls) {
				t.Fatalf("%d results, want %d", len(rep.Results), len(calls))
			}
			for _, res := range rep.Results {
				t.Logf("%-14s %-21s %-13s %s %s %v", res.Service, res.Method, strings.Join(res.Needs, "+"), res.Status, res.Detail, res.Missing)
				want, ok := c.want[res.Method]
				if !ok {
					want = Denied
				}
				if res.Status != want {
					t.Errorf("%s.%s = %s (%s), want %s", res.Service, res.Method, res.Status, res.Detail, want)
				}
				if raw := rawStatus(t, srv, tok, res); raw != res.Status {
					t.Errorf("%s.%s: the check says %s, the server answers %s", res.Service, res.Method, res.Status, raw)
				}
				if !res.Agrees {
					t.Errorf("%s.%s: the grants predict %v, the server says %s", res.Service, res.Method, res.Expected, res.Status)
				}
				if res.Status == Denied && len(res.Missing) == 0 {
					t.Errorf("%s.%s is denied without naming the missing grant", res.Service, res.Method)
				}
			}
		})
	}
}

// TestFullTokenFindsWhatTheServerLacks: with every grant, the dev server
// (no Redis) answers the room calls and says egress, ingress and SIP are
// not connected.
func TestFullTokenFindsWhatTheServerLacks(t *testing.T) {
	t.Parallel()
	srv := shared.Server(t)
	tok, err := FullToken(srv.APIKey, srv.APISecret, "nobody-here")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), srv.URL, tok, Options{Room: "nobody-here"})
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range rep.Results {
		want := Allowed
		switch res.Service {
		case "Egress", "Ingress", "SIP":
			want = Unavailable
		}
		if res.Status != want || (want == Unavailable && !strings.Contains(res.Detail, "redis required")) {
			t.Errorf("%s.%s = %s (%s), want %s", res.Service, res.Method, res.Status, res.Detail, want)
		}
	}
}

func TestRefusedTokenIsAnError(t *testing.T) {
	t.Parallel()
	srv := shared.Server(t)
	tok, _ := auth.NewAccessToken(srv.APIKey, "not-the-secret").SetVideoGrant(&auth.VideoGrant{RoomList: true}).
		SetValidFor(time.Minute).ToJWT()
	_, err := Run(context.Background(), srv.URL, tok, Options{})
	if err == nil || !strings.Contains(err.Error(), "refused the token") || strings.Contains(err.Error(), tok) {
		t.Errorf("Run = %v, want the refusal without the token", err)
	}
}
