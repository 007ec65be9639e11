// Command barejoin is the baseline for lkdash join: the least a Go program
// needs to mint a token and join a room with the LiveKit SDK. Given
// URL KEY SECRET ROOM IDENTITY it prints "connected" once joined, then
// leaves; given nothing it exits at once (to time process start alone).
package main

import (
	"fmt"
	"os"

	lksdk "github.com/livekit/server-sdk-go/v2"
)

func main() {
	if len(os.Args) != 6 {
		return
	}
	url, key, secret, room, identity := os.Args[1], os.Args[2], os.Args[3], os.Args[4], os.Args[5]
	r, err := lksdk.ConnectToRoom(url, lksdk.ConnectInfo{APIKey: key, APISecret: secret, RoomName: room, ParticipantIdentity: identity},
		&lksdk.RoomCallback{}, lksdk.WithAutoSubscribe(false))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("connected")
	r.Disconnect()
}
