package room

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	"github.com/livekit/protocol/livekit"
	protoLogger "github.com/livekit/protocol/logger"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v4"

	"github.com/lkdash/lkdash/internal/sdkquiet"
	"github.com/lkdash/lkdash/tokens"
)

// EventBuffer is the capacity of Session.Events. When a reader falls this
// far behind, the oldest buffered event is dropped (and counted in
// Session.Dropped) so SDK callbacks never block.
const EventBuffer = 4096

// Config tunes a session.
type Config struct {
	// AutoSubscribe subscribes to remote tracks; a watcher wants false.
	// SetAutoSubscribe changes it during the session.
	AutoSubscribe bool
	// StatsInterval, when positive, is how often a TrackStats is emitted
	// for each subscribed track.
	StatsInterval time.Duration
	// APIKey and APISecret, when set, enable TriggerRefresh (they sign the
	// RoomService call that changes our metadata).
	APIKey, APISecret string
	// Progress receives one line per join step; may be nil.
	Progress func(string)
	// Now stamps events; nil means time.Now.
	Now func() time.Time
	// AgentTimeout is how long a requested agent may take to join before
	// AgentMissing is reported; 0 means DefaultAgentTimeout.
	AgentTimeout time.Duration
	// KnownAgents, when set, lists the agent names of workers known to be
	// registered with the server at serverURL (standin.Running: the
	// stand-ins lkdash runs on this machine); a missing agent is compared
	// against them for case and typo mismatches.
	KnownAgents func(serverURL string) []string
	// Log receives the SDK's per-room logging; nil discards it (it would
	// otherwise go to stderr, under a terminal UI). Pion's WebRTC logging is
	// process-wide in the SDK and always discarded.
	Log *slog.Logger
	// ServerGone, when set, is closed when the managed livekit-server the
	// session runs on exits; the session then ends at once with
	// Disconnected{Code: CodeServerExited} and ServerExit's description,
	// instead of waiting out the SDK's reconnect budget (about a minute).
	ServerGone <-chan struct{}
	// ServerExit describes the exit; called once ServerGone is closed.
	ServerExit func() ServerExit
	// ManagedURL, when set, limits ServerGone to sessions whose token
	// source returned this server URL: a dashboard that manages a local
	// server may also join remote ones.
	ManagedURL string
}

// RefreshAttribute is the participant attribute TriggerRefresh sets to the
// current time; changing it makes the server push a refreshed token.
const RefreshAttribute = "lkdash.refreshed_at"

// ErrNoCredentials is returned by TriggerRefresh without an API key/secret.
var ErrNoCredentials = errors.New("room: refreshing needs the API key and secret (Config.APIKey, Config.APISecret)")

// Session is one joined room. Events arrive on Events until Disconnected,
// after which the channel is closed.
type Session struct {
	cfg    Config
	resp   tokens.Response
	relay  *relay
	room   atomic.Pointer[lksdk.Room]
	agents *dispatchWatch

	events chan Event

	mu       sync.Mutex
	token    *tokens.Token
	ready    bool    // Connected has been emitted
	pending  []Event // events seen while Join was still running
	closed   bool    // Disconnected emitted, channel closed
	dropped  int64
	people   *tracker              // participants, from the signal stream
	joinSeen chan struct{}         // closed once the join response was tracked
	leaveMsg *livekit.LeaveRequest // last leave the server sent
	life     lifecycle
	chains   chainBook // what the server said about each track's links
	roomBook roomBook  // the server's description of the room
	leftAt   time.Time // when Leave began
	// joinRefusal is the server's last refusal of a signal dial while
	// joining: its answer, which the SDK does not pass on.
	joinRefusal *dial
	// publishing maps the client id of each track being published to
	// where the server's refusal of it goes.
	publishing map[string]chan string

	recv      receiver
	pub       publisher
	autoSub   atomic.Bool   // subscribe to what others publish (Config.AutoSubscribe, then SetAutoSubscribe)
	stopStats chan struct{} // closed by Leave to end the stats loop

	sdkGone   atomic.Bool // the SDK ended the session itself (server gone, kicked…)
	leaving   atomic.Bool // Leave has begun: its Disconnected is the one that counts
	leaveOnce sync.Once
	finished  chan struct{} // closed once Leave has shut the relay
}

