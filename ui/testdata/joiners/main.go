// Command joiners connects n SDK participants to a room, for the
// dashboard's load test: it runs in its own process so that the test's
// race detector does not slow 300 WebRTC clients down to timeouts.
//
//	joiners URL[,URL…] API_KEY API_SECRET ROOM N
//
// Participant i joins through the i-th URL in turn (the nodes of a
// cluster). It prints "joined SECONDS" once all are in (or "error: …" and
// exits 1), then "mesh SECONDS" once each sees every other participant of
// the room (the others and one watcher), both counted from its first
// join; it disconnects them all when stdin closes and prints "left".
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/logger"
	lksdk "github.com/livekit/server-sdk-go/v2"
)

func main() {
	if len(os.Args) != 6 {
		fmt.Fprintln(os.Stderr, "usage: joiners URL API_KEY API_SECRET ROOM N")
		os.Exit(2)
	}
	urls, key, secret, room := strings.Split(os.Args[1], ","), os.Args[2], os.Args[3], os.Args[4]
	n, err := strconv.Atoi(os.Args[5])
	if err != nil {
		fail(err)
	}
	lksdk.SetLogger(logger.LogRLogger(logr.Discard()))
	rooms := make([]*lksdk.Room, n)
	errs := make(chan error, n)
	sem := make(chan struct{}, 32) // a burst, bounded for a 2-core machine
	start := time.Now()
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			tok, err := auth.NewAccessToken(key, secret).SetIdentity(fmt.Sprintf("load-%03d", i)).
				SetVideoGrant(&auth.VideoGrant{RoomJoin: true, Room: room}).SetValidFor(time.Hour).ToJWT()
			if err == nil {
				rooms[i], err = lksdk.ConnectToRoomWithToken(urls[i%len(urls)], tok, lksdk.NewRoomCallback(), lksdk.WithAutoSubscribe(false))
			}
			if err != nil {
				errs <- fmt.Errorf("participant %d: %w", i, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		fail(err)
	}
	fmt.Printf("joined %.3f\n", time.Since(start).Seconds())
	if err := waitMesh(rooms, n, 2*time.Minute); err != nil {
		fail(err)
	}
	fmt.Printf("mesh %.3f\n", time.Since(start).Seconds())
	_, _ = io.Copy(io.Discard, bufio.NewReader(os.Stdin))
	var left sync.WaitGroup
	for _, r := range rooms {
		left.Add(1)
		go func() { defer left.Done(); r.Disconnect() }()
	}
	left.Wait()
	fmt.Println("left")
}

// waitMesh waits until every room sees want remote participants.
func waitMesh(rooms []*lksdk.Room, want int, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		short := 0
		for _, r := range rooms {
			if len(r.GetRemoteParticipants()) < want {
				short++
			}
		}
		if short == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("after %s, %d participants still see fewer than %d others", within, short, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func fail(err error) {
	fmt.Println("error:", err)
	os.Exit(1)
}
