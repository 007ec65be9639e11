// Package invite gets a token for a second participant in a room, so that
// someone else (a phone, a colleague, LiveKit Meet) can join and answer
// "can they see me?" with a real client. It builds the LiveKit Meet
// custom-connection link that carries the server URL and the token, and
// draws that link as a QR code for a terminal. The token and the link are
// credentials: whoever has them can join the room as the invited identity
// until the token expires.
package invite

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/lkdash/lkdash/internal/format"
	"github.com/lkdash/lkdash/internal/textsafe"
	"github.com/lkdash/lkdash/tokens"
)

// MeetCustomURL is LiveKit Meet's page that joins any server with a token
// given in its query (liveKitUrl, token).
const MeetCustomURL = "https://meet.livekit.io/custom"

// Invite is a token for a new participant in a room.
type Invite struct {
	ServerURL string        // the LiveKit server, as the token source returned it
	Token     string        // the participant token: a credential
	Room      string        // the room the token joins (its video.room)
	Identity  string        // the invited participant's identity
	ExpiresAt time.Time     // the token's exp; zero when it has none
	Decoded   *tokens.Token // the token, decoded
}

// New fetches a token for a new identity from src: opts.ParticipantIdentity,
// or "guest-" and a random suffix. The token must grant joining a room;
// with a minting source its lifetime is the source's TTL.
func New(ctx context.Context, src tokens.ConfigurableSource, opts tokens.Options) (Invite, error) {
	if opts.ParticipantIdentity == "" {
		opts.ParticipantIdentity = "guest-" + strings.ToLower(rand.Text()[:6])
	}
	resp, err := src.Fetch(ctx, opts)
	if err != nil {
		return Invite{}, fmt.Errorf("invite: fetching a token: %w", err)
	}
	if resp.ServerURL == "" {
		return Invite{}, errors.New("invite: the token source returned no server URL")
	}
	tok, err := tokens.Decode(resp.ParticipantToken)
	if err != nil {
		return Invite{}, fmt.Errorf("invite: the token source returned a token that does not decode: %w", err)
	}
	inv := Invite{ServerURL: resp.ServerURL, Token: tok.Raw, Identity: tok.Identity(), ExpiresAt: tok.ExpiresAt, Decoded: tok}
	if g := tok.Grants; g != nil && g.Video != nil {
		inv.Room = g.Video.Room
		if !g.Video.RoomJoin {
			return inv, errors.New("invite: the token does not grant joining a room (video.roomJoin)")
		}
	}
	if opts.RoomName != "" && inv.Room != opts.RoomName {
		return inv, fmt.Errorf("invite: asked for room %q, the token source gave a token for room %q", opts.RoomName, inv.Room)
	}
	return inv, nil
}

// MeetURL is the LiveKit Meet link that joins the room with the invite:
// the server URL and the token, query-encoded. It is a credential.
func (i Invite) MeetURL() string {
	q := url.Values{}
	q.Set("liveKitUrl", i.ServerURL)
	q.Set("token", i.Token)
	return MeetCustomURL + "?" + q.Encode()
}

// Warning says plainly what the invite lets whoever holds it do, and until
// when (in now's time zone). The room and identity come from the token
// source: they are made safe for a terminal.
func (i Invite) Warning(now time.Time) string {
	until := "with no expiry (the token has no exp)"
	if !i.ExpiresAt.IsZero() {
		until = fmt.Sprintf("until %s (%s from now)", i.ExpiresAt.In(now.Location()).Format("15:04:05 MST"),
			format.Duration(i.ExpiresAt.Sub(now)))
	}
	return fmt.Sprintf("The token and the link are a credential: whoever has them can join room %s as %s %s. "+
		"Share them only with the person you invite.", textsafe.Line(i.Room, nameWidth), textsafe.Line(i.Identity, nameWidth), until)
}

// nameWidth bounds a room or identity in Warning.
const nameWidth = 200

// LocalOnly reports whether the server URL names this machine (localhost
// or a loopback address): then only this machine can use the invite.
func (i Invite) LocalOnly() bool {
	u, err := url.Parse(i.ServerURL)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
