package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/spf13/cobra"

	"github.com/lkdash/lkdash/devserver"
	"github.com/lkdash/lkdash/internal/netguard"
	"github.com/lkdash/lkdash/internal/termbg"
	"github.com/lkdash/lkdash/styles"
	"github.com/lkdash/lkdash/tokens"
	"github.com/lkdash/lkdash/ui"
)

// addDashboard makes bare `lkdash` open the dashboard, with the same source
// flags as fetch to preset its panels.
func addDashboard(root *cobra.Command, s *streams) {
	var f sourceFlags
	var logFile string
	var noCache bool
	var nodes int
	var topics, echoes []string
	root.Args = rootArgs
	root.Long = "With no command, lkdash opens the dashboard, its source panel preset from the\n" +
		"flags below; with no source configured it starts the managed local LiveKit server.\n\n" + sourceHelp()
	f.register(root.Flags())
	root.Flags().StringVar(&logFile, "log-file", "", "write the dashboard's log to this file (default: no log)")
	root.Flags().BoolVar(&noCache, "no-cache", false, "start with the caching decorator off")
	root.Flags().IntVar(&nodes, "nodes", 1, fmt.Sprintf("with no source configured: run the managed server as a local cluster of this many nodes (up to %d) sharing a Redis", devserver.MaxNodes))
	inGroup(root.Flags(), groupSession, "log-file", "no-cache", "nodes")
	registerReceiving(root.Flags(), &topics, &echoes, []string{"echo"})
	inGroup(root.Flags(), groupData, "topic", "rpc-echo")
	root.RunE = func(cmd *cobra.Command, _ []string) error {
		r, err := f.resolve()
		if err != nil {
			return err
		}
		if r.configured {
			if err := validSource(r.spec.Kind); err != nil {
				return err
			}
		}
		if err := checkNodes(nodes, r.configured); err != nil {
			return err
		}
		if err := checkEchoes(echoes); err != nil {
			return err
		}
		log, closeLog, err := openLog(logFile)
		if err != nil {
			return err
		}
		defer closeLog()
		return runDashboard(cmd.Context(), s, r, dashOptions{caching: !noCache, nodes: nodes, topics: topics, echoes: echoes}, log)
	}
}

// dashOptions are the dashboard's own flags.
type dashOptions struct {
	caching        bool
	nodes          int
	topics, echoes []string
}

func runDashboard(ctx context.Context, s *streams, r resolved, o dashOptions, log *slog.Logger) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	backend := newBackend(nil)
	defer backend.closeStandIns()
	cfg := ui.Config{
		Spec:    r.spec,
		Options: r.opts,
		Caching: o.caching,
		Keys:    &r.keys,
		Topics:  o.topics,
		RPCEcho: o.echoes,
		Backend: backend,
		Log:     log,
		Output:  s.out,
		// A preset is fetched at once (a literal token with no URL is
		// decoded): the user asked for it on the command line. The
		// dashboard leaves an incomplete one to the form.
		AutoFetch: r.configured,
	}
	var progress chan ui.DevProgress
	emb := &embedded{log: log, backend: backend, nodes: o.nodes}
	defer emb.close()
	if !r.configured {
		progress = make(chan ui.DevProgress, 64)
		cfg.DevProgress = progress
		cfg.DevServer = emb
	}
	model, input := withBackground(ui.New(cfg), s)
	// Bubble Tea draws on a frame clock, the first frame at the first tick:
	// at its highest rate (120 a second, not 60) the first frame, and every
	// key's echo, is up to 8 ms sooner. An idle tick costs a lock and a
	// length check.
	p := tea.NewProgram(model, tea.WithAltScreen(), tea.WithContext(ctx), tea.WithFPS(120),
		tea.WithInput(input), tea.WithOutput(s.out))

	var wg sync.WaitGroup
	if progress != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.Send(emb.start(ctx, progress))
		}()
	}
	resume := time.AfterFunc(firstFrameGC, resumeGC)
	defer resume.Stop()
	_, err := p.Run()
	cancel()
	wg.Wait()
	switch {
	case errors.Is(err, tea.ErrInterrupted):
		return errInterrupted // ctrl+c: the room was left first
	case errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil:
		return nil // SIGTERM or parent context: a normal way out
	}
	return err
}

// withBackground decides the terminal's background without making the
// first frame wait: COLORFGBG when it says, else the terminal's answer to a
// query asked once the dashboard runs (m redraws when it comes; the input
// Bubble Tea reads then filters the answer out). Without colour there is
// nothing to decide.
func withBackground(m tea.Model, s *streams) (tea.Model, io.Reader) {
	if styles.NoColorFromEnv() {
		return m, s.in
	}
	if dark, ok := styles.BackgroundFromEnv(); ok {
		styles.SetBackground(dark)
		return m, s.in
	}
	in, ok := termbg.NewInput(s.in, s.out)
	if !ok {
		return m, s.in
	}
	return termbg.Wrap(m, in, s.out, styles.SetBackground), in
}

