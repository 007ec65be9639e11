package room

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"

	"github.com/lkdash/lkdash/tokens"
)

// DefaultAgentTimeout is how long a requested agent may take to join
// before AgentMissing is reported.
const DefaultAgentTimeout = 10 * time.Second

// AgentNameAttribute is the participant attribute livekit-server gives an
// agent participant: the agent name its worker registered.
const AgentNameAttribute = "lk.agent_name"

// Poll cadence of the AgentDispatch API: quick while an agent is awaited,
// slow afterwards (dispatches others create still show up).
const (
	pollBusy = time.Second
	pollIdle = 5 * time.Second
	tick     = 200 * time.Millisecond
)

// dispatchWatch follows the room's agent dispatches: those the token asks
// for, those the API lists, and the agent participants that arrive.
type dispatchWatch struct {
	s       *Session
	timeout time.Duration
	known   func(serverURL string) []string
	client  *lksdk.AgentDispatchClient // nil without API key and secret

	stop     chan struct{}
	done     chan struct{}
	poke     chan struct{} // poll now: an agent arrived whose job we may not know
	started  bool
	stopOnce sync.Once

	mu          sync.Mutex
	items       []*dispatchItem
	joinedAt    time.Time // the server accepted our join
	ourJoinMs   int64     // our joined_at_ms, by the server's clock
	roomName    string
	roomCreated time.Time
	othersAt    int               // non-agent participants present when we joined
	polled      bool              // the API has answered at least once
	agents      map[string]string // identity → agent name of agents in the room
}

type dispatchItem struct {
	d          Dispatch
	deadline   time.Time
	serverSeen bool // the API has listed it
}

func newDispatchWatch(s *Session, tok *tokens.Token, opts tokens.Options) *dispatchWatch {
	w := &dispatchWatch{
		s:       s,
		timeout: s.cfg.AgentTimeout,
		known:   s.cfg.KnownAgents,
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
		poke:    make(chan struct{}, 1),
		agents:  map[string]string{},
	}
	if w.timeout <= 0 {
		w.timeout = DefaultAgentTimeout
	}
	for _, a := range tok.AgentDispatches() {
		w.items = append(w.items, &dispatchItem{d: Dispatch{AgentName: a.Name, Metadata: a.Metadata, Origin: FromToken, State: DispatchRequested}})
	}
	if opts.HasAgent() && len(w.items) == 0 {
		w.items = append(w.items, &dispatchItem{d: Dispatch{AgentName: opts.AgentName, Metadata: opts.AgentMetadata, Origin: FromRequest, State: DispatchRequested}})
	}
	return w
}

// setClient enables the AgentDispatch API once the server URL is known.
func (w *dispatchWatch) setClient(httpBase, key, secret string) {
	if key != "" && secret != "" {
		w.client = lksdk.NewAgentDispatchServiceClient(httpBase, key, secret)
	}
}

// onJoin starts the clock: the room exists now, and so do its dispatches.
func (w *dispatchWatch) onJoin(j *livekit.JoinResponse) {
	now := w.s.cfg.Now()
	var evs []Event
	w.mu.Lock()
	if w.started {
		w.mu.Unlock()
		return
	}
	w.started = true
	w.joinedAt = now
	w.roomName = j.GetRoom().GetName()
	w.ourJoinMs = j.GetParticipant().GetJoinedAtMs()
	if ms := j.GetRoom().GetCreationTimeMs(); ms > 0 {
		w.roomCreated = time.UnixMilli(ms)
	} else if sec := j.GetRoom().GetCreationTime(); sec > 0 {
		w.roomCreated = time.Unix(sec, 0)
	}
	for _, p := range j.GetOtherParticipants() {
		if p.GetKind() != livekit.ParticipantInfo_AGENT {
			w.othersAt++
		}
	}
	_, running, _ := w.roomExisted()
	for _, it := range w.items {
		it.deadline = now.Add(w.timeout)
		evs = append(evs, w.changed(it, now))
		if running && it.d.Origin == FromToken {
			// Verified against livekit-server v1.13.5: nothing will come.
			// An agent that does turn up still moves the item to joined.
			it.d.State = DispatchIgnored
			evs = append(evs, w.changed(it, now), w.missing(it, now, 0))
		}
	}
	for _, p := range j.GetOtherParticipants() {
		if p.GetKind() == livekit.ParticipantInfo_AGENT {
			evs = append(evs, w.agentArrived(p, now, true)...)
		}
	}
	w.mu.Unlock()
	w.emit(evs)
	go w.loop()
}

