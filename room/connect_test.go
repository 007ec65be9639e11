package room

import (
	"context"
	"errors"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/lkdash/lkdash/internal/lktest"
	"github.com/lkdash/lkdash/tokens"
)

// TestConnectStreamsProgressThenConnected: a session from Connect reports
// each join step as it happens, then Connected; Joined agrees.
func TestConnectStreamsProgressThenConnected(t *testing.T) {
	t.Parallel()
	srv := shared.Server(t)
	s := Connect(context.Background(), mint(srv), tokens.Options{RoomName: roomName(t), ParticipantIdentity: "ivy"}, Config{})
	t.Cleanup(s.Leave)
	c, before := waitFor[Connected](t, s, nil)
	var steps []JoinStep
	for _, ev := range before {
		p, ok := ev.(JoinProgress)
		if !ok {
			t.Fatalf("%s before connected", ev.Type())
		}
		steps = append(steps, p.Step)
	}
	if !slices.Equal(steps, []JoinStep{StepFetchingToken, StepConnecting}) {
		t.Errorf("steps = %v", steps)
	}
	if err := s.Joined(context.Background()); err != nil || c.Local.Identity != "ivy" {
		t.Errorf("Joined = %v, connected = %+v", err, c)
	}
	if s.Response().ServerURL != srv.URL || s.Token().Subject != "ivy" {
		t.Errorf("response %+v, token %+v", s.Response(), s.Token())
	}
}

// TestConnectFailureEndsWithJoinFailed: a refused token ends the stream with
// JoinFailed carrying the JoinError Join would have returned.
func TestConnectFailureEndsWithJoinFailed(t *testing.T) {
	t.Parallel()
	srv := shared.Server(t)
	src := &tokens.Mint{ServerURL: srv.URL, APIKey: srv.APIKey, APISecret: "not-the-secret"}
	s := Connect(context.Background(), src, tokens.Options{RoomName: roomName(t), ParticipantIdentity: "jan"}, Config{})
	f, _ := waitFor[JoinFailed](t, s, nil)
	if f.Err == nil || f.Err.Reason != ReasonBadSignature {
		t.Fatalf("join failed = %+v", f.Err)
	}
	if _, ok := <-s.Events(); ok {
		t.Error("events still open after join_failed")
	}
	var je *JoinError
	if err := s.Joined(context.Background()); !errors.As(err, &je) || je.Reason != ReasonBadSignature {
		t.Errorf("Joined = %v", err)
	}
	if !errors.Is(s.PublishData([]byte("x"), "", true), ErrNotJoined) {
		t.Error("a failed session still publishes")
	}
	s.Leave() // must not hang or panic
	<-s.Done()
}

// stuckSource never answers until its context ends: a token server that
// hangs.
type stuckSource struct{ tokens.Mint }

func (stuckSource) Fetch(ctx context.Context, _ tokens.Options) (tokens.Response, error) {
	<-ctx.Done()
	return tokens.Response{}, ctx.Err()
}

// TestLeaveDuringConnect: leaving while the token source hangs abandons
// the join at once: JoinFailed (canceled), events closed, Done closed.
func TestLeaveDuringConnect(t *testing.T) {
	t.Parallel()
	s := Connect(context.Background(), stuckSource{}, tokens.Options{}, Config{})
	waitFor(t, s, func(p JoinProgress) bool { return p.Step == StepFetchingToken })
	if err := s.Joined(ctxWithin(t, 50*time.Millisecond)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Joined while stuck = %v", err)
	}
	done := make(chan struct{})
	go func() { s.Leave(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Leave hung on a join under way")
	}
	f, _ := waitFor[JoinFailed](t, s, nil)
	if f.Err.Reason != ReasonCanceled || !errors.Is(f.Err, context.Canceled) {
		t.Errorf("join failed = %+v", f.Err)
	}
	<-s.Done()
}

func ctxWithin(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// TestAbortWhileReconnecting: the caller knows the server is gone (here:
// it killed it) and ends the session with its own code and detail instead
// of the SDK's minute of retries.
func TestAbortWhileReconnecting(t *testing.T) {
	t.Parallel()
	srv := lktest.Dedicated(t)
	s := join(t, srv, "kim", Config{})
	waitFor[TokenRefreshed](t, s, nil)
	if err := syscall.Kill(srv.PID(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitFor[ReconnectAttempt](t, s, nil)
	s.Abort("SERVER_EXITED", "the server exited", []string{"last log line"})
	d, _ := waitWithin[Disconnected](t, s, 30*time.Second, nil)
	if d.Code != "SERVER_EXITED" || d.Reason != "the server exited" || !slices.Equal(d.Detail, []string{"last log line"}) || d.ReconnectAttempts < 1 {
		t.Fatalf("disconnected = %+v", d)
	}
	for range s.Events() {
	} // must close
	select {
	case <-s.Done():
	case <-time.After(30 * time.Second):
		t.Fatal("Done not closed after Abort")
	}
	s.Abort("AGAIN", "twice", nil) // after the end: nothing
	s.Leave()
}