// Join fetches a token from src, starts the signal relay and joins the room.
// It returns after the SDK has joined (or failed); ctx bounds the whole
// join, not the session. Failures are *JoinError.
func Join(ctx context.Context, src tokens.ConfigurableSource, opts tokens.Options, cfg Config) (*Session, error) {
	if src == nil {
		return nil, &JoinError{Reason: ReasonTokenSource, Err: errors.New("no token source")}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	progress := cfg.Progress
	if progress == nil {
		progress = func(string) {}
	}

	progress("fetching token")
	resp, err := src.Fetch(ctx, opts)
	if err != nil {
		return nil, sourceError(err)
	}
	if resp.ServerURL == "" {
		return nil, &JoinError{Reason: ReasonTokenSource, Err: errors.New("the token source returned no server URL")}
	}
	tok, jerr := preflight(resp.ParticipantToken)
	if jerr != nil {
		jerr.ServerURL = resp.ServerURL
		return nil, jerr
	}

	s := &Session{
		cfg:       cfg,
		resp:      resp,
		token:     tok,
		events:    make(chan Event, EventBuffer),
		people:    newTracker(),
		chains:    newChainBook(),
		joinSeen:  make(chan struct{}),
		finished:  make(chan struct{}),
		stopStats: make(chan struct{}),
	}
	s.autoSub.Store(cfg.AutoSubscribe)
	statsFactory, err := s.recv.statsInterceptor()
	if err != nil {
		return nil, &JoinError{Reason: ReasonOther, Err: err, ServerURL: resp.ServerURL}
	}
	s.agents = newDispatchWatch(s, tok, opts)
	s.life.issued = []issued{{raw: resp.ParticipantToken, tok: tok, receivedAt: cfg.Now()}}
	s.relay, err = newRelay(resp.ServerURL, s.onServerFrame)
	if err != nil {
		return nil, &JoinError{Reason: ReasonBadURL, Err: err, ServerURL: resp.ServerURL}
	}
	s.agents.setClient(s.relay.httpBase.String(), cfg.APIKey, cfg.APISecret)
	s.relay.setOnDial(s.onDial)

	sdkquiet.Silence()
	progress("connecting to " + resp.ServerURL)
	room := lksdk.NewRoom(s.callbacks())
	s.room.Store(room)
	// The SDK bounds its own dial by ctx but then checks /rtc/validate with
	// a fresh 3 s timeout, and the relay's upstream dial would wait out its
	// handshake timeout; aborting the relay makes ctx the real bound.
	stopAbort := context.AfterFunc(ctx, s.relay.abort)
	err = room.JoinWithContextAndToken(ctx, s.relay.URL(), resp.ParticipantToken,
		lksdk.WithAutoSubscribe(cfg.AutoSubscribe), lksdk.WithLogger(sdkLogger(cfg.Log)),
		lksdk.WithInterceptors([]interceptor.Factory{statsFactory}), lksdk.WithIncludeDefaultInterceptors(true))
	if !stopAbort() && err == nil {
		err = ctx.Err() // joined, but the relay was aborted as ctx ended
	}
	if err != nil {
		upstream := s.relay.upstreamErr()
		room.Disconnect()
		s.agents.close()
		s.relay.Close()
		je := classify(ctx, err, upstream, resp.ParticipantToken, resp.ServerURL)
		je.Err = unrelay(je.Err, s.relay)
		s.mu.Lock()
		refusal := s.joinRefusal
		s.mu.Unlock()
		if refusal != nil && upstream == nil {
			if why := explainRefusal(ctx, *refusal, tok, cfg, resp.ServerURL); why != nil {
				return nil, why
			}
		}
		return nil, je
	}
	progress("joined")
	s.connected(room)
	s.watchServer()
	return s, nil
}

// roomSID waits briefly for the room SID: Room.SID blocks until the server
// has sent it, which v1.13.5 does in the join response, but an older server
// may never do; the waiting goroutine ends when the room is cleaned up.
func roomSID(room *lksdk.Room) string {
	c := make(chan string, 1)
	go func() { c <- room.SID() }()
	select {
	case sid := <-c:
		return sid
	case <-time.After(2 * time.Second):
		return ""
	}
}

func sdkLogger(l *slog.Logger) protoLogger.Logger {
	if l == nil {
		return sdkquiet.Discard()
	}
	return protoLogger.LogRLogger(logr.FromSlogHandler(l.Handler()))
}

// connected emits Connected, then whatever arrived while joining. Its
// participants are the join response's, which the relay has normally
// tracked long before the SDK returns (it still has to connect media);
// should it not have, the SDK's view stands in.
func (s *Session) connected(room *lksdk.Room) {
	ev := Connected{
		At:        s.cfg.Now(),
		Room:      room.Name(),
		RoomSID:   roomSID(room),
		ServerURL: s.resp.ServerURL,
	}
	if info := room.ServerInfo(); info != nil {
		ev.ServerVersion, ev.ServerRegion = info.GetVersion(), info.GetRegion()
	}
	select {
	case <-s.joinSeen:
	case <-time.After(2 * time.Second):
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.people.joined {
		ev.Local, ev.Participants = s.people.snapLocal, s.people.snapOthers
	} else {
		ev.Local = participantOf(room.LocalParticipant)
		for _, rp := range room.GetRemoteParticipants() {
			ev.Participants = append(ev.Participants, participantOf(rp))
		}
	}
	if s.closed {
		return
	}
	s.life.connectedAt = ev.At
	s.ready = true
	s.push(ev)
	for _, p := range s.pending {
		s.push(p)
	}
	s.pending = nil
	if s.cfg.StatsInterval > 0 {
		go s.statsLoop(s.cfg.StatsInterval, s.stopStats)
	}
	go s.chainLoop(s.stopStats)
}

// Events delivers the session's events, Connected first and Disconnected
// last; it is closed after Disconnected.
func (s *Session) Events() <-chan Event { return s.events }

// Response is what the token source returned.
func (s *Session) Response() tokens.Response { return s.resp }

// Token is the latest token: the joined one, or the last refresh.
func (s *Session) Token() *tokens.Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.token
}

// Dropped counts events discarded because the reader fell EventBuffer behind.
func (s *Session) Dropped() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropped
}

