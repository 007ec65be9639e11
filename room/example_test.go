package room_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"os/signal"
	"time"

	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/tokens"
)

// Join a room through a token endpoint and follow its events until the
// server pushes its first refreshed token. (It needs a LiveKit server and a
// token endpoint, so it is compiled but not run by go test.)
func ExampleJoin() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	src := tokens.NewCaching(&tokens.Endpoint{URL: "http://127.0.0.1:8080/token"}, nil)
	opts := tokens.Options{RoomName: "demo", ParticipantIdentity: "watcher", ParticipantName: "Watcher"}

	joinCtx, cancel := context.WithTimeout(ctx, 15*time.Second) // bounds the join only
	sess, err := room.Join(joinCtx, src, opts, room.Config{})
	cancel()
	if err != nil {
		var je *room.JoinError
		if errors.As(err, &je) && je.Reason == room.ReasonExpired {
			src.Invalidate() // the cached token was refused: fetch a new one next time
		}
		log.Fatal(err)
	}
	defer sess.Leave()

	for {
		select {
		case <-ctx.Done():
			return // Leave (deferred) emits Disconnected and closes Events
		case ev, ok := <-sess.Events():
			if !ok {
				return
			}
			switch e := ev.(type) {
			case room.Connected:
				fmt.Printf("joined %s as %s (%d already there)\n", e.Room, e.Local.Identity, len(e.Participants))
			case room.ParticipantJoined:
				fmt.Println("joined:", e.Participant.Identity)
			case room.ParticipantLeft:
				fmt.Println("left:", e.Participant.Identity)
			case room.TokenRefreshed:
				// The server's new token for this session, compared with the
				// previous one: a refresh can shorten its life.
				fmt.Printf("token refreshed: lifetime %v, %d claims changed\n", e.Diff.LifetimeChange, len(e.Diff.Changed))
				for _, c := range e.Diff.Changed {
					fmt.Printf("  %s: %s -> %s\n", c.Claim, c.Old, c.New)
				}
				return
			case room.Disconnected:
				fmt.Println("disconnected:", e.Reason)
				return
			default:
				fmt.Println(ev.Type())
			}
		}
	}
}

// With the API key and secret in Config, TriggerRefresh makes the server
// push a refreshed token now, rather than at its next 5-minute tick.
// (Compiled, not run: it needs a LiveKit server.)
func ExampleSession_TriggerRefresh() {
	ctx := context.Background()
	key, secret := "devkey", "secret"
	src := &tokens.Mint{ServerURL: "ws://127.0.0.1:7880", APIKey: key, APISecret: secret}
	sess, err := room.Join(ctx, src, tokens.Options{RoomName: "demo"}, room.Config{APIKey: key, APISecret: secret})
	if err != nil {
		log.Fatal(err)
	}
	defer sess.Leave()

	if err := sess.TriggerRefresh(ctx); err != nil {
		log.Fatal(err)
	}
	for ev := range sess.Events() {
		if r, ok := ev.(room.TokenRefreshed); ok {
			for _, c := range r.Diff.Changed {
				if c.Claim == "attributes."+room.RefreshAttribute {
					fmt.Println("the refresh we asked for arrived; the token now expires", r.Decoded.ExpiresAt)
					return
				}
			}
		}
	}
}
