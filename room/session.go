package room

import (
	"context"
	"crypto/x509"
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
	// Now stamps events; nil means time.Now.
	Now func() time.Time
	// AgentTimeout is how long a requested agent may take to join before
	// AgentMissing is reported; 0 means DefaultAgentTimeout.
	AgentTimeout time.Duration
	// KnownAgents, when set, lists the agent names of workers the caller
	// knows to be registered with the server at serverURL (workers it runs
	// itself, say); a missing agent is compared against them for case and
	// typo mismatches.
	KnownAgents func(serverURL string) []string
	// Log receives the SDK's per-room logging; nil discards it (it would
	// otherwise go to stderr, under a terminal UI). Pion's WebRTC logging is
	// process-wide in the SDK and always discarded.
	Log *slog.Logger
	// Topics are the text and byte stream topics received besides
	// DefaultTopics. The SDK drops streams on any other topic; the session
	// reports them as StreamUnhandled.
	Topics []string
	// RPC maps methods to their handlers, registered before joining so
	// that no early call finds them missing.
	RPC map[string]RPCHandler

	// Block reproduces a hostile network between us and the server by
	// dropping or redirecting ICE candidates in the relay (see Block);
	// zero blocks nothing.
	Block Block
	// RootCAs, when set, are the authorities trusted for a wss:// or
	// https:// server's certificate, instead of the system's.
	RootCAs *x509.CertPool
	// ICETCP lets media use the server's ICE/TCP candidates. The SDK's
	// WebRTC stack (pion) gathers no TCP candidates, so without this it
	// ignores them; with it, the relay gives the SDK a loopback UDP
	// candidate for each and carries its packets to the server over TCP
	// (see Candidate.Bridge). Path reports such a path as TCP.
	ICETCP bool
	// RelayOnly makes ICE use TURN relay candidates only, through the TURN
	// servers of the join response (iceTransportPolicy "relay"). With no
	// TURN server handed out, media cannot connect.
	RelayOnly bool
	// NoTURN drops the TURN servers of the join response (STUN stays), so
	// media cannot fall back to a relay.
	NoTURN bool
	// ConnectTimeout bounds the SDK's connect, from the signal dial to the
	// peer connection being up; 0 means the SDK's default, 5 s.
	ConnectTimeout time.Duration
	// FailoverURLs are the URLs of one deployment (the nodes of a
	// self-hosted cluster), in order. When the token source's server URL
	// is one of them, the relay fails over to the others, in this order,
	// whenever it cannot reach the server or loses its connection; each
	// switch is a Failover event. A session on another server ignores
	// them, so a caller that runs one deployment may set them for every
	// join.
	FailoverURLs []string
	// RegionsURL is where to fetch the region list (LiveKit Cloud's
	// /settings/regions format) that the relay fails over along. Empty
	// means what the SDK does: https://<host>/settings/regions for
	// *.livekit.cloud server URLs, no region discovery otherwise.
	RegionsURL string
}

// RefreshAttribute is the participant attribute TriggerRefresh sets to the
// current time; changing it makes the server push a refreshed token.
const RefreshAttribute = "lkdash.refreshed_at"

// ErrNoCredentials is returned by TriggerRefresh without an API key/secret.
var ErrNoCredentials = errors.New("room: refreshing needs the API key and secret (Config.APIKey, Config.APISecret)")

// Session is one room session. Events arrive on Events until Disconnected
// (or JoinFailed, for a join that never succeeded), after which the
// channel is closed.
type Session struct {
	cfg      Config
	progress bool // emit JoinProgress (sessions from Connect)

	// Set by the join before Connected is emitted, read-only afterwards;
	// mu guards them for callers that ask while the join runs.
	resp   tokens.Response
	relay  *relay
	room   atomic.Pointer[lksdk.Room]
	agents *dispatchWatch

	events chan Event

	mu       sync.Mutex
	token    *tokens.Token
	ready    bool    // Connected has been emitted
	pending  []Event // events seen while the join was still running
	closed   bool    // Disconnected (or JoinFailed) emitted, channel closed
	dropped  int64
	people   *tracker              // participants, from the signal stream
	joinSeen chan struct{}         // closed once the join response was tracked
	leaveMsg *livekit.LeaveRequest // last leave the server sent
	node     string                // the server node hosting the room, from the last join or reconnect response
	life     lifecycle
	net      netState  // what the signal connection said about the media path
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
	streams   streamCounts
	autoSub   atomic.Bool   // subscribe to what others publish (Config.AutoSubscribe, then SetAutoSubscribe)
	stopStats chan struct{} // closed by Leave to end the stats loop

	cancelJoin context.CancelFunc // ends a join still under way
	joinDone   chan struct{}      // closed once the join succeeded or failed
	joinErr    *JoinError         // why it failed; valid once joinDone is closed
	joined     atomic.Bool        // the SDK joined and the session is usable

	sdkGone   atomic.Bool // the SDK ended the session itself (server gone, kicked…)
	leaving   atomic.Bool // Leave has begun: its Disconnected is the one that counts
	leaveOnce sync.Once
	finished  chan struct{} // closed once Leave has shut the relay
}

