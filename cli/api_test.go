package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
)

// TestAPICheckTables runs `lkdash api check` with three tokens, as a user
// would, and reads the table: the roomList token may list rooms only, the
// roomAdmin token may look into its room only, the bare token nothing. A
// key pair with a grant flag mints that grant; with none, every grant.
func TestAPICheckTables(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	srv := startServer(t, ctx)
	if _, err := lksdk.NewRoomServiceClient(srv.HTTPURL, srv.APIKey, srv.APISecret).
		CreateRoom(ctx, &livekit.CreateRoomRequest{Name: "demo"}); err != nil {
		t.Fatal(err)
	}
	mk := func(v *auth.VideoGrant) string {
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
	for _, c := range []struct {
		name string
		args []string
		want []string
	}{
		{"roomList only", []string{"--token", mk(&auth.VideoGrant{RoomList: true})}, []string{
			"RoomService    ListRooms             roomList      allowed: 1 room",
			"RoomService    ListParticipants      roomAdmin     denied: the token lacks roomAdmin",
			"Egress         ListEgress            roomRecord    denied: the token lacks roomRecord",
		}},
		{"roomAdmin on one room", []string{"--token", mk(&auth.VideoGrant{RoomAdmin: true, Room: "demo"})}, []string{
			"RoomService    ListRooms             roomList      denied: the token lacks roomList",
			"RoomService    ListParticipants      roomAdmin     allowed: 0 participants",
			"AgentDispatch  ListDispatch          roomAdmin     allowed:",
		}},
		{"no grants", []string{"--token", mk(nil)}, []string{
			"RoomService    ListRooms             roomList      denied: the token lacks roomList",
			"SIP            ListSIPDispatchRule   sip.admin     denied: the token lacks sip.admin",
			"AgentDispatch  ListDispatch          roomAdmin     denied: the token lacks roomAdmin",
		}},
		{"key pair with --room-list", []string{"--api-key", srv.APIKey, "--room-list", "--can-join=false"}, []string{
			"Grants  roomList\n",
			// the room the mint made up is nobody's: the first one listed is asked about
			"Room    demo, for ListParticipants and ListDispatch",
			"RoomService    ListRooms             roomList      allowed: 1 room",
		}},
		{"key pair", []string{"--api-key", srv.APIKey, "--room", "demo"}, []string{
			"Egress         ListEgress            roomRecord    not available on this server: egress not connected (redis required)",
			"RoomService    ListParticipants      roomAdmin     allowed: 0 participants",
		}},
	} {
		args := append([]string{"api", "check", "--url", srv.URL}, c.args...)
		r := lkdash(t, "", map[string]string{"LIVEKIT_API_SECRET": srv.APISecret}, args...)
		if r.code != 0 {
			t.Fatalf("%s: exit %d\n%s%s", c.name, r.code, r.stdout, r.err)
		}
		t.Logf("%s:\n%s", c.name, r.stdout)
		for _, want := range c.want {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("%s: the table lacks %q", c.name, want)
			}
		}
		if strings.Contains(r.stdout, "!!") || strings.Contains(r.stdout+r.err, srv.APISecret) {
			t.Errorf("%s: a disagreement or the secret in the output", c.name)
		}
	}
	// A room admin grant is for one room: minting one for a made-up room
	// would check nothing.
	r := lkdash(t, "", map[string]string{"LIVEKIT_API_SECRET": srv.APISecret},
		"api", "check", "--url", srv.URL, "--api-key", srv.APIKey, "--room-admin")
	if r.code != 2 || !strings.Contains(r.err, "--room") {
		t.Errorf("--room-admin without --room: exit %d, %s", r.code, r.err)
	}
}
