// Command joiners connects n SDK participants to a room, for the
// dashboard's load test: it runs in its own process so that the test's
// race detector does not slow 300 WebRTC clients down to timeouts.
//
//	joiners URL API_KEY API_SECRET ROOM N
//
// It prints "joined" once all are in (or "error: …" and exits 1), then
// disconnects them all when stdin closes and prints "left".
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
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
	url, key, secret, room := os.Args[1], os.Args[2], os.Args[3], os.Args[4]
	n, err := strconv.Atoi(os.Args[5])
	if err != nil {
		fail(err)
	}
	lksdk.SetLogger(logger.LogRLogger(logr.Discard()))
	rooms := make([]*lksdk.Room, n)
	errs := make(chan error, n)
	sem := make(chan struct{}, 32) // a burst, bounded for a 2-core machine
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
				rooms[i], err = lksdk.ConnectToRoomWithToken(url, tok, lksdk.NewRoomCallback(), lksdk.WithAutoSubscribe(false))
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
	fmt.Println("joined")
	_, _ = io.Copy(io.Discard, bufio.NewReader(os.Stdin))
	var left sync.WaitGroup
	for _, r := range rooms {
		left.Add(1)
		go func() { defer left.Done(); r.Disconnect() }()
	}
	left.Wait()
	fmt.Println("left")
}

func fail(err error) {
	fmt.Println("error:", err)
	os.Exit(1)
}