// Join fetches a token from src, starts the signal relay and joins the room.
// It returns after the SDK has joined (or failed), with a session whose
// events begin with Connected. ctx bounds the whole join, not the session:
// it may end once Join has returned. Failures are *JoinError. The SDK
// makes one attempt: it retries only across LiveKit Cloud regions, and
// behind the relay it never sees a Cloud URL.
func Join(ctx context.Context, src tokens.ConfigurableSource, opts tokens.Options, cfg Config) (*Session, error) {
	s := newSession(cfg, false)
	if err := s.join(ctx, src, opts); err != nil {
		s.fail(err)
		return nil, err
	}
	return s, nil
}

// Connect is Join in the background, for a caller that shows the join as
// it goes: it returns at once, and the session's events begin with a
// JoinProgress for each step (fetching the token, connecting), then
// Connected; or, when the join fails, JoinFailed, after which the channel
// closes. ctx bounds the join, not the session; Leave ends it either way.
// Joined waits for the outcome.
func Connect(ctx context.Context, src tokens.ConfigurableSource, opts tokens.Options, cfg Config) *Session {
	s := newSession(cfg, true)
	ctx, s.cancelJoin = context.WithCancel(ctx)
	go func() {
		defer s.cancelJoin() // the join is over; the session does not use ctx
		if err := s.join(ctx, src, opts); err != nil {
			s.fail(err)
		}
	}()
	return s
}

func newSession(cfg Config, progress bool) *Session {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Session{
		cfg:        cfg,
		progress:   progress,
		events:     make(chan Event, EventBuffer),
		people:     newTracker(),
		chains:     newChainBook(),
		joinSeen:   make(chan struct{}),
		joinDone:   make(chan struct{}),
		finished:   make(chan struct{}),
		stopStats:  make(chan struct{}),
		cancelJoin: func() {},
	}
	s.autoSub.Store(cfg.AutoSubscribe)
	return s
}

