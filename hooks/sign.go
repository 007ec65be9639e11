package hooks

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
	"google.golang.org/protobuf/encoding/protojson"
)

// ValidFor is how long livekit-server's webhook tokens are valid.
const ValidFor = 5 * time.Minute

// Signed is a delivery as a sender makes it: the exact body bytes and the
// Authorization token that signs them.
type Signed struct {
	Body          []byte // the event in protojson, as sent
	Authorization string // the JWT for the Authorization header
}

// Sign makes the delivery livekit-server would send for ev: the body is
// ev in protojson, the token is signed with key and secret, valid for
// ValidFor, and carries the body's base64 SHA-256.
func Sign(ev *livekit.WebhookEvent, key, secret string) (Signed, error) {
	body, err := protojson.Marshal(ev)
	if err != nil {
		return Signed{}, fmt.Errorf("hooks: encoding the event: %w", err)
	}
	tok, err := auth.NewAccessToken(key, secret).SetValidFor(ValidFor).SetSha256(bodyHash(body)).ToJWT()
	if err != nil {
		return Signed{}, fmt.Errorf("hooks: signing: %w", err)
	}
	return Signed{Body: body, Authorization: tok}, nil
}

// signAt signs body with a token whose validity is set by hand: the access
// token builder always starts validity now, and an expired delivery needs
// a token that ended in the past.
func signAt(body []byte, key, secret string, notBefore, expires time.Time) (string, error) {
	claims := struct {
		jwt.RegisteredClaims
		auth.ClaimGrants
	}{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: key, IssuedAt: jwt.NewNumericDate(notBefore),
			NotBefore: jwt.NewNumericDate(notBefore), ExpiresAt: jwt.NewNumericDate(expires),
		},
		ClaimGrants: auth.ClaimGrants{Sha256: bodyHash(body)},
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(secret))
}

func bodyHash(body []byte) string {
	sum := sha256.Sum256(body)
	return base64.StdEncoding.EncodeToString(sum[:])
}
