package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/lkdash/lkdash/devserver"
	"github.com/lkdash/lkdash/hooks"
	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/standin"
)

// joinFlags are join's own flags, beyond the source flags.
type joinFlags struct {
	forDur, refreshAfter, drillAfter time.Duration
	drill                            string
	autoSubscribe                    bool
	nodes                            int
}

func newJoinCmd(s *streams) *cobra.Command {
	var j joinCommand
	cmd := &cobra.Command{
		Use:   "join",
		Short: "Join a room headless and print its events as JSON lines",
		Long:  joinHelp + sourceHelp(),
		Args:  noArgs,
		// The join runs with the collector paused (see gcpause.go).
		Annotations: map[string]string{keepsGCPaused: ""},
		RunE: func(cmd *cobra.Command, _ []string) error {
			defer resumeGC()
			return j.run(cmd, s)
		},
	}
	j.f.register(cmd.Flags())
	fl := cmd.Flags()
	j.jf.register(fl)
	j.pub.register(fl)
	j.agents.register(fl)
	inGroup(fl, groupMedia, "auto-subscribe", "publish-demo", "publish", "stats", "stats-interval")
	j.data.register(fl)
	inGroup(fl, groupData, "topic", "send-text", "send-file", "rpc-call", "rpc-echo", "rpc-timeout", "publish-data", "data-topic")
	return cmd
}

// joinCommand is join's flags, all of them.
type joinCommand struct {
	f      sourceFlags
	jf     joinFlags
	pub    publishFlags
	data   dataFlags
	agents agentFlags
}

// run joins, does what the flags ask once in, and streams the events.
func (j *joinCommand) run(cmd *cobra.Command, s *streams) error {
	ctx := cmd.Context()
	r, drill, err := j.check()
	if err != nil {
		return err
	}
	cfg := room.Config{AutoSubscribe: j.jf.autoSubscribe, StatsInterval: j.pub.statsInterval()}
	j.data.configure(&cfg)
	j.agents.configure(&cfg)
	var deliveries <-chan hooks.Delivery
	if !r.configured {
		resumeGC() // starting the server can mean building it
		srv, err := startManaged(ctx, s, j.jf.nodes)
		if err != nil {
			return err
		}
		defer srv.Stop()
		r.spec = clusterSpec(r.spec, srv.cluster)
		drill.managed = srv.cluster
		deliveries = srv.hooks.rcv.Deliveries()
	}
	cfg.FailoverURLs = r.spec.DeploymentURLs()
	cfg.APIKey, cfg.APISecret = r.spec.APIKey, r.spec.APISecret
	src, err := buildSource(r.spec)
	if err != nil {
		return err
	}
	sess := room.Connect(ctx, src, r.opts, cfg)
	defer sess.Leave()
	connected, err := awaitJoin(s, sess)
	if err != nil {
		return err
	}
	if drill.managed != nil {
		watchManaged(drill.managed, sess)
	}
	if err := j.begin(ctx, s, sess); err != nil {
		if r := new(refusal); errors.As(err, &r) {
			return refusedAtStart(ctx, s, sess, connected, deliveries, r)
		}
		return err
	}
	return streamEvents(cmd, s, sess, connected, deliveries, j.jf, drill)
}

// check refuses contradictory flags before anything starts, and resolves
// the source.
func (j *joinCommand) check() (resolved, drillPlan, error) {
	var drill drillPlan
	if err := j.pub.check(j.jf.autoSubscribe); err != nil {
		return resolved{}, drill, err
	}
	if err := j.data.check(); err != nil {
		return resolved{}, drill, err
	}
	r, err := j.f.resolve()
	if err != nil {
		return resolved{}, drill, err
	}
	drill.d, err = j.jf.check(r.configured)
	return r, drill, err
}

// begin does what the flags ask once joined: publish, dispatch, send.
func (j *joinCommand) begin(ctx context.Context, s *streams, sess *room.Session) error {
	if err := j.pub.publish(sess); err != nil {
		return err
	}
	if err := j.agents.dispatch(ctx, sess); err != nil {
		return err
	}
	if !j.data.idle() {
		go j.data.run(ctx, s, sess)
	}
	return nil
}

// agentFlags are join's agent flags.
type agentFlags struct {
	timeout    time.Duration
	dispatches []string
	metadata   string
}

