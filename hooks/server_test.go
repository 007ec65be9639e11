package hooks

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/lkdash/lkdash/devserver"
	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/tokens"
)

// serverOverlay is the livekit-server config that sends webhooks to url,
// signed with the dev key; the room settings make room_finished come a
// second after the room empties instead of 20 s.
func serverOverlay(url string) string {
	return fmt.Sprintf("webhook: {api_key: %s, urls: [%q]}\nroom: {empty_timeout: 1, departure_timeout: 1}\n", devserver.DevKey, url)
}

// TestRealServerDeliveriesVerify runs livekit-server v1.13.5 with webhooks
// pointed at a Receiver: a session joins, publishes and leaves, and
// room_started, participant_joined, track_published, participant_left and
// room_finished arrive, verified, about the right room, participant and
// track; the Matcher pairs them with the session's room events.
func TestRealServerDeliveriesVerify(t *testing.T) {
	t.Parallel()
	rcv, err := NewReceiver(ReceiverConfig{APIKey: devserver.DevKey, APISecret: devserver.DevSecret})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(rcv) // up before the server starts, as lkdash does it
	defer hs.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv, err := devserver.Start(ctx, devserver.Config{LogDir: t.TempDir(), Overlay: serverOverlay(hs.URL + "/")})
	if err != nil {
		t.Fatalf("livekit-server must start for this test: %v", err)
	}
	defer srv.Stop()

	name := fmt.Sprintf("hooks-%d", time.Now().UnixNano())
	mint := &tokens.Mint{ServerURL: srv.URL, APIKey: srv.APIKey, APISecret: srv.APISecret}
	sess, err := room.Join(ctx, mint, tokens.Options{RoomName: name, ParticipantIdentity: "alice"}, room.Config{})
	if err != nil {
		t.Fatal(err)
	}
	tracks, err := sess.PublishDemo()
	if err != nil {
		t.Fatal(err)
	}
	m := NewMatcher()
	published := map[string]bool{}
	for ev := range sess.Events() {
		m.Room(ev)
		if e, ok := ev.(room.TrackPublished); ok && e.Local {
			published[e.Track.SID] = true
		}
		if len(published) == len(tracks) {
			break
		}
	}
	if len(published) != len(tracks) {
		t.Fatal("the session ended before both demo tracks were published")
	}
	sess.Leave()
	for ev := range sess.Events() {
		m.Room(ev)
	}

	want := []string{"room_started", "participant_joined", "track_published", "participant_left", "room_finished"}
	got := map[string][]Delivery{}
	deadline := time.After(30 * time.Second)
	for len(got["room_finished"]) == 0 {
		select {
		case d := <-rcv.Deliveries():
			if d.Room != name {
				continue
			}
			if !d.Verified {
				t.Errorf("%s did not verify: %s", d.Event, d.Reason)
			}
			m.Add(d)
			got[d.Event] = append(got[d.Event], d)
		case <-deadline:
			t.Fatalf("room_finished did not arrive within 30 s; got %v", keysOf(got))
		}
	}
	for _, ev := range want {
		if len(got[ev]) == 0 {
			t.Errorf("no %s delivery; got %v", ev, keysOf(got))
		}
	}
	for _, d := range slices.Concat(got["participant_joined"], got["participant_left"]) {
		if d.Participant != "alice" {
			t.Errorf("%s names %q, want alice", d.Event, d.Participant)
		}
	}
	var sids []string
	for _, d := range got["track_published"] {
		sids = append(sids, d.Track)
	}
	for _, tr := range tracks {
		if !slices.Contains(sids, tr.SID) {
			t.Errorf("no track_published for %s (%s); got %v", tr.Name, tr.SID, sids)
		}
	}
	for _, d := range slices.Concat(got["room_started"], got["participant_joined"], got["track_published"], got["participant_left"]) {
		lag, ok := m.Lag(d)
		if !ok {
			t.Errorf("%s %s matched no room event", d.Event, d.Participant+d.Track)
			continue
		}
		t.Logf("%s %s arrived %v after the room event", d.Event, d.Participant+d.Track, lag)
		if d.ID == "" || d.CreatedAt.IsZero() {
			t.Errorf("%s lacks its id or created_at: %+v", d.Event, d)
		}
	}
}

func keysOf(m map[string][]Delivery) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
