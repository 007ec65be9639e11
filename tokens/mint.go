package tokens

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
)

// DefaultTTL is the lifetime of a minted token when Mint.TTL <= 0.
const DefaultTTL = time.Hour

// Grants are the video-grant permissions a minted token carries, named as
// in the token's video claim (roomJoin, canPublish, …). Every one is
// written to the token, false ones included.
type Grants struct {
	// Participant permissions: join the room, publish tracks, subscribe to
	// others', publish data messages, change one's own name, metadata and
	// attributes, and stay hidden from other participants.
	RoomJoin, CanPublish, CanSubscribe, CanPublishData, CanUpdateOwnMetadata, Hidden bool
	// Administrative permissions, for tokens that call the server's APIs
	// rather than join: manage, create, list and record rooms; Agent marks
	// the participant as an agent.
	RoomAdmin, RoomCreate, RoomList, RoomRecord, Agent bool
}

// DefaultGrants is what a participant usually needs: join, publish,
// subscribe, publish data and update its own metadata.
func DefaultGrants() Grants {
	return Grants{RoomJoin: true, CanPublish: true, CanSubscribe: true, CanPublishData: true, CanUpdateOwnMetadata: true}
}

// videoGrant sets every permission explicitly, so the token says what it
// denies as well as what it allows.
func (g Grants) videoGrant(room string) *auth.VideoGrant {
	v := &auth.VideoGrant{
		Room: room, RoomJoin: g.RoomJoin, Hidden: g.Hidden, RoomAdmin: g.RoomAdmin,
		RoomCreate: g.RoomCreate, RoomList: g.RoomList, RoomRecord: g.RoomRecord, Agent: g.Agent,
	}
	v.SetCanPublish(g.CanPublish)
	v.SetCanSubscribe(g.CanSubscribe)
	v.SetCanPublishData(g.CanPublishData)
	v.SetCanUpdateOwnMetadata(g.CanUpdateOwnMetadata)
	return v
}

// Mint signs tokens locally with an API key and secret, like a token server
// would. A zero Grants means DefaultGrants (an all-false grant set is almost
// always a forgotten field; to mint a token without roomJoin, set any other
// grant). Omitted identity and room are invented ("user-…", "room-…") like the
// sandbox server does, and echoed in the Response.
type Mint struct {
	ServerURL string // returned as Response.ServerURL
	// APIKey (the token's iss) and APISecret sign the token; the secret
	// never appears in String, errors or logs.
	APIKey, APISecret string
	TTL               time.Duration    // <= 0 means DefaultTTL
	Grants            Grants           // zero means DefaultGrants
	Now               func() time.Time // nil means time.Now; sets iat/nbf/exp
}

// Fetch mints one token for opts.
func (m *Mint) Fetch(ctx context.Context, opts Options) (Response, error) {
	r, _, err := m.mint(ctx, opts)
	return r, err
}

// String shows the key and server, never the secret.
func (m Mint) String() string {
	return fmt.Sprintf("mint %s (key %s, ttl %s)", redactURL(m.ServerURL), m.APIKey, m.ttl())
}

// GoString keeps %#v from printing the secret.
func (m Mint) GoString() string { return m.String() }

func (m *Mint) ttl() time.Duration {
	if m.TTL <= 0 {
		return DefaultTTL
	}
	return m.TTL
}

// mint also returns the identity (which Response has no field for) for
// the handler's log.
func (m *Mint) mint(ctx context.Context, opts Options) (Response, string, error) {
	if err := ctx.Err(); err != nil {
		return Response{}, "", err
	}
	var missing []string
	if strings.TrimSpace(m.ServerURL) == "" {
		missing = append(missing, "server URL")
	}
	if m.APIKey == "" {
		missing = append(missing, "API key")
	}
	if m.APISecret == "" {
		missing = append(missing, "API secret")
	}
	if len(missing) > 0 {
		verb := " is required"
		if len(missing) > 1 {
			verb = " are required"
		}
		err := errors.New("mint: " + strings.Join(missing, " and ") + verb)
		if missing[0] == "server URL" {
			err = fmt.Errorf("%w (%w)", err, ErrEmptyURL)
		}
		return Response{}, "", err
	}
	identity := opts.ParticipantIdentity
	if identity == "" {
		identity = "user-" + shortID()
	}
	room := opts.RoomName
	if room == "" {
		room = "room-" + shortID()
	}
	grants := m.Grants
	if grants == (Grants{}) {
		grants = DefaultGrants()
	}

	at := auth.NewAccessToken(m.APIKey, m.APISecret).
		SetIdentity(identity).
		SetName(opts.ParticipantName).
		SetMetadata(opts.ParticipantMetadata).
		SetAttributes(opts.ParticipantAttributes).
		SetVideoGrant(grants.videoGrant(room)).
		SetValidFor(m.ttl())
	if opts.HasAgent() {
		at.SetAgents(&livekit.RoomAgentDispatch{
			AgentName: opts.AgentName, Metadata: opts.AgentMetadata, Deployment: opts.AgentDeployment,
		})
	}
	var (
		token string
		err   error
	)
	if m.Now == nil {
		token, err = at.ToJWT()
	} else {
		token, err = signAt(at, m.APIKey, m.APISecret, m.Now(), m.ttl())
	}
	if err != nil {
		// auth's errors name no secret; keep them but never add ours.
		return Response{}, "", fmt.Errorf("mint: signing failed: %w", err)
	}
	name := opts.ParticipantName
	if name == "" {
		name = identity
	}
	return Response{ServerURL: strings.TrimSpace(m.ServerURL), ParticipantToken: token, RoomName: room, ParticipantName: name}, identity, nil
}

// signAt signs the same claims AccessToken.ToJWT would, but at an injected
// time (ToJWT always uses time.Now), so tests can mint expired or
// not-yet-valid tokens.
func signAt(at *auth.AccessToken, key, secret string, now time.Time, ttl time.Duration) (string, error) {
	g := at.GetGrants()
	claims := struct {
		jwt.RegisteredClaims
		auth.ClaimGrants
	}{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    key,
			Subject:   g.Identity,
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
		ClaimGrants: *g,
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
}

// shortID is 8 random lowercase base32 characters.
func shortID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	for i := range b {
		b[i] = alphabet[b[i]%32]
	}
	return string(b)
}