func (a *agentFlags) register(fl *pflag.FlagSet) {
	fl.DurationVar(&a.timeout, "agent-timeout", room.DefaultAgentTimeout, "report agent_missing when a dispatched agent has not joined after this long")
	fl.StringArrayVar(&a.dispatches, "dispatch", nil, "after joining, dispatch this agent into the room through the API (repeatable; needs the API key and secret; works in a room that already exists, unlike --agent-name)")
	fl.StringVar(&a.metadata, "dispatch-metadata", "", "metadata for the --dispatch agents")
	inGroup(fl, groupAgents, "agent-timeout", "dispatch", "dispatch-metadata")
}

func (a agentFlags) configure(cfg *room.Config) {
	cfg.AgentTimeout = a.timeout
	cfg.KnownAgents = standin.Running
}

// dispatch dispatches the --dispatch agents through the API.
func (a agentFlags) dispatch(ctx context.Context, sess *room.Session) error {
	for _, name := range a.dispatches {
		if _, err := sess.CreateDispatch(ctx, name, a.metadata); err != nil {
			return err
		}
	}
	return nil
}

// joinHelp is join's long help, before the source help.
const joinHelp = "Join fetches a token through any source, joins the room and prints one JSON object\n" +
	"per event (connected, participant_joined, token_refreshed, reconnect_attempt,\n" +
	"disconnected, …) until --for elapses or Ctrl-C, then leaves and prints a summary of\n" +
	"every token's window. With nothing configured it starts the managed local LiveKit\n" +
	"server and mints a dev token; if that server dies, join ends at once.\n\n" +
	"Media: --publish-demo sends a looping test pattern and tone,\n" +
	"--publish sends a media file once, --publish-data one data message; --auto-subscribe\n" +
	"receives what others publish and --stats prints what arrives, per track.\n" +
	"track_chain says, per track, which link between it and its media fails and why\n" +
	"(muted, canSubscribe, the publisher's permissions, paused, no packets); room\n" +
	"reports the room's settings and, when you are the last one, when it closes after\n" +
	"you leave (with the key pair, a last room line says whether it still exists).\n\n" +
	"Data: every data packet, text stream (on --topic and the agents' topics), byte\n" +
	"stream and RPC that reaches us is printed; a stream on a topic nobody handles,\n" +
	"which the SDK drops silently, is counted and named (stream_unhandled).\n" +
	"--send-text and --send-file send streams, --rpc-call calls a method and prints the\n" +
	"response or the error with its round-trip time, and --rpc-echo answers calls, so\n" +
	"two joins can test each other. With the managed server, its webhooks are printed\n" +
	"after the room events they report.\n\n" +
	"--drill runs a reconnect drill after --drill-after and reports which token the\n" +
	"reconnect presented and how long recovery took (drill_result). kill-node and\n" +
	"stop-node end the server node that hosts the room (SIGKILL; SIGTERM), so they need\n" +
	"the managed server: --nodes 2 or more runs it as a local cluster on a Redis\n" +
	"(redis-server from PATH), and the session fails over to the surviving nodes.\n\n"

// register adds join's session flags.
func (jf *joinFlags) register(fl *pflag.FlagSet) {
	fl.DurationVar(&jf.forDur, "for", 0, "leave after this long (default: until Ctrl-C)")
	fl.DurationVar(&jf.refreshAfter, "refresh-after", 0, "after this long, set the participant attribute "+room.RefreshAttribute+" so the server pushes a refreshed token")
	fl.StringVar(&jf.drill, "drill", "", "reconnect drill to run: "+drillNames())
	fl.DurationVar(&jf.drillAfter, "drill-after", 2*time.Second, "when to run --drill, after joining")
	fl.IntVar(&jf.nodes, "nodes", 1, fmt.Sprintf("with no source configured: run the managed server as a local cluster of this many nodes (up to %d) sharing a Redis", devserver.MaxNodes))
	fl.BoolVar(&jf.autoSubscribe, "auto-subscribe", false, "subscribe to remote tracks (prints track_subscribed)")
	inGroup(fl, groupSession, "for", "refresh-after", "drill", "drill-after", "nodes")
}

