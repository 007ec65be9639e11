package tokens

import (
	"testing"

	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
)

func TestPermissionsApplyServerDefaults(t *testing.T) {
	no := false
	at := auth.NewAccessToken("k", "secret-secret-secret-secret-secret").SetIdentity("a").
		SetVideoGrant(&auth.VideoGrant{RoomJoin: true, Room: "r", CanSubscribe: &no, Hidden: true}).
		SetRoomConfig(&livekit.RoomConfiguration{Agents: []*livekit.RoomAgentDispatch{{AgentName: "bot", Metadata: "m", Deployment: "d"}}})
	raw, err := at.ToJWT()
	if err != nil {
		t.Fatal(err)
	}
	tok, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Permission{}
	for _, p := range tok.Permissions() {
		got[p.Name] = p
	}
	want := map[string]struct{ on, implied bool }{
		"roomJoin": {true, false}, "canPublish": {true, true}, "canSubscribe": {false, false},
		"canPublishData": {true, true}, "canUpdateOwnMetadata": {false, true}, "hidden": {true, false},
	}
	for name, w := range want {
		p, ok := got[name]
		if !ok || p.On != w.on || p.Implied != w.implied || p.Label == "" {
			t.Errorf("%s = %+v (present %v), want on=%v implied=%v", name, p, ok, w.on, w.implied)
		}
	}
	if _, ok := got["roomAdmin"]; ok {
		t.Error("an ungranted admin flag should not be listed")
	}
	if a := tok.AgentDispatches(); len(a) != 1 || a[0] != (AgentDispatch{Name: "bot", Metadata: "m", Deployment: "d"}) {
		t.Errorf("AgentDispatches = %+v", a)
	}
	if (&Token{}).Permissions() != nil {
		t.Error("a token without grants has no permissions")
	}
}

// TestFormatters pins the one spelling of grants and agent dispatches that
// decode, fetch and the dashboard share.
func TestFormatters(t *testing.T) {
	perms := []struct {
		p    Permission
		want string
	}{
		{Permission{Label: "publish", On: true}, "+publish"},
		{Permission{Label: "subscribe"}, "-subscribe"},
		{Permission{Label: "sources", On: true, Detail: "camera, microphone"}, "+sources(camera, microphone)"},
	}
	for _, tt := range perms {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.p, got, tt.want)
		}
	}
	agents := []struct {
		a    AgentDispatch
		want string
	}{
		{AgentDispatch{Name: "support"}, "name=support"},
		{AgentDispatch{Name: "support", Deployment: "staging", Metadata: `{"k":1}`}, `name=support deployment=staging metadata={"k":1}`},
		{AgentDispatch{Metadata: "m"}, "name=— metadata=m"},
	}
	for _, tt := range agents {
		if got := tt.a.String(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.a, got, tt.want)
		}
	}
}
