package doctor

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lkdash/lkdash/devserver"
	"github.com/lkdash/lkdash/internal/doccheck"
	"github.com/lkdash/lkdash/internal/lktest"
	"github.com/lkdash/lkdash/tokens"
)

// The doctor's tests run against a real livekit-server; a case that needs a
// server misconfigured on purpose starts its own (lktest.DedicatedWith).
var shared = lktest.NewShared("doctor")

func TestMain(m *testing.M) {
	code := m.Run()
	shared.Stop(code)
	os.Exit(code)
}

// doctor is a library: every exported name says what it is for.
func TestExportedNamesDocumented(t *testing.T) {
	doccheck.Check(t, ".")
}

// mintAt mints tokens for srv's key pair, to be used at url (a proxy in
// front of srv, or srv itself).
func mintAt(srv *devserver.Server, url string) *tokens.Mint {
	return &tokens.Mint{ServerURL: url, APIKey: srv.APIKey, APISecret: srv.APISecret}
}

// runChecks runs the named checks (all when none) in a room of the test's
// own and returns the results by check.
func runChecks(t *testing.T, cfg Config, checks ...CheckName) map[CheckName]Result {
	t.Helper()
	cfg.Checks = checks
	cfg.Options.RoomName = strings.ReplaceAll(t.Name(), "/", "-") + "-" + time.Now().Format("150405.000")
	if cfg.ProtocolDuration == 0 {
		cfg.ProtocolDuration = time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out := map[CheckName]Result{}
	sum := Run(ctx, cfg, func(r Result) { out[r.Check] = r })
	if len(sum.Results) != len(out) {
		t.Errorf("reported %d results, returned %d", len(out), len(sum.Results))
	}
	return out
}

// want fails unless res has the state and its worst problem's cause holds
// every piece.
func want(t *testing.T, res Result, state State, pieces ...string) {
	t.Helper()
	if res.State != state {
		t.Errorf("%s: %s, want %s: %s %+v", res.Check, res.State, state, res.Summary, res.Problems)
		return
	}
	if len(pieces) == 0 {
		return
	}
	text := ""
	if len(res.Problems) > 0 {
		text = res.Problems[0].Cause + " | " + res.Problems[0].Fix
	}
	for _, p := range pieces {
		if !strings.Contains(text, p) {
			t.Errorf("%s: the cause does not name %q:\n%s", res.Check, p, text)
		}
	}
}
