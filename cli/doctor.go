package cli

import (
	"crypto/x509"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/lkdash/lkdash/doctor"
	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/tokens"
)

// doctorFlags are doctor's own flags, beyond the source flags.
type doctorFlags struct {
	asJSON, quick   bool
	checks, blocks  []string
	cas             []string
	protocolSeconds int
}

func (df *doctorFlags) register(fl *pflag.FlagSet) {
	fl.BoolVar(&df.quick, "quick", false, "run the checks that need no media only: url, signal, webrtc")
	fl.StringArrayVar(&df.checks, "check", nil, "run only check `NAME` (repeatable): "+checkNames())
	fl.IntVar(&df.protocolSeconds, "protocol-seconds", int(doctor.DefaultProtocolDuration/time.Second), "`seconds` the protocol check publishes over each of UDP and TCP")
	fl.StringArrayVar(&df.blocks, "block", nil, "reproduce a hostile network: `udp|tcp|host` (repeatable); udp and tcp drop those ICE candidates, "+
		"host makes the server's advertised addresses unreachable")
	fl.StringArrayVar(&df.cas, "ca", nil, "also trust the certificate authorities in this PEM `file` (repeatable; SSL_CERT_FILE works too)")
	fl.BoolVar(&df.asJSON, "json", false, "print one JSON object per check, then a summary (see docs/json.md)")
	inGroup(fl, groupChecks, "quick", "check", "protocol-seconds", "block", "ca")
	inGroup(fl, groupOutput, "json")
}

// config turns the flags into the doctor's Config, or a usage error.
func (df *doctorFlags) config() (doctor.Config, error) {
	var cfg doctor.Config
	if df.quick && len(df.checks) > 0 {
		return cfg, usageErrorf("--quick and --check: use one (--quick is --check url --check signal --check webrtc)")
	}
	if df.quick {
		cfg.Checks = doctor.QuickChecks()
	}
	for _, name := range df.checks {
		c, err := doctor.ParseCheck(name)
		if err != nil {
			return cfg, usageErrorf("--check: %v", err)
		}
		cfg.Checks = append(cfg.Checks, c)
	}
	if df.protocolSeconds < 1 || df.protocolSeconds > 600 {
		return cfg, usageErrorf("--protocol-seconds: %d is out of range (1 to 600)", df.protocolSeconds)
	}
	cfg.ProtocolDuration = time.Duration(df.protocolSeconds) * time.Second
	for _, b := range df.blocks {
		blk, err := room.ParseBlock(b)
		if err != nil {
			return cfg, usageErrorf("--block: %v", err)
		}
		cfg.Block |= blk
	}
	if len(df.cas) > 0 {
		pool, err := loadCAs(df.cas)
		if err != nil {
			return cfg, usageErrorf("--ca: %v", err)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

// loadCAs is the system's trusted authorities plus those in files.
func loadCAs(files []string) (*x509.CertPool, error) {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		if !pool.AppendCertsFromPEM(b) {
			return nil, fmt.Errorf("%s holds no PEM certificate", f)
		}
	}
	return pool, nil
}

func checkNames() string {
	var s string
	for i, c := range doctor.Checks() {
		if i > 0 {
			s += ", "
		}
		s += string(c)
	}
	return s
}

func newDoctorCmd(s *streams) *cobra.Command {
	var f sourceFlags
	var df doctorFlags
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check step by step why a connection fails, and say what to change",
		Long: "Doctor runs LiveKit's connection test from the terminal, over any token source, and ends\n" +
			"each check with a cause and the setting to change:\n" +
			"  url        the scheme, the certificate, GET /, /rtc/validate, the /rtc WebSocket, /twirp;\n" +
			"             the server's verdict on the token beside lkdash's\n" +
			"  signal     one timed join: the server's version, node, region and ICE servers\n" +
			"  webrtc     the server's candidates, those that cannot work from here, the path media took\n" +
			"  turn       a join through TURN relays only (skipped when the server hands out none)\n" +
			"  protocol   the demo over UDP only and over TCP only for --protocol-seconds, compared\n" +
			"  reconnect  a signal reconnect drill, timed\n" +
			"  publish    the demo audio and video, confirmed by a second participant\n\n" +
			"Doctor joins the token's room, with extra participants named <identity>-turn, -proto-udp,\n" +
			"-proto-tcp and -watch, and publishes the demo there for a few seconds. --block reproduces\n" +
			"a network that blocks UDP, TCP or the server's addresses, on any machine.\n" +
			"Exit status 0 when no check fails, 1 when one does. With nothing configured it checks the\n" +
			"managed local server.\n\n" + sourceHelp(),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runDoctor(cmd, s, &f, &df) },
	}
	f.register(cmd.Flags())
	df.register(cmd.Flags())
	return cmd
}

func runDoctor(cmd *cobra.Command, s *streams, f *sourceFlags, df *doctorFlags) error {
	ctx := cmd.Context()
	cfg, err := df.config()
	if err != nil {
		return err
	}
	r, err := f.resolve()
	if err != nil {
		return err
	}
	if !r.configured {
		srv, err := startLocalServer(ctx, s, "")
		if err != nil {
			return err
		}
		defer srv.Stop()
		r.spec = localSpec(r.spec, srv)
		r.keys.Explicit = tokens.CheckConfig{APIKey: srv.APIKey, APISecret: srv.APISecret}
	}
	src, err := buildSource(r.spec)
	if err != nil {
		return err
	}
	cfg.Source, cfg.Options, cfg.Now = src, r.opts, s.now
	cfg.Keys = func(t *tokens.Token, serverURL string) tokens.CheckConfig {
		c, _ := r.keys.For(t, serverURL)
		return c
	}
	out := newDoctorPrinter(s.out, df.asJSON)
	sum := doctor.Run(ctx, cfg, out.result)
	if err := out.summary(sum); err != nil {
		return err
	}
	switch {
	case ctx.Err() != nil:
		return errInterrupted
	case !sum.OK():
		return errSilentFailure
	}
	return nil
}