func drillNames() string {
	var names []string
	for _, d := range room.Drills() {
		names = append(names, string(d))
	}
	for _, d := range room.NodeDrills() {
		names = append(names, string(d))
	}
	return strings.Join(names, ", ") + " (the node drills on the managed server only)"
}

// check judges --drill and --nodes against the source: the node drills
// and a cluster need the managed server, which only lkdash can act on.
func (jf joinFlags) check(configured bool) (room.Drill, error) {
	var drill room.Drill
	if jf.drill != "" {
		d, err := room.ParseDrill(jf.drill)
		if err != nil {
			return "", usageErrorf("--drill: %v", err)
		}
		drill = d
	}
	if err := checkNodes(jf.nodes, configured); err != nil {
		return "", err
	}
	if configured && drill.OnNode() {
		return "", usageErrorf("--drill %s ends a server node, so it needs the managed server (no source flags, e.g. --nodes 2): lkdash acts only on servers it runs", drill)
	}
	return drill, nil
}

// checkNodes judges --nodes: the managed server only, up to MaxNodes.
func checkNodes(nodes int, configured bool) error {
	switch {
	case nodes < 1 || nodes > devserver.MaxNodes:
		return usageErrorf("--nodes: a managed cluster has 1 to %d nodes", devserver.MaxNodes)
	case configured && nodes != 1:
		return usageErrorf("--nodes runs the managed server as a cluster; it does not apply to a configured source")
	}
	return nil
}

// drillPlan is --drill and, for the node drills, the managed deployment
// they act on.
type drillPlan struct {
	d       room.Drill
	managed *devserver.Cluster // nil unless lkdash runs the server
}

// run runs the drill: inside the SDK, or on the managed deployment's node
// that hosts the room.
func (p drillPlan) run(sess *room.Session) error {
	if p.d.OnNode() {
		return sess.DrillNode(p.d, nodeAction(p.managed, p.d))
	}
	return sess.Drill(p.d)
}

// awaitJoin reports the join's steps on stderr as they happen and returns
// Connected, or the join's error.
func awaitJoin(s *streams, sess *room.Session) (room.Connected, error) {
	for ev := range sess.Events() {
		switch e := ev.(type) {
		case room.JoinProgress:
			fmt.Fprintf(s.err, "lkdash: %s\n", e)
		case room.JoinFailed:
			return room.Connected{}, e.Err
		case room.Connected:
			return e, nil
		}
	}
	// Closed without either (never, by Connect's contract): say why anyway.
	return room.Connected{}, sess.Joined(context.Background())
}

// printConnected starts the event lines with connected, then resumes the
// collector join kept paused: after the line, not before, since the heap is
// past the collector's goal by now and resuming starts a collection at once.
func printConnected(s *streams, connected room.Connected) (*joinPrinter, error) {
	p := newJoinPrinter(s)
	err := p.room(connected)
	resumeGC()
	return p, err
}

// streamEvents prints connected, then events until the session ends, --for elapses or the
// context is cancelled; leaving prints the final disconnected event and the
// summary too. With the managed server, its webhooks are printed among the
// events (see joinPrinter). A session the server ended is a failure.
func streamEvents(cmd *cobra.Command, s *streams, sess *room.Session, connected room.Connected, deliveries <-chan hooks.Delivery, jf joinFlags, drill drillPlan) error {
	ctx := cmd.Context()
	done := after(jf.forDur)
	refresh := after(jf.refreshAfter)
	var drillAt <-chan time.Time
	if drill.d != "" {
		drillAt = after(max(jf.drillAfter, time.Nanosecond))
	}
	var expire <-chan time.Time
	if deliveries != nil {
		t := time.NewTicker(time.Second / 2)
		defer t.Stop()
		expire = t.C
	}
	p, err := printConnected(s, connected)
	if err != nil {
		return err
	}
	leave := func() error { return leaveAndReport(ctx, s, p, sess, deliveries) }
	for {
		select {
		case <-ctx.Done():
			return leave()
		case <-done:
			return leave()
		case <-refresh:
			if err := sess.TriggerRefresh(ctx); err != nil {
				fmt.Fprintf(s.err, "lkdash: refresh: %v\n", err)
			}
		case <-drillAt:
			if err := drill.run(sess); err != nil {
				fmt.Fprintf(s.err, "lkdash: drill: %v\n", err)
			}
		case d, ok := <-deliveries:
			if !ok {
				deliveries = nil
				continue
			}
			if err := p.delivery(d); err != nil {
				return err
			}
		case now := <-expire:
			if err := p.expire(now); err != nil {
				return err
			}
		case ev, ok := <-sess.Events():
			if !ok {
				return printEvent(s, sess.Summary())
			}
			if _, isDisc := ev.(room.Disconnected); isDisc {
				if err := p.drain(deliveries); err != nil {
					return err
				}
			}
			if err := p.room(ev); err != nil {
				return err
			}
			if d, isDisc := ev.(room.Disconnected); isDisc {
				return serverEnded(s, sess, d)
			}
		}
	}
}

