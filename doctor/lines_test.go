package doctor

import (
	"slices"
	"testing"
	"time"

	"github.com/lkdash/lkdash/room"
)

// The problem lines label each problem by what it is to the result: the
// cause, why a check did not run, or a milder finding beside the worst.
func TestProblemLines(t *testing.T) {
	res := Result{State: Fail, Problems: []Problem{
		{State: Fail, Cause: "nothing answered", Fix: "open UDP 7882"},
		{State: Warn, Cause: "no ICE/TCP"},
	}}
	want := []string{"cause: nothing answered", "fix:   open UDP 7882", "warn:  no ICE/TCP"}
	if got := res.ProblemLines(); !slices.Equal(got, want) {
		t.Errorf("ProblemLines = %q, want %q", got, want)
	}
	skip := skipped("interrupted")
	skip.settle()
	if got := skip.ProblemLines(); !slices.Equal(got, []string{"why:   interrupted"}) {
		t.Errorf("a skipped check's lines = %q", got)
	}
}

// Lists sit under a heading, two spaces in; a blocked candidate says so.
func TestDetailLines(t *testing.T) {
	d := Details{Candidates: []room.Candidate{
		{Protocol: "udp", Address: "127.0.0.1", Port: 7882, Type: "host"},
		{Protocol: "tcp", Address: "127.0.0.1", Port: 7881, Type: "host", TCPType: "passive", Handling: room.HandlingDropped},
	}, Tracks: []TrackRun{{Name: "demo-audio", Kind: "audio", PacketsSent: 50, PacketsReceived: 49, Codec: "opus"}}}
	want := []string{
		"candidates the server offers:",
		"  udp 127.0.0.1:7882         host",
		"  tcp 127.0.0.1:7881         host passive  (dropped by --block)",
		"audio demo-audio: 50 packets sent, 49 received opus",
	}
	if got := d.Lines(); !slices.Equal(got, want) {
		t.Errorf("Lines =\n%q\nwant\n%q", got, want)
	}
}

// TestTook: a check that ran says how long; one that was skipped says no
// figure at all, not "0.0 ms".
func TestTook(t *testing.T) {
	if got := (Result{State: Pass, Duration: 36 * time.Millisecond}).Took(); got != "36 ms" {
		t.Errorf("a run check took %q", got)
	}
	if got := (Result{State: Skip, Duration: 20 * time.Microsecond}).Took(); got != "—" {
		t.Errorf("a skipped check took %q", got)
	}
}
