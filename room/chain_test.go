package room

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"

	"github.com/lkdash/lkdash/devserver"
	"github.com/lkdash/lkdash/tokens"
)

// grantSource mints tokens with a video grant shaped by shape, for grants
// tokens.Mint does not offer (canPublishSources).
func grantSource(srv *devserver.Server, room string, shape func(*auth.VideoGrant)) tokens.ConfigurableSource {
	return tokens.Custom(func(_ context.Context, opts tokens.Options) (tokens.Response, error) {
		g := &auth.VideoGrant{Room: room, RoomJoin: true}
		shape(g)
		tok, err := auth.NewAccessToken(srv.APIKey, srv.APISecret).SetIdentity(opts.ParticipantIdentity).
			SetVideoGrant(g).SetValidFor(time.Hour).ToJWT()
		return tokens.Response{ServerURL: srv.URL, ParticipantToken: tok}, err
	})
}

func joinSource(t *testing.T, src tokens.ConfigurableSource, identity string, cfg Config) *Session {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := Join(ctx, src, tokens.Options{ParticipantIdentity: identity}, cfg)
	if err != nil {
		t.Fatalf("Join %s: %v", identity, err)
	}
	t.Cleanup(s.Leave)
	return s
}

// chainOf waits for a chain of the named track that match accepts and logs
// it as join prints it.
func chainOf(t *testing.T, s *Session, track string, match func(TrackChain) bool) TrackChain {
	t.Helper()
	c, _ := waitFor(t, s, func(c TrackChain) bool { return c.Track.Name == track && match(c) })
	line, err := MarshalEvent(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s", line)
	return c
}

func brokenAt(link LinkName) func(TrackChain) bool {
	return func(c TrackChain) bool { return c.FirstBroken == link && c.State == LinkBroken }
}

// TestTrackChainsFindTheFirstBrokenLink runs one publisher and three
// watchers in a room: one whose token may not subscribe, one the
// publisher's track permissions leave out, and one for whom all is well,
// until the publisher mutes its camera.
func TestTrackChainsFindTheFirstBrokenLink(t *testing.T) {
	t.Parallel()
	srv := shared.Server(t)
	name := roomName(t)
	pub := joinRoom(t, srv, name, "pub", Config{})
	// Only "healthy" may subscribe to pub's tracks; "excluded" is left out.
	pub.room.Load().LocalParticipant.SetSubscriptionPermission(&livekit.SubscriptionPermission{
		TrackPermissions: []*livekit.TrackPermission{{ParticipantIdentity: "healthy", AllTracks: true}},
	})
	noSub := joinSource(t, grantSource(srv, name, func(g *auth.VideoGrant) { g.SetCanSubscribe(false) }), "nosub", Config{AutoSubscribe: true})
	excluded := joinRoom(t, srv, name, "excluded", Config{AutoSubscribe: true})
	healthy := joinRoom(t, srv, name, "healthy", Config{AutoSubscribe: true})
	if _, err := pub.PublishDemo(); err != nil {
		t.Fatal(err)
	}

	t.Run("canSubscribe false", func(t *testing.T) {
		c := chainOf(t, noSub, DemoVideoName, brokenAt(LinkMaySubscribe))
		if !strings.Contains(c.Cause, "canSubscribe") {
			t.Errorf("cause %q does not name canSubscribe", c.Cause)
		}
		// It is not on its way either: nothing will subscribe it.
		if l, _ := c.Link(LinkSubscribed); l.State != LinkBroken || !strings.Contains(l.Detail, "never") {
			t.Errorf("subscribed = %+v, want broken: never", l)
		}
	})
	t.Run("left out by the publisher", func(t *testing.T) {
		c := chainOf(t, excluded, DemoVideoName, brokenAt(LinkAllowed))
		if l, _ := c.Link(LinkMaySubscribe); l.State != LinkOK {
			t.Errorf("may_subscribe = %+v, want ok", l)
		}
	})
	t.Run("healthy", func(t *testing.T) {
		ok := map[string]TrackChain{}
		for len(ok) < 2 {
			c, _ := waitFor(t, healthy, func(c TrackChain) bool { return c.State == LinkOK })
			ok[c.Track.Name] = c
		}
		for _, c := range ok {
			line, _ := MarshalEvent(c)
			t.Logf("%s", line)
			for _, l := range c.Links {
				if l.State != LinkOK {
					t.Errorf("%s: link %s = %s (%s), want ok", c.Track.Name, l.Name, l.State, l.Detail)
				}
			}
		}
		if _, found := ok[DemoVideoName]; !found {
			t.Errorf("no healthy chain for %s: %v", DemoVideoName, ok)
		}
	})
	t.Run("muted", func(t *testing.T) {
		muteTrack(t, pub, DemoVideoName)
		c := chainOf(t, healthy, DemoVideoName, brokenAt(LinkPublished))
		if !strings.Contains(c.Cause, "muted") || !c.Track.Muted {
			t.Errorf("chain = %+v, want the mute as cause", c)
		}
	})
}

func muteTrack(t *testing.T, s *Session, name string) {
	t.Helper()
	for _, p := range s.room.Load().LocalParticipant.TrackPublications() {
		if lp, ok := p.(*lksdk.LocalTrackPublication); ok && p.Name() == name {
			lp.SetMuted(true)
			return
		}
	}
	t.Fatalf("%s publishes no track %q", s.Token().Subject, name)
}

// TestPublishRefusedNamesTheGrant publishes the demo with a token that may
// publish only its microphone: the server refuses the camera, PublishDemo
// says which grant stopped it, the chain of the refused track shows it, and
// the tone, which the token allows, stays published.
func TestPublishRefusedNamesTheGrant(t *testing.T) {
	t.Parallel()
	srv := shared.Server(t)
	mic := joinSource(t, grantSource(srv, roomName(t), func(g *auth.VideoGrant) {
		g.SetCanPublish(true)
		g.CanPublishSources = []string{"microphone"}
	}), "mic-only", Config{})
	tracks, err := mic.PublishDemo()
	var refused *PublishRefusedError
	if !errors.As(err, &refused) {
		t.Fatalf("PublishDemo = %v, want a *PublishRefusedError", err)
	}
	t.Logf("PublishDemo: %v", err)
	if refused.Track.Source != "CAMERA" || !strings.Contains(err.Error(), "may publish only microphone") ||
		!strings.Contains(err.Error(), "canPublishSources") || !strings.Contains(err.Error(), "camera") {
		t.Errorf("refusal = %v, want it to name canPublishSources, microphone and the camera", err)
	}
	c := chainOf(t, mic, DemoVideoName, func(c TrackChain) bool { return c.Local })
	if c.FirstBroken != LinkMayPublish || c.Track.SID != "" {
		t.Errorf("chain = %+v, want may_publish broken for a track without SID", c)
	}
	if l, _ := c.Link(LinkPublished); l.State != LinkBroken {
		t.Errorf("published = %+v, want broken", l)
	}
	if len(tracks) != 1 || tracks[0].Name != DemoAudioName || tracks[0].SID == "" {
		t.Fatalf("PublishDemo tracks = %+v, want the tone alone, published", tracks)
	}
	if _, err := mic.PublishDemo(); !errors.Is(err, ErrDemoPublished) {
		t.Errorf("second PublishDemo = %v, want ErrDemoPublished while the tone is on", err)
	}
	if err := mic.UnpublishDemo(); err != nil {
		t.Errorf("UnpublishDemo = %v", err)
	}
}
