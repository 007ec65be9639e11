package tokens

import (
	"github.com/golang-jwt/jwt/v5"
)

// Signature is the outcome of checking a token's HMAC.
type Signature string

const (
	// SignatureVerified: HS256 with the given secret matches.
	SignatureVerified Signature = "verified"
	// SignatureInvalid: wrong secret, tampered token, or an algorithm other
	// than HS256 (which livekit-server never accepts).
	SignatureInvalid Signature = "invalid"
	// SignatureUnverified: no secret to check with.
	SignatureUnverified Signature = "unverified"
)

// hs256 is the only algorithm livekit-server accepts
// (protocol auth/verifier.go: allowedSigningMethods).
var hs256 = jwt.SigningMethodHS256

// Verify checks the HS256 signature against secret. A token signed with any
// other algorithm is invalid whatever the secret, since the server rejects
// it before looking at the key.
func (t *Token) Verify(secret string) Signature {
	if t == nil {
		return SignatureInvalid
	}
	if alg, _ := t.Header["alg"].(string); alg != hs256.Alg() {
		return SignatureInvalid
	}
	if secret == "" {
		return SignatureUnverified
	}
	if err := hs256.Verify(t.signingInput, t.signature, []byte(secret)); err != nil {
		return SignatureInvalid
	}
	return SignatureVerified
}