// leaveAndReport leaves and prints what the session still has to say: its
// last events, the webhooks they caused, the room after leaving, and the
// summary.
func leaveAndReport(ctx context.Context, s *streams, p *joinPrinter, sess *room.Session, deliveries <-chan hooks.Delivery) error {
	sess.Leave() // emits Disconnected and closes Events
	if err := p.drain(deliveries); err != nil {
		return err
	}
	for ev := range sess.Events() {
		if err := p.room(ev); err != nil {
			return err
		}
	}
	if err := printRoomAfterLeave(ctx, s, sess); err != nil {
		return err
	}
	return printEvent(s, sess.Summary())
}

// refusedAtStart ends a join whose publication the server refused. The
// events say what it accepted and why it refused the rest (track_chain), so
// they are printed before the error: until each accepted track's
// track_published, which follows the server's participant update, or for
// at most refusalGrace.
func refusedAtStart(ctx context.Context, s *streams, sess *room.Session, connected room.Connected, deliveries <-chan hooks.Delivery, r *refusal) error {
	p, err := printConnected(s, connected)
	if err != nil {
		return err
	}
	pending := map[string]bool{}
	for _, t := range r.accepted {
		if t.SID != "" {
			pending[t.SID] = true
		}
	}
	grace := time.NewTimer(refusalGrace)
	defer grace.Stop()
wait:
	for len(pending) > 0 {
		select {
		case ev, ok := <-sess.Events():
			if !ok {
				break wait // the session ended: leaveAndReport says how
			}
			if err := p.room(ev); err != nil {
				return err
			}
			if tp, isPub := ev.(room.TrackPublished); isPub && tp.Local {
				delete(pending, tp.Track.SID)
			}
		case <-grace.C:
			break wait
		case <-ctx.Done():
			break wait
		}
	}
	if err := leaveAndReport(ctx, s, p, sess, deliveries); err != nil {
		return err
	}
	return r.err
}

// refusalGrace bounds how long a refused join waits for the events of the
// tracks the server accepted.
const refusalGrace = 2 * time.Second

// serverEnded reports a session the server (or its death) ended: the
// summary line, the server's last log lines on stderr, and the error.
func serverEnded(s *streams, sess *room.Session, d room.Disconnected) error {
	if err := printEvent(s, sess.Summary()); err != nil {
		return err
	}
	if d.Code == devserver.DisconnectCode {
		for _, line := range d.Detail {
			fmt.Fprintf(s.err, "lkdash: server log | %s\n", line)
		}
	}
	return fmt.Errorf("disconnected: %s", d.Reason)
}

// printRoomAfterLeave prints whether the room still exists, when the key
// pair allows asking; a failed question is a note on stderr, not a failure.
func printRoomAfterLeave(ctx context.Context, s *streams, sess *room.Session) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	st, err := sess.RoomAfterLeave(ctx)
	switch {
	case errors.Is(err, room.ErrNoCredentials):
		return nil
	case err != nil:
		fmt.Fprintf(s.err, "lkdash: after leaving: %v\n", err)
		return nil
	}
	return printEvent(s, st)
}

// after is a channel that fires once after d; nil (never) when d <= 0.
// The timer is left to the garbage collector: join runs once per process.
func after(d time.Duration) <-chan time.Time {
	if d <= 0 {
		return nil
	}
	return time.After(d)
}

// printEvent writes one event as a JSON line.
func printEvent(s *streams, ev room.Event) error {
	line, err := room.MarshalEvent(ev)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(s.out, "%s\n", line)
	return err
}