// Room is the SDK room, for callers that need more than events.
func (s *Session) Room() *lksdk.Room { return s.room.Load() }

// Leave disconnects, emits Disconnected (if the server did not end the
// session first), closes Events and shuts the relay once the SDK's leave
// request has gone through. Like Room.Disconnect, it does not wait for the
// SDK to finish closing its peer connections, which happens in the
// background within moments. Safe to call more than once, from any
// goroutine.
func (s *Session) Leave() {
	s.leaveOnce.Do(func() {
		s.leaving.Store(true)
		s.mu.Lock()
		s.leftAt = s.cfg.Now()
		s.mu.Unlock()
		s.agents.close()
		if room := s.room.Load(); room != nil && !s.sdkGone.Load() {
			room.Disconnect()
		}
		s.relay.Close()
		close(s.stopStats)
		s.finish(Disconnected{At: s.cfg.Now(), Reason: describeDisconnect("CLIENT_INITIATED"), Code: "CLIENT_INITIATED"})
		close(s.finished)
	})
	<-s.finished
}

// TriggerRefresh makes the server send a refreshed token by setting our
// RefreshAttribute through RoomService; the TokenRefreshed event follows
// within a second or so.
func (s *Session) TriggerRefresh(ctx context.Context) error {
	if s.cfg.APIKey == "" || s.cfg.APISecret == "" {
		return ErrNoCredentials
	}
	room := s.room.Load()
	if room == nil {
		return errors.New("room: not joined")
	}
	// One attribute, not the metadata: the server merges attributes by key,
	// so the participant's own metadata and attributes survive the demo.
	client := lksdk.NewRoomServiceClient(s.relay.httpBase.String(), s.cfg.APIKey, s.cfg.APISecret)
	_, err := client.UpdateParticipant(ctx, &livekit.UpdateParticipantRequest{
		Room:       room.Name(),
		Identity:   room.LocalParticipant.Identity(),
		Attributes: map[string]string{RefreshAttribute: s.cfg.Now().UTC().Format(time.RFC3339Nano)},
	})
	if err != nil {
		return fmt.Errorf("room: asking the server to refresh the token: %w", err)
	}
	return nil
}

