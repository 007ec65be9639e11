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
	"slices"
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
	root := rootFor(s, args)
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

// command is one of lkdash's commands, built on demand.
type command struct {
	name  string
	build func(*streams) *cobra.Command
}

var commands = []command{
	{"decode", newDecodeCmd}, {"fetch", newFetchCmd}, {"serve", newServeCmd}, {"join", newJoinCmd},
	{"agent", newAgentCmd}, {"webhook", newWebhookCmd}, {"devserver", newDevserverCmd}, {"api", newAPICmd},
	{"invite", newInviteCmd}, {"doctor", newDoctorCmd},
}

// newRootCmd is lkdash with the dashboard and every command.
func newRootCmd(s *streams) *cobra.Command {
	root := bareRoot()
	addDashboard(root, s)
	for _, c := range commands {
		root.AddCommand(c.build(s))
	}
	return root
}

// rootFor is lkdash with what args need. Building every command's flags
// and help takes about 2 ms, a third of what lkdash adds to the SDK's own
// start (BenchmarkJoinProcess). So a line that begins with a command gets
// that command; one that names none (the dashboard) gets no command; any
// other (help, completion, a command after flags) gets them all.
func rootFor(s *streams, args []string) *cobra.Command {
	root := bareRoot()
	if c, ok := commandNamed(args); ok {
		root.AddCommand(c.build(s))
		return root
	}
	if slices.ContainsFunc(args, selectsCommand) {
		return newRootCmd(s)
	}
	addDashboard(root, s)
	return root
}

// commandNamed is the command args begin with, if they do.
func commandNamed(args []string) (command, bool) {
	if len(args) == 0 {
		return command{}, false
	}
	i := slices.IndexFunc(commands, func(c command) bool { return c.name == args[0] })
	if i < 0 {
		return command{}, false
	}
	return commands[i], true
}

// selectsCommand says whether arg may choose a command or help: cobra
// finds a command after flags too.
func selectsCommand(arg string) bool {
	switch arg {
	case "help", "completion", cobra.ShellCompRequestCmd, cobra.ShellCompNoDescRequestCmd, "-h", "--help":
		return true
	}
	_, ok := commandNamed([]string{arg})
	return ok
}

// bareRoot is lkdash's root command, before the dashboard and commands
// are added.
func bareRoot() *cobra.Command {
	root := &cobra.Command{
		Use:           "lkdash",
		Short:         "A terminal dashboard for LiveKit tokens and rooms",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetUsageFunc(usage)
	// Main paused the collector for the dashboard's first frame; the other
	// commands run with it, or resume it themselves (see gcpause.go).
	root.PersistentPreRun = func(cmd *cobra.Command, _ []string) {
		if _, own := cmd.Annotations[keepsGCPaused]; cmd != root && !own {
			resumeGC()
		}
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
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
