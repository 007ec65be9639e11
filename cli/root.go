// Package cli holds lkdash's command line: flag parsing, the lk CLI config,
// and the decode, fetch, serve, join and devserver commands. It wires the
// tokens, room, devserver and ui packages; none of them depends on it.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/lkdash/lkdash/internal/textsafe"
)

// streams are the process's standard streams, injectable for tests.
type streams struct {
	in       io.Reader
	out, err io.Writer
	now      func() time.Time
}

// Main runs lkdash with args (without the program name) and returns the
// process exit code.
func Main(args []string, in io.Reader, out, errOut io.Writer) int {
	pauseGC()
	defer resumeGC()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, args, &streams{in: in, out: out, err: errOut, now: time.Now})
}

// run executes one command line and reports its error on s.err.
func run(ctx context.Context, args []string, s *streams) int {
	root := newRootCmd(s)
	root.SetArgs(args)
	root.SetIn(s.in)
	root.SetOut(s.out)
	root.SetErr(s.err)
	err := root.ExecuteContext(ctx)
	if err != nil && !errors.Is(err, errSilentFailure) && !errors.Is(err, errInterrupted) {
		// Errors can quote server bodies and token claims: keep them inert.
		fmt.Fprintf(s.err, "lkdash: %s\n", textsafe.Line(err.Error(), 1000))
	}
	return exitCode(err)
}

func newRootCmd(s *streams) *cobra.Command {
	root := &cobra.Command{
		Use:           "lkdash",
		Short:         "A terminal dashboard for LiveKit tokens and rooms",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetUsageFunc(usage)
	// Main paused the collector for the dashboard's first frame; the other
	// commands run with it.
	root.PersistentPreRun = func(cmd *cobra.Command, _ []string) {
		if cmd != root {
			resumeGC()
		}
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	addDashboard(root, s)
	root.AddCommand(newDecodeCmd(s), newFetchCmd(s), newServeCmd(s), newJoinCmd(s), newAgentCmd(s), newWebhookCmd(s), newDevserverCmd(s), newAPICmd(s), newInviteCmd(s), newDoctorCmd(s))
	return root
}

// rootArgs makes a mistyped command a usage error rather than a dashboard.
func rootArgs(_ *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErrorf("unknown command %q (see lkdash --help)", args[0])
	}
	return nil
}

// noArgs rejects positional arguments as a usage error.
func noArgs(_ *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErrorf("unexpected argument %q", args[0])
	}
	return nil
}
