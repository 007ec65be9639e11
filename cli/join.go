package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/standin"
)

func newJoinCmd(s *streams) *cobra.Command {
	var f sourceFlags
	var forDur, refreshAfter time.Duration
	var autoSubscribe bool
	var pub publishFlags
	var agentTimeout time.Duration
	var dispatches []string
	var dispatchMetadata string
	cmd := &cobra.Command{
		Use:   "join",
		Short: "Join a room headless and print its events as JSON lines",
		Long: "Join fetches a token through any source, joins the room and prints one JSON object\n" +
			"per event (connected, participant_joined, token_refreshed, disconnected, …) until\n" +
			"--for elapses or Ctrl-C, then leaves. With nothing configured it starts the managed\n" +
			"local LiveKit server and mints a dev token.\n\n" +
			"It can also be seen and see: --publish-demo sends a looping test pattern and tone,\n" +
			"--publish sends a media file once, --publish-data one data message; --auto-subscribe\n" +
			"receives what others publish and --stats prints what arrives, per track.\n\n" + sourceHelp(),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if err := pub.check(autoSubscribe); err != nil {
				return err
			}
			r, err := f.resolve()
			if err != nil {
				return err
			}
			if !r.configured {
				srv, err := startLocalServer(ctx, s)
				if err != nil {
					return err
				}
				defer srv.Stop()
				r.spec = localSpec(r.spec, srv)
			}
			src, err := buildSource(r.spec)
			if err != nil {
				return err
			}
			sess, err := room.Join(ctx, src, r.opts, room.Config{
				AutoSubscribe: autoSubscribe,
				StatsInterval: pub.statsInterval(),
				APIKey:        r.spec.APIKey,
				APISecret:     r.spec.APISecret,
				AgentTimeout:  agentTimeout,
				KnownAgents:   standin.Running,
				Progress:      func(line string) { fmt.Fprintf(s.err, "lkdash: %s\n", line) },
			})
			if err != nil {
				return err
			}
			defer sess.Leave()
			if err := pub.publish(sess); err != nil {
				return err
			}
			for _, name := range dispatches {
				if _, err := sess.CreateDispatch(ctx, name, dispatchMetadata); err != nil {
					return err
				}
			}
			return streamEvents(cmd, s, sess, forDur, refreshAfter)
		},
	}
	f.register(cmd.Flags())
	cmd.Flags().DurationVar(&forDur, "for", 0, "leave after this long (default: until Ctrl-C)")
	cmd.Flags().DurationVar(&refreshAfter, "refresh-after", 0, "after this long, set the participant attribute "+room.RefreshAttribute+" so the server pushes a refreshed token")
	cmd.Flags().BoolVar(&autoSubscribe, "auto-subscribe", false, "subscribe to remote tracks (prints track_subscribed)")
	pub.register(cmd.Flags())
	cmd.Flags().DurationVar(&agentTimeout, "agent-timeout", room.DefaultAgentTimeout, "report agent_missing when a dispatched agent has not joined after this long")
	cmd.Flags().StringArrayVar(&dispatches, "dispatch", nil, "after joining, dispatch this agent into the room through the API (repeatable; needs the API key and secret; works in a room that already exists, unlike --agent-name)")
	cmd.Flags().StringVar(&dispatchMetadata, "dispatch-metadata", "", "metadata for the --dispatch agents")
	inGroup(cmd.Flags(), groupSession, "for", "refresh-after")
	inGroup(cmd.Flags(), groupMedia, "auto-subscribe", "publish-demo", "publish", "publish-data", "data-topic", "stats", "stats-interval")
	inGroup(cmd.Flags(), groupAgents, "agent-timeout", "dispatch", "dispatch-metadata")
	return cmd
}

// streamEvents prints events until the session ends, --for elapses or the
// context is cancelled; leaving prints the final disconnected event too. A
// session the server ended is a failure.
func streamEvents(cmd *cobra.Command, s *streams, sess *room.Session, forDur, refreshAfter time.Duration) error {
	ctx := cmd.Context()
	var done, refresh <-chan time.Time
	if forDur > 0 {
		t := time.NewTimer(forDur)
		defer t.Stop()
		done = t.C
	}
	if refreshAfter > 0 {
		t := time.NewTimer(refreshAfter)
		defer t.Stop()
		refresh = t.C
	}
	leave := func() error {
		sess.Leave() // emits Disconnected and closes Events
		for ev := range sess.Events() {
			if err := printEvent(s, ev); err != nil {
				return err
			}
		}
		return nil
	}
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
		case ev, ok := <-sess.Events():
			if !ok {
				return nil
			}
			if err := printEvent(s, ev); err != nil {
				return err
			}
			if d, isDisc := ev.(room.Disconnected); isDisc {
				return fmt.Errorf("disconnected: %s", d.Reason)
			}
		}
	}
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
