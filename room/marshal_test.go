package room

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/lkdash/lkdash/tokens"
)

func TestMarshalEvent(t *testing.T) {
	at := time.Date(2026, 11, 29, 1, 2, 3, 456789000, time.FixedZone("X", 3600))
	exp := time.Date(2026, 11, 29, 2, 0, 0, 0, time.UTC)
	cases := []struct {
		ev   Event
		want string
	}{
		{Reconnecting{At: at}, `{"type":"reconnecting","time":"2026-11-29T00:02:03.456789Z"}`},
		{Connected{At: at, Room: "r", Local: Participant{Identity: "me"}, ServerURL: "ws://127.0.0.1:7880"},
			`{"type":"connected","time":"2026-11-29T00:02:03.456789Z","schema":2,"room":"r","local":{"identity":"me"},"server_url":"ws://127.0.0.1:7880"}`},
		{Disconnected{At: at, Reason: "room closed", Code: "ROOM_CLOSED"},
			`{"type":"disconnected","time":"2026-11-29T00:02:03.456789Z","reason":"room closed","code":"ROOM_CLOSED"}`},
		{ParticipantJoined{At: at, Participant: Participant{Identity: "bob", Name: "\x1b[31mBob"}},
			`{"type":"participant_joined","time":"2026-11-29T00:02:03.456789Z","participant":{"identity":"bob","name":"\u001b[31mBob"}}`},
		{ActiveSpeakers{At: at, Identities: []string{}}, `{"type":"active_speakers","time":"2026-11-29T00:02:03.456789Z","identities":[]}`},
		{TokenRefreshed{At: at, Token: "a.b.c", Decoded: &tokens.Token{Subject: "alice", ExpiresAt: exp},
			Diff: tokens.TokenDiff{LifetimeChange: -90 * time.Second, Changed: []tokens.ClaimChange{{Claim: "metadata"}, {Claim: "video.canPublish"}}}},
			`{"type":"token_refreshed","time":"2026-11-29T00:02:03.456789Z","identity":"alice","expires_at":"2026-11-29T02:00:00Z","lifetime_change_seconds":-90,"changed_claims":["metadata","video.canPublish"],"participant_token":"a.b.c"}`},
		{ReconnectAttempt{At: at, Attempt: 2, Elapsed: 1500 * time.Millisecond, Mode: "resume",
			Presented: TokenRef{Refresh: 1, ExpiresAt: exp}, Status: 401, Error: "token is expired", Upstream: Upstream{URL: "wss://b.example"}},
			`{"type":"reconnect_attempt","time":"2026-11-29T00:02:03.456789Z","attempt":2,"mode":"resume","presented":{"token":"refreshed #1","refresh":1,"expires_at":"2026-11-29T02:00:00Z"},"accepted":false,"status":401,"error":"token is expired","upstream":{"url":"wss://b.example"},"elapsed_seconds":1.5}`},
		{Failover{At: at, From: Upstream{URL: "https://p.a.example", Region: "a"}, To: Upstream{URL: "https://p.b.example", Region: "b"},
			Reason: "a: connection refused", Took: 250 * time.Millisecond},
			`{"type":"failover","time":"2026-11-29T00:02:03.456789Z","from":{"url":"https://p.a.example","region":"a"},"to":{"url":"https://p.b.example","region":"b"},"reason":"a: connection refused","took_seconds":0.25}`},
		{NodeChanged{At: at, From: "ND_a", To: "ND_b"},
			`{"type":"node_changed","time":"2026-11-29T00:02:03.456789Z","from":"ND_a","to":"ND_b"}`},
		{DrillResult{At: at, Drill: DrillMigration, Outcome: DrillRecovered, Recovery: 80 * time.Millisecond, Attempts: 1, Presented: &TokenRef{}},
			`{"type":"drill_result","time":"2026-11-29T00:02:03.456789Z","drill":"migration","outcome":"recovered","attempts":1,"presented":{"token":"original","refresh":0},"recovery_seconds":0.08}`},
		{Disconnected{At: at, Reason: "the local livekit-server exited (signal: killed)", Code: "SERVER_EXITED", Detail: []string{"bye"}},
			`{"type":"disconnected","time":"2026-11-29T00:02:03.456789Z","reason":"the local livekit-server exited (signal: killed)","code":"SERVER_EXITED","detail":["bye"]}`},
		{JoinProgress{At: at, Step: StepConnecting, Detail: "ws://h"}, `{"type":"join_progress","time":"2026-11-29T00:02:03.456789Z","step":"connecting","detail":"ws://h"}`},
		{JoinFailed{At: at, Err: &JoinError{Reason: ReasonExpired}}, `{"type":"join_failed","time":"2026-11-29T00:02:03.456789Z","reason":"expired","error":"cannot join: the token has expired; fetch a new one"}`},
		{Summary{At: at, ConnectedAt: at, Tokens: []TokenWindow{
			{Ref: TokenRef{Refresh: 0, ExpiresAt: at.Add(time.Minute)}, ReceivedAt: at, ValidFrom: at},
			{Ref: TokenRef{Refresh: 1, ExpiresAt: at.Add(10 * time.Minute)}, ReceivedAt: at, ValidFrom: at, LifetimeChange: 9 * time.Minute}},
			LifetimeMoved: 9 * time.Minute},
			`{"type":"summary","time":"2026-11-29T00:02:03.456789Z","connected_at":"2026-11-29T00:02:03Z","tokens":[` +
				`{"token":"original","refresh":0,"received_at":"2026-11-29T00:02:03.456789Z","valid_from":"2026-11-29T00:02:03Z","expires_at":"2026-11-29T00:03:03Z","lifetime_seconds":60,"lifetime_change_seconds":0},` +
				`{"token":"refreshed #1","refresh":1,"received_at":"2026-11-29T00:02:03.456789Z","valid_from":"2026-11-29T00:02:03Z","expires_at":"2026-11-29T00:12:03Z","lifetime_seconds":600,"lifetime_change_seconds":540}],` +
				`"reconnects":[],"original_expires_at":"2026-11-29T00:03:03Z","final_expires_at":"2026-11-29T00:12:03Z","lifetime_moved_seconds":540}`},
		{TokenRefreshed{At: at, Token: "x"},
			`{"type":"token_refreshed","time":"2026-11-29T00:02:03.456789Z","lifetime_change_seconds":0,"changed_claims":[],"participant_token":"x"}`},
	}
	for _, tc := range cases {
		b, err := MarshalEvent(tc.ev)
		if err != nil || string(b) != tc.want {
			t.Errorf("MarshalEvent(%s) =\n %s, %v\nwant\n %s", tc.ev.Type(), b, err, tc.want)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Errorf("not JSON: %v", err)
		}
	}
	if _, err := MarshalEvent(nil); err == nil {
		t.Error("nil event marshalled")
	}
}

