// Package room joins a LiveKit room with a token from any token source and
// turns what happens there into typed events, including the refreshed
// tokens the server pushes, which the Go SDK applies but never exposes.
//
// # Joining through a source
//
// Join takes a tokens.ConfigurableSource and tokens.Options, the same pair
// the client SDKs' token source API takes: it fetches a token (one that is
// not a JWT fails at once; expiry and signature are left to the server,
// whose leeway is the truth), connects with server-sdk-go and returns a
// *Session once the room is joined. Wrap the source with tokens.NewCaching
// to reuse a still-valid token across joins. A failed join is a *JoinError whose
// Reason (ReasonExpired, ReasonBadSignature, ReasonUnreachable, …) says
// why in one word, for code, and whose message says it for people.
// Connect does the same in the background for a caller that shows the join
// as it goes: the session comes back at once and its events report each
// step (JoinProgress), then Connected, or JoinFailed.
//
// # The event stream
//
// Session.Events delivers what happens in the session as values of the
// Event types in this package: Connected first, with everyone already in
// the room; then, as they happen, participants arriving and leaving
// (ParticipantJoined, ParticipantLeft, with why), their names, metadata,
// attributes, kinds and permissions changing, tracks published, muted,
// updated and subscribed with their receive statistics (TrackStats), data
// messages, active speakers, connection quality, reconnects and
// TokenRefreshed; and Disconnected last, after which the channel is
// closed. Switch on the concrete type; every type is listed, with its JSON
// form, in docs/json.md. Participant changes are read from the server's
// signal messages, which carry what the SDK's callbacks do not (renames,
// permissions, mutes, kinds, leave reasons); Roster keeps a participant
// list up to date from the events. The channel holds EventBuffer events; a
// reader that falls further behind loses the oldest ones (counted by
// Session.Dropped) rather than stalling the SDK. Session.Leave ends the
// session from our side, Session.Abort ends it with the caller's own
// reason (when it knows the server is gone, say), and MarshalEvent renders an event as the JSON line
// `lkdash join` prints.
//
// # Publishing, subscribing and agents
//
// A session can also act: PublishDemo publishes an embedded test pattern
// and tone, PublishFile a media file (see FileTypes), PublishData a data
// message; SetAutoSubscribe subscribes to what others publish, after which
// TrackStats reports what arrives. With the API key and secret in Config,
// CreateDispatch and DeleteDispatch manage agent dispatches, and
// AgentDispatch, AgentJoined and AgentMissing events follow each one to
// the agent joining, or to the likely reason it did not.
//
// # Data, streams and RPC
//
// Every message that reaches the session is an event that implements
// DataEvent (its Data method gives sender, topic, kind, size and a safe
// Preview, for one list of them all): DataReceived for a data packet,
// TextStreamReceived for a text stream once whole, ByteStreamProgress and
// ByteStreamReceived for a byte stream, RPCRequest for a call to one of
// Config.RPC's methods. Streams are received on DefaultTopics and
// Config.Topics (Session.ReceiveTopic adds one later); the SDK drops a
// stream on any other topic without a word, and the session reports it
// as StreamUnhandled, counted by topic (Session.Unhandled). Sending:
// PublishData (refusing a packet over MaxDataPacket, which the SDK would
// drop silently), SendText, SendFile and CallRPC, whose RPCResult names
// a failure's code and likely cause. An agent's lk.agent.state is read by
// Participant.AgentState and reported as AgentStateChanged; transcription
// streams become Transcription events, attributed to whose speech they
// transcribe.
//
// # Why media does not flow, and the room itself
//
// For every audio and video track, TrackChain lays out the links between
// it and the media with the first one that fails and why: for a remote
// track, published (muted?) → may subscribe (canSubscribe) → allowed by
// the publisher (its track subscription permissions) → subscribed (or the
// server's refusal) → stream active (video paused for bandwidth) → media
// arriving (receive statistics); for ours, may publish (canPublish,
// canPublishSources) → published. A publication the server refuses fails
// at once with a *PublishRefusedError naming the grant, where the SDK
// would wait out a timeout. RoomState is the room as the server reports
// it (settings, metadata, recording) with the participants we see, and
// says when we are the last one in it and how long the room outlives us;
// after Leave, RoomAfterLeave asks whether it still exists (LookupRoom).
// A join the server refuses because the room is full is a JoinError with
// ReasonRoomFull when the key pair lets lkdash ask RoomService.
//
// # The network path
//
// The relay also reads every ICE candidate either side offers (trickles,
// and candidate lines in offers and answers). Session.Network says who
// the server is, the ICE servers it handed out (never their credentials)
// and each candidate; a *JoinError carries the same, with the
// connectivity checks that went unanswered, when the signal worked and
// media did not. Session.Path is the candidate pair media took and its
// round-trip time, in one line ("UDP host↔host 0.8 ms"); SendStats is
// what our tracks sent and what the server's receiver reports say.
// Config.Block reproduces a hostile network by dropping or redirecting
// candidates (see Block); Config.ICETCP lets the SDK, whose WebRTC stack
// has no ICE/TCP, use the server's TCP candidates through the relay;
// RelayOnly, NoTURN, RootCAs and ConnectTimeout tune the rest.
//
// # Reconnects and drills
//
// Each signal dial the SDK makes after a connection loss is a
// ReconnectAttempt event: resume or full rejoin, which token it presented
// (a TokenRef: the original or the Nth refresh) and the server's answer.
// Session.Drill makes the SDK live through a reconnect scenario on purpose
// (see Drills and ParseDrill); DrillStarted and DrillResult bracket it,
// with the recovery time. Session.Summary lays the session's tokens out on
// a time axis (TokenWindow): when each arrived, started and expires.
//
// # Nodes and failover
//
// Connected names the server node hosting the room (ServerNode), and
// NodeChanged follows when a rejoin lands on another node, as after the
// node's death. The relay keeps the failover the SDK does only for LiveKit
// Cloud URLs (which it never sees behind the relay): it fetches Cloud's
// region list (or Config.RegionsURL's) and, given Config.FailoverURLs for
// a self-hosted deployment, dials the next address in the SDK's order when
// one cannot be reached or its connection is lost; each switch is a
// Failover event, and ReconnectAttempt names the address each dial ended
// at. Session.DrillNode runs the drills that end the node hosting the room
// (NodeDrills): the caller, who runs the servers, kills or stops it, and
// DrillResult says how the session came back, on which node and through
// which address.
//
// # Refreshed tokens
//
// livekit-server pushes a new token to every participant right after it
// joins, every 5 minutes, and whenever the participant's name, metadata,
// attributes or permissions change. The SDK keeps it (it reconnects with
// it) but has no callback for it, so Join runs a loopback WebSocket relay
// between the SDK and the server that reads the server's signal messages
// on the way through. Each refresh arrives as a TokenRefreshed event with
// the raw token, its decoded claims and a tokens.TokenDiff against the
// previous token: how the lifetime moved (a refresh can shorten it) and
// which claims changed. Session.Token is always the latest one, and
// Session.TriggerRefresh makes the server send one now (it needs the API
// key and secret in Config).
package room