// emit queues an event without ever blocking the caller (an SDK callback or
// the relay). Before Connected, events wait in pending; after Disconnected
// they are dropped.
func (s *Session) emit(ev Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed:
	case !s.ready:
		s.pending = append(s.pending, ev)
	default:
		s.push(ev)
	}
}

// push sends with drop-oldest; s.mu must be held (it is the only sender).
func (s *Session) push(ev Event) {
	for {
		select {
		case s.events <- ev:
			return
		default:
		}
		select {
		case <-s.events:
			s.dropped++
		default:
		}
	}
}

// finish emits the final Disconnected and closes the channel, once.
func (s *Session) finish(ev Disconnected) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	if !s.ready { // disconnected before Join returned: keep order anyway
		s.ready = true
		for _, p := range s.pending {
			s.push(p)
		}
		s.pending = nil
	}
	if r := s.endDrill(ev.At, DrillEnded, ev.Reason); r != nil {
		s.push(*r)
	}
	s.push(ev)
	s.closed = true
	close(s.events)
}

// onServerFrame sees each server→SDK frame after it has been forwarded.
func (s *Session) onServerFrame(messageType int, data []byte) {
	msg, ok := decodeSignal(messageType, data)
	if !ok {
		return
	}
	switch m := msg.Message.(type) {
	case *livekit.SignalResponse_RefreshToken:
		s.onRefresh(m.RefreshToken)
	case *livekit.SignalResponse_Leave:
		s.mu.Lock()
		s.leaveMsg = m.Leave
		s.mu.Unlock()
	case *livekit.SignalResponse_Join:
		s.track(func(t *tracker, now time.Time) []Event {
			s.roomBook.onRoom(m.Join.GetRoom())
			evs := t.join(m.Join, now)
			select {
			case <-s.joinSeen:
			default:
				close(s.joinSeen)
			}
			return evs
		})
		s.agents.onJoin(m.Join)
	case *livekit.SignalResponse_Update:
		s.track(func(t *tracker, now time.Time) []Event { return t.update(m.Update.GetParticipants(), now) })
		s.agents.onParticipants(m.Update.GetParticipants())
	case *livekit.SignalResponse_ConnectionQuality:
		s.track(func(t *tracker, now time.Time) []Event {
			if ev := t.connectionQuality(m.ConnectionQuality.GetUpdates(), now); ev != nil {
				return []Event{ev}
			}
			return nil
		})
	default:
		s.onLinkFrame(msg)
	}
}

// onLinkFrame applies the messages that only move a track's chain or the
// room's state.
func (s *Session) onLinkFrame(msg *livekit.SignalResponse) {
	switch m := msg.Message.(type) {
	case *livekit.SignalResponse_RoomUpdate:
		s.track(func(*tracker, time.Time) []Event { s.roomBook.onRoom(m.RoomUpdate.GetRoom()); return nil })
	case *livekit.SignalResponse_SubscriptionPermissionUpdate:
		s.track(func(*tracker, time.Time) []Event { s.chains.onPermission(m.SubscriptionPermissionUpdate); return nil })
	case *livekit.SignalResponse_SubscriptionResponse:
		s.track(func(*tracker, time.Time) []Event { s.chains.onSubscriptionError(m.SubscriptionResponse); return nil })
	case *livekit.SignalResponse_StreamStateUpdate:
		s.track(func(*tracker, time.Time) []Event { s.chains.onStreamState(m.StreamStateUpdate); return nil })
	case *livekit.SignalResponse_RequestResponse:
		s.onRequestResponse(m.RequestResponse)
	}
}

// clearSubscriptionError forgets a failed subscription once it succeeded.
func (s *Session) clearSubscriptionError(sid string) {
	s.mu.Lock()
	delete(s.chains.subErr, sid)
	s.mu.Unlock()
}

// track applies one signal message to the participant tracker and emits
// the events it produced, in order, then the room state and track chains
// that changed with them.
func (s *Session) track(apply func(*tracker, time.Time) []Event) {
	s.mu.Lock()
	now := s.cfg.Now()
	evs := apply(s.people, now)
	evs = append(evs, s.reviewRoomLocked(now)...)
	evs = append(evs, s.reviewChainsLocked(now)...)
	s.pushAll(evs)
	s.mu.Unlock()
}

