package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/livekit/protocol/auth"
)

// TestJoinPublishRefusedShowsTheChain publishes the demo with a token that
// may publish only its microphone, on a real server: join prints the
// refused camera's chain naming the grant and the tone the server accepted,
// then leaves with the summary and fails, naming the grant on stderr.
func TestJoinPublishRefusedShowsTheChain(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv := startServer(t, ctx)
	g := &auth.VideoGrant{RoomJoin: true, Room: "mic-only", CanPublishSources: []string{"microphone"}}
	token, err := auth.NewAccessToken(srv.APIKey, srv.APISecret).SetVideoGrant(g).
		SetIdentity("mic").SetValidFor(time.Hour).ToJWT()
	if err != nil {
		t.Fatal(err)
	}

	var out, errOut syncBuffer
	code := run(ctx, []string{"join", "--url", srv.URL, "--token", token, "--publish-demo"},
		&streams{in: strings.NewReader(""), out: &out, err: &errOut, now: time.Now})
	r := result{code: code, stdout: out.String(), err: errOut.String()}
	if r.code != 1 || !strings.Contains(r.err, "canPublishSources") || !strings.Contains(r.err, "camera") {
		t.Fatalf("join = %d, stderr:\n%s\nwant exit 1 naming canPublishSources and the camera", r.code, r.err)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	checkJoinLines(t, lines)
	evs := jsonLines(t, r.stdout)
	if evs[0]["type"] != "connected" || evs[len(evs)-1]["type"] != "summary" {
		t.Errorf("first and last events = %v, %v; want connected … summary", evs[0]["type"], evs[len(evs)-1]["type"])
	}
	var refused, tone map[string]any
	for _, ev := range evs {
		track, _ := ev["track"].(map[string]any)
		switch {
		case ev["type"] == "track_chain" && track["name"] == "demo-video":
			refused = ev
		case ev["type"] == "track_published" && track["name"] == "demo-tone" && ev["local"] == true:
			tone = ev
		}
	}
	if refused == nil || refused["first_broken"] != "may_publish" ||
		!strings.Contains(refused["cause"].(string), "may publish only microphone (canPublishSources)") {
		t.Errorf("the camera's chain = %v, want may_publish broken, naming canPublishSources", refused)
	}
	if tone == nil {
		t.Errorf("join printed no track_published for the tone, which the token allows:\n%s", r.stdout)
	}
}