// embedded is the zero-configuration setup: the managed livekit-server, a
// token endpoint minting for it and a receiver of its webhooks, all on
// loopback.
type embedded struct {
	log     *slog.Logger
	backend *liveBackend // told about the server, so sessions end when it dies; may be nil
	nodes   int          // 1, or the nodes of a local cluster
	mu      sync.Mutex
	stop    func()      // set once the server and endpoint are up
	hooks   *hookServer // lives across restarts; closed by close
}

// webhooks starts the webhook receiver once and hands its deliveries to
// the backend, for the dashboard's Webhooks panel.
func (e *embedded) webhooks() (*hookServer, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.hooks != nil {
		return e.hooks, nil
	}
	hs, err := startHookServer()
	if err != nil {
		return nil, err
	}
	if e.backend != nil {
		e.backend.setWebhooks(hs.url, hs.rcv.Deliveries())
	}
	e.hooks = hs
	return hs, nil
}

// close stops everything, the webhook receiver last.
func (e *embedded) close() {
	e.stopAll()
	e.mu.Lock()
	hs := e.hooks
	e.hooks = nil
	e.mu.Unlock()
	if hs != nil {
		hs.Close()
	}
}

// start brings both up, streaming progress, and returns the message that
// tells the dashboard where the endpoint is (or why there is none). It
// closes progress before returning, as ui.Config.DevProgress asks.
func (e *embedded) start(ctx context.Context, progress chan<- ui.DevProgress) ui.DevServerReadyMsg {
	say := func(line string) {
		e.log.Info("devserver", "progress", line)
		select {
		case progress <- ui.DevProgress{Line: line}:
		case <-ctx.Done():
		}
	}
	// Build progress never waits for the screen: the next report supersedes
	// a dropped one, and a blocked report would stall the build's output.
	build := func(p devserver.BuildProgress) {
		select {
		case progress <- ui.DevProgress{Build: &p}:
		default:
		}
	}
	hs, err := e.webhooks()
	if err != nil {
		close(progress)
		return ui.DevServerReadyMsg{Err: err}
	}
	c, err := devserver.StartCluster(ctx, devserver.Config{LogDir: logDir(), Progress: say, Build: build, Overlay: hs.overlay()}, max(e.nodes, 1))
	if err != nil {
		close(progress)
		return ui.DevServerReadyMsg{Err: err}
	}
	srv := c.Nodes[0] // the endpoint's tokens name node 1; sessions fail over to the others
	ln, err := netguard.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		close(progress)
		c.Stop()
		return ui.DevServerReadyMsg{Err: fmt.Errorf("token endpoint: %w", err)}
	}
	// The handler's defaults are serve's: loopback origins and Host only,
	// a per-client rate limit; serveUntilDone adds the server timeouts.
	h := tokens.NewHandler(tokens.HandlerConfig{ServerURL: srv.URL, APIKey: srv.APIKey,
		APISecret: srv.APISecret, Grants: tokens.DefaultGrants(), Log: e.log})
	srvCtx, stopServe := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := serveUntilDone(srvCtx, ln, h); err != nil {
			e.log.Error("token endpoint", "err", err)
		}
	}()
	endpoint := "http://" + ln.Addr().String()
	if e.backend != nil {
		e.backend.setManaged(c)
	}
	say(fmt.Sprintf("LiveKit %s ready; token endpoint %s", srv.URL, endpoint))
	close(progress)
	e.mu.Lock()
	e.stop = func() {
		stopServe()
		<-done
		c.Stop()
	}
	e.mu.Unlock()
	return ui.DevServerReadyMsg{EndpointURL: endpoint, ServerURL: srv.URL, APIKey: srv.APIKey, APISecret: srv.APISecret, Nodes: managedNodes(c)}
}

func (e *embedded) stopAll() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.stop != nil {
		e.stop()
		e.stop = nil
	}
}

// Restart implements ui.DevServer: after the server died, stop what is
// left (the token endpoint) and bring both up again on new ports. Progress
// goes to the log.
func (e *embedded) Restart(ctx context.Context) ui.DevServerReadyMsg {
	e.stopAll()
	progress := make(chan ui.DevProgress)
	go func() {
		for range progress { // start logs every line itself
		}
	}()
	return e.start(ctx, progress)
}

// openLog opens the --log-file; with none, logs are discarded. They never go
// to the screen the dashboard draws on.
func openLog(path string) (*slog.Logger, func(), error) {
	if path == "" {
		return slog.New(slog.NewTextHandler(io.Discard, nil)), func() {}, nil
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("--log-file: %w", err)
	}
	return slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug})), func() { f.Close() }, nil
}

// managedNodes lists the cluster's nodes for the dashboard.
func managedNodes(c *devserver.Cluster) []ui.ManagedNode {
	out := make([]ui.ManagedNode, len(c.Nodes))
	for i, n := range c.Nodes {
		out[i] = ui.ManagedNode{ID: n.NodeID, URL: n.URL}
	}
	return out
}