// onParticipants notices agents arriving and leaving in signal updates.
func (w *dispatchWatch) onParticipants(infos []*livekit.ParticipantInfo) {
	now := w.s.cfg.Now()
	var evs []Event
	w.mu.Lock()
	if !w.started {
		w.mu.Unlock()
		return
	}
	for _, p := range infos {
		if p.GetKind() != livekit.ParticipantInfo_AGENT {
			continue
		}
		if p.GetState() == livekit.ParticipantInfo_DISCONNECTED {
			delete(w.agents, p.GetIdentity())
			continue
		}
		if _, seen := w.agents[p.GetIdentity()]; !seen {
			evs = append(evs, w.agentArrived(p, now, false)...)
		}
	}
	w.mu.Unlock()
	w.emit(evs)
}

// agentArrived matches an agent participant to a dispatch: by the job's
// participant identity, else by agent name; w.mu must be held.
func (w *dispatchWatch) agentArrived(p *livekit.ParticipantInfo, now time.Time, already bool) []Event {
	id, name := p.GetIdentity(), p.GetAttributes()[AgentNameAttribute]
	w.agents[id] = name
	it := w.find(func(it *dispatchItem) bool {
		return slices.ContainsFunc(it.d.Jobs, func(j DispatchJob) bool { return j.Participant == id })
	})
	if it == nil { // one still awaited beats one given up (ignored, missing)
		it = w.find(func(it *dispatchItem) bool {
			return it.d.AgentName == name && it.d.Agent == "" &&
				(it.d.State == DispatchRequested || it.d.State == DispatchJobAssigned)
		})
	}
	if it == nil {
		it = w.find(func(it *dispatchItem) bool { return it.d.AgentName == name && it.d.Agent == "" })
	}
	if it == nil {
		src := FromAPI
		if name == "" {
			src = FromAutomatic
		}
		it = &dispatchItem{d: Dispatch{AgentName: name, Origin: src}}
		w.items = append(w.items, it)
	}
	it.d.State, it.d.Agent = DispatchAgentJoined, id
	if it.d.ID == "" {
		select {
		case w.poke <- struct{}{}:
		default:
		}
	}
	seen := now.Sub(w.joinedAt)
	since := seen
	if ms := p.GetJoinedAtMs(); ms > 0 && w.ourJoinMs > 0 {
		since = time.Duration(ms-w.ourJoinMs) * time.Millisecond
	}
	if already {
		since, seen = 0, 0
	}
	return []Event{w.changed(it, now), AgentJoined{
		At: now, AgentName: name, Identity: id, DispatchID: it.d.ID, Origin: it.d.Origin,
		SinceJoin: since, SeenAfter: seen, AlreadyThere: already,
	}}
}

func (w *dispatchWatch) find(match func(*dispatchItem) bool) *dispatchItem {
	for _, it := range w.items {
		if match(it) {
			return it
		}
	}
	return nil
}

// changed is the AgentDispatch event for an item's current state.
func (w *dispatchWatch) changed(it *dispatchItem, now time.Time) Event {
	d := it.d
	d.Jobs = slices.Clone(d.Jobs)
	return AgentDispatch{At: now, Dispatch: d}
}

func (w *dispatchWatch) emit(evs []Event) {
	for _, ev := range evs {
		w.s.emit(ev)
	}
}

// loop polls the API and reports agents that miss their deadline, until
// close.
func (w *dispatchWatch) loop() {
	defer close(w.done)
	// The join response started the clock; the first API poll waits for
	// the join to finish, so that it does not compete with ICE and DTLS
	// for the CPU (2.5 ms of a 60 ms join, BenchmarkJoinProcess).
	select {
	case <-w.s.joinDone:
	case <-w.stop:
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-w.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	t := time.NewTicker(tick)
	defer t.Stop()
	var lastPoll time.Time
	for {
		now := w.s.cfg.Now()
		if w.client != nil {
			every := pollIdle
			if w.awaiting() {
				every = pollBusy
			}
			if now.Sub(lastPoll) >= every {
				lastPoll = now
				w.poll(ctx)
			}
		}
		w.checkDeadlines()
		select {
		case <-w.stop:
			return
		case <-t.C:
		case <-w.poke:
			lastPoll = time.Time{}
		}
	}
}

// awaiting reports whether some dispatch still waits for its agent.
func (w *dispatchWatch) awaiting() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.find(func(it *dispatchItem) bool {
		return it.d.State == DispatchRequested || it.d.State == DispatchJobAssigned
	}) != nil
}

