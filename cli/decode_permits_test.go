package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/livekit/protocol/auth"
)

// TestDecodeListsWhatTheTokenPermits decodes a token that may publish only
// its microphone and administer one room, in text and JSON.
func TestDecodeListsWhatTheTokenPermits(t *testing.T) {
	tok := mintToken(t, time.Hour, func(at *auth.AccessToken) {
		g := &auth.VideoGrant{RoomJoin: true, Room: "demo", RoomAdmin: true, CanPublishSources: []string{"microphone"}}
		g.SetCanSubscribe(false)
		at.SetVideoGrant(g)
	})
	r := lkdash(t, "", nil, "decode", tok)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	for _, want := range []string{
		`join                 yes, room "demo"`,
		"publish              yes, only microphone (canPublishSources)",
		"subscribe            no",
		`yes  roomAdmin (room "demo" only)`,
		"RoomService.ListParticipants,",
		"AgentDispatch.CreateDispatch, DeleteDispatch, ListDispatch",
		"no   roomList\n         RoomService.ListRooms",
		"no   sip.call + roomAdmin\n         SIP.TransferSIPParticipant",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("decode does not say %q:\n%s", want, r.stdout)
		}
	}

	r = lkdash(t, "", nil, "decode", "--json", tok)
	rep := decodeJSON(t, r.stdout)
	in := rep["in_room"].(map[string]any)
	if in["subscribe"] != false || in["publish"] != true || len(in["publish_sources"].([]any)) != 1 {
		t.Errorf("in_room = %v", in)
	}
	apis := rep["apis"].([]any)
	seen := map[string]map[string]any{}
	for _, a := range apis {
		m := a.(map[string]any)
		seen[m["service"].(string)+"."+m["method"].(string)] = m
	}
	if lp := seen["RoomService.ListParticipants"]; lp["allowed"] != true || lp["room"] != "demo" {
		t.Errorf("ListParticipants = %v", lp)
	}
	if lr := seen["RoomService.ListRooms"]; lr["allowed"] != false || len(lr["missing"].([]any)) != 1 {
		t.Errorf("ListRooms = %v", lr)
	}
	if len(apis) != 47 {
		t.Errorf("%d API methods, want every method of the five services (47)", len(apis))
	}
}
