package tokens

import (
	"bytes"
	"encoding/json"
	"slices"
	"time"
)

// ClaimChange is one claim that differs between two tokens.
type ClaimChange struct {
	// Claim is a dotted path into the payload: "metadata",
	// "video.canPublish", "attributes.k".
	Claim string
	// Old and New are the values as compact JSON; "" means absent.
	Old, New string
}

// TokenDiff compares two tokens, typically the one a session joined with and
// the one the server sent as a refresh.
type TokenDiff struct {
	// OldExpiry and NewExpiry are the two tokens' exp; zero when absent.
	OldExpiry, NewExpiry time.Time
	// LifetimeChange is NewExpiry - OldExpiry: negative when the new token
	// dies sooner. Zero when either token has no exp.
	LifetimeChange time.Duration
	// Changed lists differing claims sorted by path.
	Changed []ClaimChange
}

// diffIgnored are claims that change on every mint (or are reported as
// expiry) and so say nothing about what the token grants.
var diffIgnored = map[string]bool{"exp": true, "iat": true, "nbf": true, "jti": true}

// Diff compares old and new claim by claim. Either may be nil (no claims).
func Diff(old, new *Token) TokenDiff {
	var d TokenDiff
	var oldClaims, newClaims map[string]any
	if old != nil {
		d.OldExpiry, oldClaims = old.ExpiresAt, old.Claims
	}
	if new != nil {
		d.NewExpiry, newClaims = new.ExpiresAt, new.Claims
	}
	if !d.OldExpiry.IsZero() && !d.NewExpiry.IsZero() {
		d.LifetimeChange = d.NewExpiry.Sub(d.OldExpiry)
	}

	o, n := flatClaims(oldClaims), flatClaims(newClaims)
	paths := make([]string, 0, len(o)+len(n))
	for p := range o {
		paths = append(paths, p)
	}
	for p := range n {
		if _, ok := o[p]; !ok {
			paths = append(paths, p)
		}
	}
	slices.Sort(paths)
	for _, p := range paths {
		if o[p] != n[p] {
			d.Changed = append(d.Changed, ClaimChange{Claim: p, Old: o[p], New: n[p]})
		}
	}
	return d
}

// flatClaims maps every leaf of the payload to its compact JSON. Objects
// are walked (an empty one is a leaf "{}" so that adding or removing it
// shows); arrays are leaves, compared as a whole.
func flatClaims(claims map[string]any) map[string]string {
	out := make(map[string]string, len(claims))
	var path []byte
	for k, v := range claims {
		if !diffIgnored[k] {
			path = flatten(out, append(path[:0], k...), v)
		}
	}
	return out
}

// flatten appends to one shared path buffer and makes a string only at a
// leaf, so a deeply nested payload costs linear, not quadratic, copying.
// It returns the (possibly grown) buffer for reuse.
func flatten(out map[string]string, path []byte, v any) []byte {
	if m, ok := v.(map[string]any); ok && len(m) > 0 {
		n := len(path)
		for k, sub := range m {
			path = append(append(path[:n], '.'), k...)
			path = flatten(out, path, sub)
		}
		return path[:n]
	}
	out[string(path)] = compactJSON(v)
	return path
}

// compactJSON renders v without HTML escaping, so "<" stays readable.
// Map keys are sorted by encoding/json, which keeps the output stable.
func compactJSON(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "?"
	}
	return string(bytes.TrimRight(b.Bytes(), "\n"))
}
