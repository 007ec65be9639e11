package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/tokens"
)

// TestInviteJoinsTheRoom: we are in a room; `lkdash invite` prints nothing
// secret until --show, then a token with which a second `lkdash join`
// lands in the same room and sees us.
func TestInviteJoinsTheRoom(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	srv := startServer(t, ctx)
	mint := &tokens.Mint{ServerURL: srv.URL, APIKey: srv.APIKey, APISecret: srv.APISecret}
	us, err := room.Join(ctx, mint, tokens.Options{RoomName: "party", ParticipantIdentity: "host"}, room.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer us.Leave()
	environ := map[string]string{"LIVEKIT_API_SECRET": srv.APISecret, "LIVEKIT_API_KEY": srv.APIKey, "LIVEKIT_URL": srv.URL}

	quiet := lkdash(t, "", environ, "invite", "--room", "party")
	if quiet.code != 0 || !strings.Contains(quiet.stdout, "credential") || strings.Contains(quiet.stdout, "eyJ") ||
		strings.Contains(quiet.stdout, "meet.livekit.io") {
		t.Fatalf("without --show, invite must warn and print no token or link (exit %d):\n%s%s", quiet.code, quiet.stdout, quiet.err)
	}
	t.Logf("invite:\n%s", quiet.stdout)

	r := lkdash(t, "", environ, "invite", "--room", "party", "--show", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	var inv inviteReport
	if err := json.Unmarshal([]byte(r.stdout), &inv); err != nil {
		t.Fatal(err)
	}
	if inv.Room != "party" || inv.ParticipantToken == "" || !inv.LocalOnly || inv.ExpiresAt == nil ||
		time.Until(*inv.ExpiresAt) > time.Hour || !strings.Contains(inv.MeetURL, "token="+inv.ParticipantToken) {
		t.Fatalf("invite = %+v", inv)
	}

	guest := lkdash(t, "", nil, "join", "--url", inv.ServerURL, "--token", inv.ParticipantToken, "--for", "1s")
	if guest.code != 0 {
		t.Fatalf("the invited token does not join: exit %d\n%s", guest.code, guest.err)
	}
	var first struct {
		Type         string             `json:"type"`
		Room         string             `json:"room"`
		Local        room.Participant   `json:"local"`
		Participants []room.Participant `json:"participants"`
	}
	if err := json.Unmarshal([]byte(strings.SplitN(guest.stdout, "\n", 2)[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first.Type != "connected" || first.Room != "party" || first.Local.Identity != inv.Identity ||
		len(first.Participants) != 1 || first.Participants[0].Identity != "host" {
		t.Errorf("the guest's connected line: %s", strings.SplitN(guest.stdout, "\n", 2)[0])
	}
}
