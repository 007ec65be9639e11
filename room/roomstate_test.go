package room

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/lkdash/lkdash/internal/lktest"
	"github.com/lkdash/lkdash/tokens"
)

// TestRoomSettingsAndLimits runs against a server whose rooms close 3 s
// after the last participant leaves and admit two participants.
func TestRoomSettingsAndLimits(t *testing.T) {
	t.Parallel()
	srv := lktest.DedicatedWith(t, "room: {departure_timeout: 3, max_participants: 2}")
	cfg := Config{APIKey: srv.APIKey, APISecret: srv.APISecret}

	t.Run("the room closes when predicted", func(t *testing.T) {
		t.Parallel()
		s := join(t, srv, "alone", cfg)
		st, _ := waitFor(t, s, func(r RoomState) bool { return r.LastOne })
		line, _ := MarshalEvent(st)
		t.Logf("%s", line)
		if st.DepartureTimeoutSeconds != 3 || st.MaxParticipants != 2 || st.ClosesAfterLeaveSeconds == nil ||
			*st.ClosesAfterLeaveSeconds != 3 || st.SID == "" || st.Participants != 1 || len(st.EnabledCodecs) == 0 {
			t.Fatalf("room = %+v, want the server's settings and a close 3 s after leaving", st)
		}
		ctx := context.Background()
		s.Leave()
		left := time.Now()
		after, err := s.RoomAfterLeave(ctx)
		if err != nil {
			t.Fatal(err)
		}
		line, _ = MarshalEvent(after)
		t.Logf("%s", line)
		if !after.Left || after.Exists == nil || !*after.Exists || after.ClosesInSeconds == nil {
			t.Fatalf("after leaving: %+v, want the room still there with a countdown", after)
		}
		// A deployment whose first node is dead: the question moves on.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		dead := "ws://" + ln.Addr().String()
		ln.Close()
		if r, err := LookupRoom(ctx, []string{dead, srv.URL}, srv.APIKey, srv.APISecret, st.Name); err != nil || r == nil {
			t.Errorf("LookupRoom past a dead node = %v, %v; want the room from the live one", r, err)
		}
		if _, err := LookupRoom(ctx, []string{dead}, srv.APIKey, srv.APISecret, st.Name); err == nil {
			t.Error("LookupRoom of a dead node alone answered")
		}
		predicted := left.Add(time.Duration(*st.ClosesAfterLeaveSeconds) * time.Second)
		for {
			r, err := LookupRoom(ctx, []string{srv.URL}, srv.APIKey, srv.APISecret, st.Name)
			if err != nil {
				t.Fatal(err)
			}
			now := time.Now()
			if r == nil {
				t.Logf("the room closed %s after leaving; predicted %ds", now.Sub(left).Round(100*time.Millisecond), *st.ClosesAfterLeaveSeconds)
				// The server counts whole seconds and looks once a second:
				// it closes between 1 s early and about 2 s late.
				if now.Before(predicted.Add(-time.Second)) || now.After(predicted.Add(5*time.Second)) {
					t.Errorf("closed at %s, predicted %s", now.Format(time.StampMilli), predicted.Format(time.StampMilli))
				}
				return
			}
			if now.After(predicted.Add(30 * time.Second)) {
				t.Fatalf("room %s still exists %s after leaving", st.Name, now.Sub(left))
			}
			time.Sleep(100 * time.Millisecond)
		}
	})

	t.Run("a third join hears the limit", func(t *testing.T) {
		t.Parallel()
		name := roomName(t)
		joinRoom(t, srv, name, "first", Config{})
		joinRoom(t, srv, name, "second", Config{})
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		s, err := Join(ctx, mint(srv), tokens.Options{RoomName: name, ParticipantIdentity: "third"}, cfg)
		if err == nil {
			s.Leave()
			t.Fatal("a third participant joined a room of max_participants 2")
		}
		t.Logf("third join: %v", err)
		var je *JoinError
		if !errors.As(err, &je) || je.Reason != ReasonRoomFull || !strings.Contains(err.Error(), "max_participants is 2") {
			t.Errorf("Join = %v, want %s naming max_participants", err, ReasonRoomFull)
		}
		// Without the key lkdash cannot ask the server, and says what the
		// server's answer may mean.
		_, err = Join(ctx, mint(srv), tokens.Options{RoomName: name, ParticipantIdentity: "fourth"}, Config{})
		if !errors.As(err, &je) || je.Reason != ReasonJoinRefused || !strings.Contains(err.Error(), "max_participants") {
			t.Errorf("Join without a key = %v, want %s mentioning max_participants", err, ReasonJoinRefused)
		}
	})
}