// close stops the loop and waits for it; safe before onJoin and twice.
func (w *dispatchWatch) close() {
	w.stopOnce.Do(func() { close(w.stop) })
	w.mu.Lock()
	started := w.started
	w.started = true // a late join frame must not start the loop now
	w.mu.Unlock()
	if started {
		<-w.done
	}
}

// poll lists the room's dispatches and merges them in.
func (w *dispatchWatch) poll(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	w.mu.Lock()
	roomName := w.roomName
	w.mu.Unlock()
	resp, err := w.client.ListDispatch(ctx, &livekit.ListAgentDispatchRequest{Room: roomName})
	if err != nil {
		return // transient; the next poll retries, the deadline still applies
	}
	w.merge(resp.GetAgentDispatches())
}

// merge folds the server's list into the items; w.mu must not be held.
func (w *dispatchWatch) merge(list []*livekit.AgentDispatch) {
	now := w.s.cfg.Now()
	var evs []Event
	w.mu.Lock()
	w.polled = true
	listed := map[*dispatchItem]bool{}
	for _, sd := range list {
		it := w.find(func(it *dispatchItem) bool { return it.d.ID == sd.GetId() })
		if it == nil {
			it = w.find(func(it *dispatchItem) bool {
				// Token items carry the metadata; items made for an agent
				// that simply turned up know none.
				return it.d.ID == "" && it.d.Origin != FromRequest && it.d.AgentName == sd.GetAgentName() &&
					(it.d.Metadata == sd.GetMetadata() || it.d.Metadata == "")
			})
		}
		jobs := jobsOf(sd)
		if it == nil {
			if sd.GetAgentName() == "" && len(jobs) == 0 {
				continue // the idle automatic dispatch of every new room: noise
			}
			src := FromAPI
			if sd.GetAgentName() == "" {
				src = FromAutomatic
			}
			it = &dispatchItem{d: Dispatch{AgentName: sd.GetAgentName(), Metadata: sd.GetMetadata(), Origin: src, State: DispatchRequested}, deadline: now.Add(w.timeout)}
			w.items = append(w.items, it)
			it.d.ID = sd.GetId()
			it.d.Jobs = jobs
			if len(jobs) > 0 && it.d.State == DispatchRequested {
				it.d.State = DispatchJobAssigned
			}
			it.serverSeen = true
			listed[it] = true
			evs = append(evs, w.changed(it, now))
			continue
		}
		listed[it] = true
		it.serverSeen = true
		before := it.d
		it.d.ID, it.d.Metadata = sd.GetId(), sd.GetMetadata()
		it.d.Jobs = jobs
		if it.d.State == DispatchIgnored { // the server did take it after all
			it.d.State = DispatchRequested
		}
		if len(jobs) > 0 && it.d.State == DispatchRequested {
			it.d.State = DispatchJobAssigned
		}
		if before.ID != it.d.ID || before.State != it.d.State || !slices.Equal(before.Jobs, it.d.Jobs) {
			evs = append(evs, w.changed(it, now))
		}
	}
	for _, it := range w.items {
		if it.serverSeen && !listed[it] && it.d.State != DispatchDeleted {
			it.d.State = DispatchDeleted
			evs = append(evs, w.changed(it, now))
		}
	}
	w.mu.Unlock()
	w.emit(evs)
}

func jobsOf(sd *livekit.AgentDispatch) []DispatchJob {
	var out []DispatchJob
	for _, j := range sd.GetState().GetJobs() {
		out = append(out, DispatchJob{
			ID:          j.GetId(),
			Status:      j.GetState().GetStatus().String(),
			Participant: j.GetState().GetParticipantIdentity(),
			WorkerID:    j.GetState().GetWorkerId(),
			Error:       j.GetState().GetError(),
		})
	}
	return out
}

