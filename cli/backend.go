package cli

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"time"

	"github.com/lkdash/lkdash/devserver"
	"github.com/lkdash/lkdash/doctor"
	"github.com/lkdash/lkdash/hooks"
	"github.com/lkdash/lkdash/internal/source"
	"github.com/lkdash/lkdash/invite"
	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/standin"
	"github.com/lkdash/lkdash/tokens"
	"github.com/lkdash/lkdash/ui"
)

// *room.Session is the session the real backend hands out, which manages
// dispatches; the real backend also runs stand-in agents and the doctor.
var (
	_ ui.DispatchSession   = (*room.Session)(nil)
	_ ui.RoomSession       = (*room.Session)(nil)
	_ ui.DataSession       = (*room.Session)(nil)
	_ ui.StandInBackend    = (*liveBackend)(nil)
	_ ui.DoctorBackend     = (*liveBackend)(nil)
	_ ui.InviteBackend     = (*liveBackend)(nil)
	_ ui.RoomLookupBackend = (*liveBackend)(nil)
	_ ui.WebhookBackend    = (*liveBackend)(nil)
	_ ui.NodeSession       = (*room.Session)(nil)
	_ ui.NodeDrillBackend  = (*liveBackend)(nil)
)

// liveBackend is the dashboard's real ui.Backend: tokens sources behind one caching
// decorator, and room.Join. It keeps the cache across fetches while the spec
// stays the same, so "f" twice shows a cache hit, and a join reuses the token
// just fetched.
type liveBackend struct {
	now func() time.Time

	mu       sync.Mutex
	spec     source.Spec // the spec cache was built for
	cache    *tokens.Caching
	standIns map[*standin.Worker]bool // running, for closeStandIns
	// managed is the local livekit-server (or cluster) the dashboard
	// started: sessions on its URL fail over along its nodes and end as
	// soon as it is gone (watchManaged).
	managed *devserver.Cluster
	// hookURL and deliveries are the receiver of the managed server's
	// webhooks, once it is up.
	hookURL    string
	deliveries <-chan hooks.Delivery
}

// setWebhooks tells the backend where the managed server's webhooks arrive.
func (b *liveBackend) setWebhooks(url string, ch <-chan hooks.Delivery) {
	b.mu.Lock()
	b.hookURL, b.deliveries = url, ch
	b.mu.Unlock()
}

// Webhooks implements ui.WebhookBackend.
func (b *liveBackend) Webhooks() (string, <-chan hooks.Delivery) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.hookURL, b.deliveries
}

// setManaged tells the backend about the managed server (again after a
// restart); joins from then on watch it.
func (b *liveBackend) setManaged(c *devserver.Cluster) {
	b.mu.Lock()
	b.managed = c
	b.mu.Unlock()
}

// newBackend returns the real backend. now may be nil (time.Now).
func newBackend(now func() time.Time) *liveBackend {
	if now == nil {
		now = time.Now
	}
	return &liveBackend{now: now}
}

