package cli

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/lkdash/lkdash/standin"
)

func newAgentCmd(s *streams) *cobra.Command {
	var name, project, serverURL, apiKey, apiSecret, say string
	var forDur time.Duration
	cmd := &cobra.Command{
		Use:   "agent --name NAME",
		Short: "Run a stand-in agent worker and print its jobs as JSON lines",
		Long: "Agent registers a worker for NAME with the server over LiveKit's agent worker\n" +
			"protocol, accepts every job dispatched to that name, joins each job's room as the\n" +
			"agent participant (kind agent) and leaves when the job ends or the room empties. It\n" +
			"prints one JSON object per worker event (worker_registered, job_started, said, job_ended,\n" +
			"job_failed). Ctrl-C leaves every room and deregisters.\n\n" +
			"--say TEXT makes it play one turn in each room it joins, as a real agent would: it\n" +
			"publishes the demo tone as its voice, moves its lk.agent.state listening → speaking →\n" +
			"listening and sends TEXT as the transcription of that voice (lk.transcription), then\n" +
			"prints said.\n\n" +
			"An empty --name registers for automatic dispatch: the server then sends this worker\n" +
			"every new room whose token asks for no agent.\n\n" +
			"It needs --url, --api-key and --api-secret (or LIVEKIT_URL, LIVEKIT_API_KEY,\n" +
			"LIVEKIT_API_SECRET, or an lk project). With none of them it starts the managed local\n" +
			"server and prints how to join it.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !cmd.Flags().Changed("name") {
				return usageErrorf("--name is required (use --name \"\" for automatic dispatch)")
			}
			ctx := cmd.Context()
			creds, srv, err := credentialsOrLocal(ctx, s, project, serverURL, apiKey, apiSecret)
			if err != nil {
				return err
			}
			if srv != nil {
				defer srv.Stop()
				// Only the well-known dev pair is ever printed; it is no secret.
				fmt.Fprintf(s.err, "lkdash: join it with: lkdash join --url %s --api-key %s --api-secret %s --agent-name %q\n",
					srv.URL, srv.APIKey, srv.APISecret, name)
			}
			switch {
			case creds.url == "":
				return usageErrorf("agent needs the server URL: --url or LIVEKIT_URL")
			case creds.key == "" || creds.secret == "":
				return usageErrorf("agent needs both --api-key and --api-secret (or LIVEKIT_API_KEY and LIVEKIT_API_SECRET)")
			}
			w, err := standin.Register(ctx, standin.Config{
				URL: creds.url, APIKey: creds.key, APISecret: creds.secret, AgentName: name, Now: s.now, Say: say,
			})
			if err != nil {
				return err
			}
			defer w.Close()
			return streamWorker(cmd, s, w, forDur)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&name, "name", "", "agent name to register (must match the dispatch exactly, case included)")
	fs.StringVar(&serverURL, "url", "", "LiveKit server URL (env LIVEKIT_URL)")
	fs.StringVar(&project, "project", "", "use this project saved by the lk CLI (~/.livekit/cli-config.yaml)")
	fs.StringVar(&apiKey, "api-key", "", "API key (env LIVEKIT_API_KEY)")
	fs.StringVar(&apiSecret, "api-secret", "", "API secret (env LIVEKIT_API_SECRET; prefer the env var: flags show in ps)")
	fs.DurationVar(&forDur, "for", 0, "deregister after this long (default: until Ctrl-C)")
	fs.StringVar(&say, "say", "", "in each room: publish the demo tone, go listening → speaking → listening and send this text as a transcription")
	return cmd
}

// streamWorker prints the worker's events until --for elapses, Ctrl-C or
// the connection ends; stopping deregisters and prints the jobs' ends. A
// connection the server ended is a failure.
func streamWorker(cmd *cobra.Command, s *streams, w *standin.Worker, forDur time.Duration) error {
	var done <-chan time.Time
	if forDur > 0 {
		t := time.NewTimer(forDur)
		defer t.Stop()
		done = t.C
	}
	stop := func() error {
		_ = w.Close()
		for ev := range w.Events() {
			if err := printWorkerEvent(s, ev); err != nil {
				return err
			}
		}
		return nil
	}
	for {
		select {
		case <-cmd.Context().Done():
			return stop()
		case <-done:
			return stop()
		case ev, ok := <-w.Events():
			if !ok {
				if err := w.Err(); err != nil {
					return err
				}
				return nil
			}
			if err := printWorkerEvent(s, ev); err != nil {
				return err
			}
		}
	}
}

func printWorkerEvent(s *streams, ev standin.Event) error {
	line, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(s.out, "%s\n", line)
	return err
}