// checkDeadlines reports dispatches whose agent is late.
func (w *dispatchWatch) checkDeadlines() {
	now := w.s.cfg.Now()
	var evs []Event
	w.mu.Lock()
	for _, it := range w.items {
		if it.d.State != DispatchRequested && it.d.State != DispatchJobAssigned {
			continue
		}
		if it.deadline.IsZero() || now.Before(it.deadline) {
			continue
		}
		it.d.State = DispatchMissing
		evs = append(evs, w.changed(it, now), w.missing(it, now, w.timeout))
	}
	w.mu.Unlock()
	w.emit(evs)
}

// missing is the AgentMissing event for it; w.mu must be held.
func (w *dispatchWatch) missing(it *dispatchItem, now time.Time, waited time.Duration) AgentMissing {
	return AgentMissing{
		At: now, AgentName: it.d.AgentName, DispatchID: it.d.ID, Origin: it.d.Origin,
		Waited: waited, Causes: w.causes(it),
	}
}

// dispatches is a snapshot of every item.
func (w *dispatchWatch) dispatches() []Dispatch {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]Dispatch, 0, len(w.items))
	for _, it := range w.items {
		d := it.d
		d.Jobs = slices.Clone(d.Jobs)
		out = append(out, d)
	}
	return out
}

// ErrNoAgentAPI is returned by the dispatch methods without an API key and
// secret.
var ErrNoAgentAPI = errors.New("room: managing agent dispatches needs the API key and secret (Config.APIKey, Config.APISecret)")

// CreateDispatch asks the server to dispatch agentName into the room now;
// unlike a token's roomConfig, this works in a room that already exists.
func (s *Session) CreateDispatch(ctx context.Context, agentName, metadata string) (Dispatch, error) {
	if !s.joined.Load() {
		return Dispatch{}, ErrNotJoined
	}
	w := s.agents
	if w.client == nil {
		return Dispatch{}, ErrNoAgentAPI
	}
	w.mu.Lock()
	roomName := w.roomName
	w.mu.Unlock()
	sd, err := w.client.CreateDispatch(ctx, &livekit.CreateAgentDispatchRequest{AgentName: agentName, Room: roomName, Metadata: metadata})
	if err != nil {
		return Dispatch{}, fmt.Errorf("room: creating a dispatch for agent %q: %w", agentName, err)
	}
	now := s.cfg.Now()
	w.mu.Lock()
	it := w.find(func(it *dispatchItem) bool { return it.d.ID == sd.GetId() })
	if it == nil {
		it = &dispatchItem{
			d:          Dispatch{ID: sd.GetId(), AgentName: sd.GetAgentName(), Metadata: sd.GetMetadata(), Origin: FromAPI, State: DispatchRequested, Jobs: jobsOf(sd)},
			deadline:   now.Add(w.timeout),
			serverSeen: true,
		}
		w.items = append(w.items, it)
	}
	ev := w.changed(it, now)
	w.mu.Unlock()
	w.emit([]Event{ev})
	return ev.(AgentDispatch).Dispatch, nil
}

// DeleteDispatch removes a dispatch; the server ends its jobs, so the
// agent leaves.
func (s *Session) DeleteDispatch(ctx context.Context, dispatchID string) error {
	if !s.joined.Load() {
		return ErrNotJoined
	}
	w := s.agents
	if w.client == nil {
		return ErrNoAgentAPI
	}
	w.mu.Lock()
	roomName := w.roomName
	w.mu.Unlock()
	if _, err := w.client.DeleteDispatch(ctx, &livekit.DeleteAgentDispatchRequest{DispatchId: dispatchID, Room: roomName}); err != nil {
		return fmt.Errorf("room: deleting dispatch %s: %w", dispatchID, err)
	}
	now := s.cfg.Now()
	var evs []Event
	w.mu.Lock()
	if it := w.find(func(it *dispatchItem) bool { return it.d.ID == dispatchID }); it != nil && it.d.State != DispatchDeleted {
		it.d.State = DispatchDeleted
		evs = append(evs, w.changed(it, now))
	}
	w.mu.Unlock()
	w.emit(evs)
	return nil
}

// dispatches is what the session knows about the room's agent dispatches
// (the AgentDispatch events say the same as it changes).
func (s *Session) dispatches() []Dispatch { return s.agents.dispatches() }

// CanManageDispatches reports whether CreateDispatch and DeleteDispatch can
// work: the session is joined and an API key and secret are known.
func (s *Session) CanManageDispatches() bool { return s.joined.Load() && s.agents.client != nil }