// source returns the source for spec, through the (kept) cache if caching.
func (b *liveBackend) source(spec source.Spec, caching bool) (tokens.ConfigurableSource, *tokens.Caching, error) {
	if err := spec.Validate(); err != nil {
		return nil, nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	// Spec holds a header map, so compare deeply; a changed spec must not
	// serve a token cached from another source.
	if b.cache == nil || !reflect.DeepEqual(b.spec, spec) {
		inner, err := spec.Build()
		if err != nil {
			return nil, nil, err
		}
		b.spec, b.cache = spec, tokens.NewCaching(inner, b.now)
	}
	if caching {
		return b.cache, b.cache, nil
	}
	inner, err := spec.Build()
	return inner, nil, err
}

// Fetch implements ui.Backend.
func (b *liveBackend) Fetch(ctx context.Context, req ui.FetchRequest) (ui.FetchResult, error) {
	src, cache, err := b.source(req.Spec, req.Caching)
	if err != nil {
		return ui.FetchResult{}, err
	}
	var res ui.FetchResult
	if cache == nil {
		res.Response, err = src.Fetch(ctx, req.Options)
	} else {
		if req.Force {
			cache.Invalidate()
		}
		var status tokens.CacheStatus
		res.Response, status, err = cache.FetchStatus(ctx, req.Options)
		res.Cache = ui.CacheInfo{Enabled: true, Status: status, Stats: cache.Stats()}
		if e, ok := cache.Entry(); ok {
			res.Cache.HasEntry, res.Cache.ReuseUntil = true, e.ReuseUntil
		}
	}
	if err == nil {
		res.Token, res.DecodeErr = tokens.Decode(res.Response.ParticipantToken)
	}
	return res, err
}

// Join implements ui.Backend.
func (b *liveBackend) Join(ctx context.Context, req ui.JoinRequest) (ui.Session, error) {
	src, _, err := b.source(req.Spec, req.Caching)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	managed := b.managed
	b.mu.Unlock()
	// A session on another server ignores the managed cluster's URLs.
	failover := req.Spec.DeploymentURLs()
	if failover == nil && managed != nil {
		failover = managed.URLs()
	}
	var echo map[string]room.RPCHandler
	for _, m := range req.RPCEcho {
		if echo == nil {
			echo = map[string]room.RPCHandler{}
		}
		echo[m] = room.Echo
	}
	s := room.Connect(ctx, src, req.Options, room.Config{
		APIKey: req.Spec.APIKey, APISecret: req.Spec.APISecret,
		Now: b.now, KnownAgents: standin.Running,
		// Receive figures for the roster, about once a second.
		AutoSubscribe: req.AutoSubscribe, StatsInterval: time.Second,
		FailoverURLs: failover,
		Topics:       req.Topics, RPC: echo,
	})
	if managed != nil {
		// The dashboard may join remote servers too: only sessions on the
		// managed one end with it.
		go func() {
			if s.Joined(ctx) == nil && s.Response().ServerURL == managed.Nodes[0].URL {
				watchManaged(managed, s)
			}
		}()
	}
	return s, nil
}

// CheckServer implements ui.Backend: the server's clock, and its verdict
// on req.Token when set.
func (b *liveBackend) CheckServer(ctx context.Context, req ui.ServerCheckRequest) (ui.ServerCheck, error) {
	var out ui.ServerCheck
	out.Clock, out.ClockErr = tokens.ClockProbe{Now: b.now}.Measure(ctx, req.ServerURL)
	if req.Token == "" {
		return out, nil
	}
	v, err := tokens.AskServer(ctx, nil, req.ServerURL, req.Token)
	if err != nil {
		return out, err
	}
	out.Verdict = &v
	return out, nil
}

// Doctor implements ui.DoctorBackend: doctor.Run, as lkdash doctor runs
// it, over a source of its own without the cache (the checks ask for
// tokens with identities of their own).
func (b *liveBackend) Doctor(ctx context.Context, req ui.DoctorRequest) (<-chan ui.DoctorUpdate, error) {
	if err := req.Spec.Validate(); err != nil {
		return nil, err
	}
	src, err := req.Spec.Build()
	if err != nil {
		return nil, err
	}
	// At most a start and an end per check, then the summary: the run
	// never waits for the dashboard, which may have dropped it.
	ch := make(chan ui.DoctorUpdate, 2*len(doctor.Checks())+1)
	keys := req.Keys
	cfg := doctor.Config{
		Source: src, Options: req.Options, Checks: req.Checks, Now: b.now,
		Keys: func(t *tokens.Token, serverURL string) tokens.CheckConfig {
			c, _ := keys.For(t, serverURL)
			return c
		},
		Started: func(c doctor.CheckName) { ch <- ui.DoctorUpdate{Started: c} },
	}
	go func() {
		defer close(ch)
		sum := doctor.Run(ctx, cfg, func(res doctor.Result) { ch <- ui.DoctorUpdate{Result: &res} })
		ch <- ui.DoctorUpdate{Summary: &sum}
	}()
	return ch, nil
}

// StartStandIn implements ui.StandInBackend.
func (b *liveBackend) StartStandIn(ctx context.Context, req ui.StandInRequest) (ui.StandIn, error) {
	w, err := standin.Register(ctx, standin.Config{URL: req.ServerURL, APIKey: req.APIKey, APISecret: req.APISecret, AgentName: req.AgentName, Now: b.now})
	if err != nil {
		return nil, err
	}
	go func() { // nobody reads its events in the dashboard: the room shows them
		for range w.Events() {
		}
	}()
	b.mu.Lock()
	if b.standIns == nil {
		b.standIns = map[*standin.Worker]bool{}
	}
	b.standIns[w] = true
	b.mu.Unlock()
	return &backendStandIn{b: b, w: w}, nil
}

// backendStandIn forgets its worker once closed.
type backendStandIn struct {
	b *liveBackend
	w *standin.Worker
}

func (s *backendStandIn) Close() error {
	s.b.mu.Lock()
	delete(s.b.standIns, s.w)
	s.b.mu.Unlock()
	return s.w.Close()
}

// closeStandIns deregisters every stand-in still running.
func (b *liveBackend) closeStandIns() {
	b.mu.Lock()
	ws := make([]*standin.Worker, 0, len(b.standIns))
	for w := range b.standIns {
		ws = append(ws, w)
	}
	b.standIns = nil
	b.mu.Unlock()
	for _, w := range ws {
		_ = w.Close()
	}
}

// Invite implements ui.InviteBackend: a token for a new identity in
// req.Room from the source the spec describes, bypassing the cache (which
// holds our own token). A literal token names one participant only, so
// with the key pair the invite is minted instead.
func (b *liveBackend) Invite(ctx context.Context, req ui.InviteRequest) (invite.Invite, error) {
	spec := req.Spec
	if spec.Kind == source.KindLiteral {
		if spec.APIKey == "" || spec.APISecret == "" {
			return invite.Invite{}, errors.New("a literal token is for one participant only: " +
				"to invite someone, give the API key and secret, or use a source that issues tokens")
		}
		spec.Kind = source.KindMint
	}
	if spec.Mints() {
		// A guest gets a participant's usual grants, not ours, and a
		// short life.
		spec.TTL, spec.Grants = req.TTL, tokens.Grants{}
	}
	src, err := spec.Build()
	if err != nil {
		return invite.Invite{}, err
	}
	return invite.New(ctx, src, tokens.Options{RoomName: req.Room})
}

// RoomExists implements ui.RoomLookupBackend with RoomService.
func (b *liveBackend) RoomExists(ctx context.Context, req ui.RoomLookupRequest) (bool, error) {
	r, err := room.LookupRoom(ctx, req.ServerURLs, req.APIKey, req.APISecret, req.Name)
	if err != nil {
		return false, err
	}
	return r != nil && (req.SID == "" || r.GetSid() == req.SID), nil
}

// NodeAction implements ui.NodeDrillBackend with nodeAction on the
// managed deployment as it is when the drill runs.
func (b *liveBackend) NodeAction(d room.Drill) func(node string) error {
	return func(node string) error {
		b.mu.Lock()
		managed := b.managed
		b.mu.Unlock()
		if managed == nil {
			return errors.New("lkdash runs no server here: the node drills act on the managed server only")
		}
		return nodeAction(managed, d)(node)
	}
}