// Every event type marshals with its type and never leaks the raw token
// under any name but participant_token.
func TestMarshalEveryEventType(t *testing.T) {
	evs := []Event{Connected{}, ParticipantJoined{}, ParticipantLeft{}, MetadataChanged{}, NameChanged{},
		AttributesChanged{}, TrackPublished{}, TrackUnpublished{}, ActiveSpeakers{}, Reconnecting{},
		Reconnected{}, Disconnected{}, TokenRefreshed{Token: "secret.jwt.value"},
		AgentDispatch{}, AgentJoined{}, AgentMissing{}, ReconnectAttempt{}, DrillStarted{}, DrillResult{}, Summary{},
		Failover{}, NodeChanged{}}
	for _, ev := range evs {
		b, err := MarshalEvent(ev)
		if err != nil {
			t.Fatalf("%T: %v", ev, err)
		}
		if !strings.Contains(string(b), `"type":"`+ev.Type()+`"`) {
			t.Errorf("%T: %s", ev, b)
		}
		if strings.Count(string(b), "secret.jwt.value") > 1 {
			t.Errorf("token repeated: %s", b)
		}
	}
}

func TestMarshalAgentEvents(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, c := range []struct {
		ev   Event
		want string
	}{
		{AgentDispatch{At: at, Dispatch: Dispatch{ID: "AD_1", AgentName: "a", Origin: FromToken, State: DispatchJobAssigned,
			Jobs: []DispatchJob{{ID: "AJ_1", Status: "JS_RUNNING", Participant: "agent-AJ_1", WorkerID: "AW_1"}}}},
			`{"type":"agent_dispatch","time":"2026-01-02T03:04:05Z","dispatch":{"dispatch_id":"AD_1","agent_name":"a","source":"token","state":"job_assigned","jobs":[{"job_id":"AJ_1","status":"JS_RUNNING","participant":"agent-AJ_1","worker_id":"AW_1"}]}}`},
		{AgentJoined{At: at, AgentName: "a", Identity: "agent-AJ_1", DispatchID: "AD_1", Origin: FromAPI, SinceJoin: 1500 * time.Millisecond, SeenAfter: 3 * time.Second},
			`{"type":"agent_joined","time":"2026-01-02T03:04:05Z","agent_name":"a","identity":"agent-AJ_1","dispatch_id":"AD_1","source":"api","since_join_seconds":1.5,"seen_after_seconds":3}`},
		{AgentMissing{At: at, AgentName: "a", Origin: FromRequest, Waited: 10 * time.Second, Causes: []string{"why"}},
			`{"type":"agent_missing","time":"2026-01-02T03:04:05Z","agent_name":"a","source":"request","waited_seconds":10,"causes":["why"]}`},
	} {
		b, err := MarshalEvent(c.ev)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != c.want {
			t.Errorf("got  %s\nwant %s", b, c.want)
		}
	}
}
