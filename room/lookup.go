package room

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"

	"github.com/lkdash/lkdash/tokens"
)

// LookupRoom asks RoomService (ListRooms, signed with the API key and
// secret) for the room called name: nil when the server has no such room.
// serverURLs are the nodes of one deployment, ws(s):// or http(s)://, in
// the order to ask them (Session.APIURLs: the node in use first): a node
// that cannot be reached, a dead one say, passes the question to the next.
func LookupRoom(ctx context.Context, serverURLs []string, apiKey, apiSecret, name string) (*livekit.Room, error) {
	if len(serverURLs) == 0 {
		return nil, errors.New("room: no server to ask about the room")
	}
	var errs []error
	for _, u := range serverURLs {
		r, err := lookupRoomAt(ctx, u, apiKey, apiSecret, name)
		if err == nil {
			return r, nil
		}
		errs = append(errs, err)
		if why := networkReason(err); (why != ReasonUnreachable && why != ReasonTimeout) || ctx.Err() != nil {
			break // the node answered, or time is up: the others would say the same
		}
	}
	return nil, errors.Join(errs...)
}

func lookupRoomAt(ctx context.Context, serverURL, apiKey, apiSecret, name string) (*livekit.Room, error) {
	_, httpBase, err := tokens.ServerURLs(serverURL)
	if err != nil {
		return nil, err
	}
	client := lksdk.NewRoomServiceClient(httpBase.String(), apiKey, apiSecret)
	res, err := client.ListRooms(ctx, &livekit.ListRoomsRequest{Names: []string{name}})
	if err != nil {
		return nil, fmt.Errorf("room: asking %s for room %q: %w", httpBase.Host, name, err)
	}
	for _, r := range res.GetRooms() {
		if r.GetName() == name {
			return r, nil
		}
	}
	return nil, nil
}

// APIURLs are the HTTP bases of the deployment's server APIs, the node the
// session is on (or was on when it ended) first, then the others it knows
// (its regions, the URLs given): where to ask about the room after leaving,
// when the relay that follows the node in use is gone.
func (s *Session) APIURLs() []string {
	var out []string
	for _, u := range s.relay.plan() {
		out = append(out, strings.TrimSuffix(u.http.String(), "/"))
	}
	if len(out) == 0 {
		out = append(out, strings.TrimSuffix(s.relay.httpBase.String(), "/"))
	}
	return out
}

// RoomAfterLeave asks the server, after Leave, whether the room still
// exists, and returns the last RoomState with Left, Exists and, when we
// were the last one in it, ClosesInSeconds set. It needs the API key and
// secret in Config (ErrNoCredentials otherwise).
func (s *Session) RoomAfterLeave(ctx context.Context) (RoomState, error) {
	if s.cfg.APIKey == "" || s.cfg.APISecret == "" {
		return RoomState{}, ErrNoCredentials
	}
	s.mu.Lock()
	st := RoomState{}
	if s.roomBook.last != nil {
		st = *s.roomBook.last
	}
	leftAt := s.leftAt
	s.mu.Unlock()
	if st.Name == "" {
		return RoomState{}, errors.New("room: the server never described the room")
	}
	r, err := LookupRoom(ctx, s.APIURLs(), s.cfg.APIKey, s.cfg.APISecret, st.Name)
	if err != nil {
		return RoomState{}, err
	}
	now := s.cfg.Now()
	exists := r != nil && (st.SID == "" || r.GetSid() == st.SID)
	st.At, st.Left, st.Exists = now, true, &exists
	if exists && st.ClosesAfterLeaveSeconds != nil && !leftAt.IsZero() {
		left := max(0, *st.ClosesAfterLeaveSeconds-int(now.Sub(leftAt).Round(time.Second)/time.Second))
		st.ClosesInSeconds = &left
	}
	return st, nil
}

// joinRefusedByMedia is livekit-server v1.13.5's answer (HTTP 500) when it
// accepted the token but could not add the participant to the room
// (pkg/service/rtcservice.go, startConnection): the room is full, closing,
// or already has this identity. It says nothing more; only the others in
// the room see why (JOIN_FAILURE).
const joinRefusedByMedia = "connection closed by media"