func (s *Session) onRefresh(raw string) {
	now := s.cfg.Now()
	decoded, err := tokens.Decode(raw)
	s.mu.Lock()
	prev := s.token
	ev := TokenRefreshed{At: now, Token: raw, DecodeErr: err}
	if err == nil {
		ev.Decoded = decoded
		ev.Diff = tokens.Diff(prev, decoded)
		s.token = decoded
	}
	s.life.issued = append(s.life.issued, issued{raw: raw, tok: decoded, receivedAt: now})
	s.mu.Unlock()
	s.emit(ev)
}

func (s *Session) callbacks() *lksdk.RoomCallback {
	cb := lksdk.NewRoomCallback()
	cb.OnTrackPublished = func(pub *lksdk.RemoteTrackPublication, _ *lksdk.RemoteParticipant) {
		// The server subscribes us as the join asked; a later
		// SetAutoSubscribe is ours to apply. (The event itself comes from
		// the signal stream, see tracker.)
		if on := s.autoSub.Load(); on != s.cfg.AutoSubscribe {
			_ = pub.SetSubscribed(on)
		}
	}
	cb.OnTrackSubscribed = s.subscribed
	cb.OnTrackUnsubscribed = func(_ *webrtc.TrackRemote, pub *lksdk.RemoteTrackPublication, _ *lksdk.RemoteParticipant) {
		s.unsubscribed(pub.SID(), nil)
	}
	cb.OnDataPacket = func(data lksdk.DataPacket, params lksdk.DataReceiveParams) {
		if u, ok := data.(*lksdk.UserDataPacket); ok {
			s.emit(DataReceived{At: s.cfg.Now(), Identity: params.SenderIdentity, Topic: u.Topic, Text: string(u.Payload)})
		}
	}
	cb.OnActiveSpeakersChanged = func(ps []lksdk.Participant) {
		ids := make([]string, 0, len(ps))
		for _, p := range ps {
			ids = append(ids, p.Identity())
		}
		s.emit(ActiveSpeakers{At: s.cfg.Now(), Identities: ids})
	}
	cb.OnReconnecting = s.onReconnecting
	cb.OnReconnected = s.onReconnected
	cb.OnDisconnectedWithReason = func(reason lksdk.DisconnectionReason) {
		if s.leaving.Load() {
			// Leaving while the SDK reconnects makes it report giving up
			// (SIGNAL_CLOSE); the user's leave is the real reason.
			return
		}
		ev := Disconnected{At: s.cfg.Now(), Reason: string(reason)}
		if room := s.room.Load(); room != nil {
			if code := room.DisconnectReason(); code != livekit.DisconnectReason_UNKNOWN_REASON {
				ev.Code = code.String()
			}
		}
		s.mu.Lock()
		if ev.Code == "" && s.leaveMsg != nil && s.leaveMsg.GetReason() != livekit.DisconnectReason_UNKNOWN_REASON {
			ev.Code = s.leaveMsg.GetReason().String()
		}
		if ev.Code != "" {
			ev.Reason = describeDisconnect(ev.Code)
		}
		s.explainGiveUp(&ev)
		s.mu.Unlock()
		s.sdkGone.Store(true)
		s.finish(ev)
		// The SDK is inside its own teardown here; release the relay from
		// another goroutine (Leave waits for it).
		go s.Leave()
	}
	return cb
}

// participantOf is the SDK's view of a participant, for when the join
// response was not seen.
func participantOf(p lksdk.Participant) Participant {
	return Participant{
		Identity:   p.Identity(),
		Name:       p.Name(),
		SID:        p.SID(),
		Metadata:   p.Metadata(),
		Attributes: maps.Clone(p.Attributes()),
	}
}

// trackOf is the SDK's view of a track, for our own publications and
// subscriptions (the roster's tracks come from the signal stream).
func trackOf(pub lksdk.TrackPublication) Track {
	t := Track{SID: pub.SID(), Name: pub.Name(), Kind: string(pub.Kind())}
	if src := pub.Source(); src != livekit.TrackSource_UNKNOWN {
		t.Source = src.String()
	}
	return t
}