// Joined waits until the join succeeded (nil) or failed (its *JoinError),
// or ctx ends (ctx's error; the join goes on).
func (s *Session) Joined(ctx context.Context) error {
	select {
	case <-s.joinDone:
		if s.joinErr != nil {
			return s.joinErr
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// step reports a join step (Connect only; a Join's caller is waiting).
func (s *Session) step(step JoinStep, detail string) {
	if !s.progress {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.push(JoinProgress{At: s.cfg.Now(), Step: step, Detail: detail})
}

// join does the work of Join and Connect, and closes joinDone.
func (s *Session) join(ctx context.Context, src tokens.ConfigurableSource, opts tokens.Options) (err *JoinError) {
	defer func() {
		s.joinErr = err
		close(s.joinDone)
	}()
	if src == nil {
		return &JoinError{Reason: ReasonTokenSource, Err: errors.New("no token source")}
	}
	s.step(StepFetchingToken, "")
	resp, ferr := src.Fetch(ctx, opts)
	if ferr != nil {
		return sourceError(ferr)
	}
	if resp.ServerURL == "" {
		return &JoinError{Reason: ReasonTokenSource, Err: errors.New("the token source returned no server URL")}
	}
	tok, jerr := preflight(resp.ParticipantToken)
	if jerr != nil {
		jerr.ServerURL = resp.ServerURL
		return jerr
	}
	statsFactory, serr := s.recv.statsInterceptor()
	if serr != nil {
		return &JoinError{Reason: ReasonOther, Err: serr, ServerURL: resp.ServerURL}
	}
	rl, rerr := newRelay(resp.ServerURL, s.onServerFrame)
	if rerr != nil {
		return &JoinError{Reason: ReasonBadURL, Err: rerr, ServerURL: resp.ServerURL}
	}
	rl.trust(s.cfg.RootCAs)
	if err := rl.watchCandidates(s.cfg.Block, s.cfg.ICETCP, s.noteCandidate); err != nil {
		rl.Close()
		return &JoinError{Reason: ReasonOther, Err: err, ServerURL: resp.ServerURL}
	}
	s.mu.Lock()
	s.resp, s.token, s.relay = resp, tok, rl
	s.life.issued = []issued{{raw: resp.ParticipantToken, tok: tok, receivedAt: s.cfg.Now()}}
	s.agents = newDispatchWatch(s, tok, opts)
	s.mu.Unlock()
	if ferr := s.setUpFailover(ctx); ferr != nil {
		rl.Close()
		return &JoinError{Reason: ReasonBadURL, Err: ferr, ServerURL: resp.ServerURL}
	}
	// After a failover the API calls follow the session (see apiURL).
	s.agents.setClient(rl.apiURL(), s.cfg.APIKey, s.cfg.APISecret)
	rl.setOnDial(s.onDial)

	sdkquiet.Silence()
	s.step(StepConnecting, resp.ServerURL)
	room := lksdk.NewRoom(s.callbacks())
	s.room.Store(room)
	if err := s.register(room); err != nil {
		s.agents.close()
		rl.Close()
		return &JoinError{Reason: ReasonOther, Err: err, ServerURL: resp.ServerURL}
	}
	// The SDK keeps the context it joins with for every reconnect dial of
	// the session, so it gets one that outlives ctx; ctx still bounds the
	// join: its end cancels that context and aborts the relay (the SDK
	// checks /rtc/validate with a fresh 3 s timeout, and the relay's
	// upstream dial would wait out its handshake timeout).
	// (Room.Disconnect ends the SDK's own work; the context is left alone.)
	sdkCtx, cancelSDK := context.WithCancel(context.WithoutCancel(ctx))
	stopAbort := context.AfterFunc(ctx, func() { rl.abort(); cancelSDK() })
	stopWatch := s.watchChecks(room)
	err2 := room.JoinWithContextAndToken(sdkCtx, rl.URL(), resp.ParticipantToken, s.connectOptions(statsFactory)...)
	stopWatch()
	if !stopAbort() && err2 == nil {
		err2 = ctx.Err() // joined, but the relay was aborted as ctx ended
	}
	if err2 != nil {
		cancelSDK()
		return s.withNetwork(s.joinFailed(ctx, err2, room, rl, tok))
	}
	s.joined.Store(true)
	s.connected(room)
	return nil
}

// joinFailed tears down a join the SDK gave up on and says why: the
// server's refusal when it refused, else what the SDK and the relay saw.
func (s *Session) joinFailed(ctx context.Context, err error, room *lksdk.Room, rl *relay, tok *tokens.Token) *JoinError {
	upstream := rl.upstreamErr()
	room.Disconnect()
	s.agents.close()
	rl.Close()
	je := classify(ctx, err, upstream, s.resp.ParticipantToken, s.resp.ServerURL)
	je.Err = unrelay(je.Err, rl)
	s.mu.Lock()
	refusal := s.joinRefusal
	s.mu.Unlock()
	if refusal != nil && upstream == nil {
		if why := notUpgraded(*refusal, s.resp.ServerURL, je.Reason != ReasonBadURL); why != nil {
			return why
		}
		if why := explainRefusal(ctx, *refusal, tok, s.cfg, s.resp.ServerURL); why != nil {
			return why
		}
	}
	return je
}

// fail ends a session whose join failed: JoinFailed (Connect only: Join
// returns the error instead), then the channel closes.
func (s *Session) fail(err *JoinError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	if s.progress {
		s.push(JoinFailed{At: s.cfg.Now(), Err: err})
	}
	s.closed = true
	close(s.events)
}

// register sets up what must exist before the room is joined: stream
// handlers and RPC methods.
func (s *Session) register(room *lksdk.Room) error {
	errs := []error{s.receiveStreams(room)}
	for method, h := range s.cfg.RPC {
		errs = append(errs, s.handleRPC(room, method, h))
	}
	return errors.Join(errs...)
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
		ev.ServerVersion, ev.ServerRegion, ev.ServerNode = info.GetVersion(), info.GetRegion(), info.GetNodeId()
	}
	ev.Upstream, ev.Regions = s.relay.joinedVia()
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
	ev.Token = s.life.issued[0].tok
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

// Response is what the token source returned (zero until the token is
// fetched).
func (s *Session) Response() tokens.Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.resp
}

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

// Leave disconnects, emits Disconnected (if the server did not end the
// session first), closes Events and shuts the relay once the SDK's leave
// request has gone through. A join still under way (Connect) is abandoned
// and ends with JoinFailed instead. Like Room.Disconnect, it does not wait
// for the SDK to finish closing its peer connections, which happens in the
// background within moments. Safe to call more than once, from any
// goroutine.
func (s *Session) Leave() {
	s.end(Disconnected{Reason: describeDisconnect("CLIENT_INITIATED"), Code: "CLIENT_INITIATED"})
}

// Abort ends the session at once from outside, for a caller that knows it
// cannot go on: the server it runs on has exited, say, which the SDK would
// otherwise take about a minute of reconnect attempts to give up on. The
// final Disconnected carries code (the caller's own, e.g. "SERVER_EXITED"),
// reason and detail (lines that explain, such as the end of a server log).
// After Leave, or once the session has ended, it does nothing.
func (s *Session) Abort(code, reason string, detail []string) {
	if s.leaving.Load() {
		return
	}
	s.end(Disconnected{Reason: reason, Code: code, Detail: detail})
}

// Done is closed once the session is over and its relay shut (after Leave,
// Abort, the server ending it, or a failed join).
func (s *Session) Done() <-chan struct{} { return s.finished }

// end shuts the session down once, with last as its final event.
func (s *Session) end(last Disconnected) {
	s.leaveOnce.Do(func() {
		s.leaving.Store(true)
		s.cancelJoin()
		<-s.joinDone
		if s.joinErr != nil { // the join failed: its JoinFailed ended the stream
			close(s.finished)
			return
		}
		s.mu.Lock()
		s.leftAt = s.cfg.Now()
		s.mu.Unlock()
		s.agents.close()
		if room := s.room.Load(); room != nil && !s.sdkGone.Load() {
			room.Disconnect()
		}
		s.relay.Close()
		close(s.stopStats)
		last.At = s.cfg.Now()
		s.mu.Lock()
		if s.life.episode.active {
			last.ReconnectAttempts = s.life.episode.attempts
		}
		s.mu.Unlock()
		s.finish(last)
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
	room, err := s.liveRoom()
	if err != nil {
		return err
	}
	// One attribute, not the metadata: the server merges attributes by key,
	// so the participant's own metadata and attributes survive the demo.
	client := lksdk.NewRoomServiceClient(s.relay.apiURL(), s.cfg.APIKey, s.cfg.APISecret)
	_, err = client.UpdateParticipant(ctx, &livekit.UpdateParticipantRequest{
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

// onServerFrame sees each server→SDK frame after it has been forwarded
// (the join or reconnect response before).
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
		if m.Leave.GetAction() != livekit.LeaveRequest_DISCONNECT {
			s.relay.leaveRegions(m.Leave.GetRegions())
		}
	case *livekit.SignalResponse_Reconnect:
		s.onServerInfo(m.Reconnect.GetServerInfo())
	case *livekit.SignalResponse_Join:
		s.onServerInfo(m.Join.GetServerInfo())
		s.track(func(t *tracker, now time.Time) []Event {
			s.noteJoinResponse(m.Join)
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
		s.trackScoped(func(*tracker, time.Time) ([]Event, chainScope) {
			s.chains.onPermission(m.SubscriptionPermissionUpdate)
			return nil, s.chains.scopeOfTracks(m.SubscriptionPermissionUpdate.GetTrackSid())
		})
	case *livekit.SignalResponse_SubscriptionResponse:
		s.trackScoped(func(*tracker, time.Time) ([]Event, chainScope) {
			s.chains.onSubscriptionError(m.SubscriptionResponse)
			return nil, s.chains.scopeOfTracks(m.SubscriptionResponse.GetTrackSid())
		})
	case *livekit.SignalResponse_StreamStateUpdate:
		s.trackScoped(func(*tracker, time.Time) ([]Event, chainScope) {
			s.chains.onStreamState(m.StreamStateUpdate)
			var sids []string
			for _, st := range m.StreamStateUpdate.GetStreamStates() {
				sids = append(sids, st.GetTrackSid())
			}
			return nil, s.chains.scopeOfTracks(sids...)
		})
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
	s.trackScoped(func(t *tracker, now time.Time) ([]Event, chainScope) {
		first := !t.joined
		evs := apply(t, now)
		if first && t.joined {
			return evs, allChains
		}
		return evs, scopeOfEvents(evs, t.local)
	})
}

// trackScoped is track for messages that know which chains they touch.
func (s *Session) trackScoped(apply func(*tracker, time.Time) ([]Event, chainScope)) {
	s.mu.Lock()
	now := s.cfg.Now()
	evs, scope := apply(s.people, now)
	evs = append(evs, s.reviewRoomLocked(now)...)
	evs = append(evs, s.reviewChainsLocked(now, scope)...)
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
			s.emit(DataReceived{At: s.cfg.Now(), Identity: params.SenderIdentity, Topic: u.Topic, Text: string(u.Payload),
				Size: len(u.Payload), Preview: Preview(u.Payload)})
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