// notUpgraded explains a signal dial answered with an HTTP status that no
// livekit-server gives it: a success or a redirect instead of 101, or
// "method not allowed" or "upgrade required"; or with 404 while
// /rtc/validate answered (validated), which is livekit-server's answer to
// a /rtc request that lost its Upgrade header on the way. A proxy that does
// not pass WebSocket upgrades on, or a web app or CDN answering the path
// itself, says these; the SDK only reports that it could not connect,
// which reads like a timeout. Nil for any other answer.
func notUpgraded(d dial, serverURL string, validated bool) *JoinError {
	var why string
	switch {
	case d.status == http.StatusNotFound && validated:
		why = "dropped its Upgrade header (livekit-server answers 404 to a /rtc request without it, and /rtc/validate answered)"
	case d.status >= 200 && d.status < 300:
		why = "answered it itself"
	case d.status >= 300 && d.status < 400:
		why = "redirected it, and WebSocket clients do not follow redirects: use the URL it redirects to (wss:// for an https:// one)"
	case d.status == http.StatusMethodNotAllowed, d.status == http.StatusUpgradeRequired:
		why = "refused the upgrade"
	default:
		return nil
	}
	msg := fmt.Sprintf("the WebSocket request to /rtc got HTTP %d, not 101 Switching Protocols: "+
		"something in front of livekit-server (a proxy, a web app, a CDN) %s", d.status, why)
	if !strings.Contains(why, "redirect") {
		msg += "; a proxy must pass the Upgrade and Connection headers on over HTTP/1.1"
	}
	return &JoinError{Reason: ReasonNoUpgrade, ServerURL: serverURL, Err: errors.New(msg)}
}

// explainRefusal turns the server's refusal of the signal connection into a
// JoinError, when it is one the server does not explain: with the API key
// it asks RoomService whether the room is full.
func explainRefusal(ctx context.Context, d dial, tok *tokens.Token, cfg Config, serverURL string) *JoinError {
	if d.status != http.StatusInternalServerError || !strings.Contains(d.err, joinRefusedByMedia) {
		return nil
	}
	je := &JoinError{Reason: ReasonJoinRefused, ServerURL: serverURL,
		Err: fmt.Errorf("the server answered %q: livekit-server says this when the room is full (max_participants), closing, or already has this identity", joinRefusedByMedia)}
	name := ""
	if tok != nil && tok.Grants != nil && tok.Grants.Video != nil {
		name = tok.Grants.Video.Room
	}
	if cfg.APIKey == "" || cfg.APISecret == "" || name == "" {
		return je
	}
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	r, err := LookupRoom(lctx, []string{serverURL}, cfg.APIKey, cfg.APISecret, name)
	if err != nil || r == nil || r.GetMaxParticipants() == 0 {
		return je
	}
	n, err := countParticipants(lctx, serverURL, cfg.APIKey, cfg.APISecret, name)
	if err != nil || n < int(r.GetMaxParticipants()) {
		return je
	}
	je.Reason = ReasonRoomFull
	je.Err = fmt.Errorf("room %q has %d participants and its max_participants is %d", name, n, r.GetMaxParticipants())
	return je
}

// countParticipants counts those the server holds against max_participants:
// everyone but agents and recorders (Room.Join in pkg/rtc/room.go).
// ListParticipants is live; ListRooms' counts lag by up to 5 s.
func countParticipants(ctx context.Context, serverURL, apiKey, apiSecret, name string) (int, error) {
	_, httpBase, err := tokens.ServerURLs(serverURL)
	if err != nil {
		return 0, err
	}
	client := lksdk.NewRoomServiceClient(httpBase.String(), apiKey, apiSecret)
	res, err := client.ListParticipants(ctx, &livekit.ListParticipantsRequest{Room: name})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, pi := range res.GetParticipants() {
		if !dependent(participantFromInfo(pi)) {
			n++
		}
	}
	return n, nil
}
