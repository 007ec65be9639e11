package tokens

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/lkdash/lkdash/internal/textsafe"
)

// maxVerdictBody bounds how much of /rtc/validate's answer is read.
const maxVerdictBody = 4 << 10

// ServerVerdict is livekit-server's own answer to GET /rtc/validate: whether
// it would accept the token for a join, and why not.
type ServerVerdict struct {
	Status   int  `json:"status"`   // the HTTP status of the answer
	Accepted bool `json:"accepted"` // the server would let the token join
	// Reason is the server's text with every token in it redacted,
	// sanitised and bounded: safe to show.
	Reason string `json:"reason"`
}

// AskServer asks the server at serverURL (ws, wss, http or https) whether it
// accepts token. client may be nil. The token never appears in the result
// or the error.
func AskServer(ctx context.Context, client *http.Client, serverURL, token string) (ServerVerdict, error) {
	base, err := ServerHTTPURL(serverURL)
	if err != nil {
		return ServerVerdict{}, err
	}
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	// A redirect would carry the token in the query to wherever it points.
	noRedirect := *client
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	base.Path = "/rtc/validate"
	where := base.String()
	base.RawQuery = url.Values{"access_token": {token}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base.String(), nil)
	if err != nil {
		return ServerVerdict{}, fmt.Errorf("asking %s: %w", where, err)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		// *url.Error quotes the request URL, token included.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return ServerVerdict{}, fmt.Errorf("asking %s: %s", where, RedactTokens(err.Error(), token))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxVerdictBody))
	if err != nil {
		return ServerVerdict{}, fmt.Errorf("reading the answer of %s: %s", where, RedactTokens(err.Error(), token))
	}
	reason := strings.TrimSpace(string(body))
	if reason == "" {
		reason = http.StatusText(resp.StatusCode)
	}
	return ServerVerdict{
		Status:   resp.StatusCode,
		Accepted: resp.StatusCode == http.StatusOK,
		Reason:   textsafe.Line(RedactTokens(reason, token), 300),
	}, nil
}

// jwtLike matches anything shaped like a compact JWT (base64url of `{"`
// then more segments), whichever token it is.
var jwtLike = regexp.MustCompile(`eyJ[A-Za-z0-9_\-=]*(\.[A-Za-z0-9_\-=]*){1,4}`)

// redactedToken replaces a token in text shown to the user.
const redactedToken = "‹token›"

// RedactTokens removes token, each of its segments, and anything else that
// looks like a JWT from s: v1.13.5 quotes the whole token in some errors.
func RedactTokens(s, token string) string {
	if t := strings.TrimSpace(token); t != "" {
		s = strings.ReplaceAll(s, t, redactedToken)
		for _, seg := range strings.Split(t, ".") {
			if len(seg) >= 8 { // short segments would redact ordinary words
				s = strings.ReplaceAll(s, seg, redactedToken)
			}
		}
	}
	return jwtLike.ReplaceAllString(s, redactedToken)
}

// Agreement compares lkdash's verdict with the server's. Disagree is true
// when they differ; Explained says the difference is expected (lkdash had
// no secret for the signing key, the server checked the signature), else
// a difference is a bug in lkdash's mirror of the server's rules.
type Agreement struct {
	Agree     bool   `json:"agree"`               // both say valid, or both say invalid
	Explained bool   `json:"explained,omitempty"` // they differ for a known reason
	Note      string `json:"note,omitempty"`      // why they differ, for people
}

// Compare sets lkdash's verdict v beside the server's s.
func Compare(v Validity, s ServerVerdict) Agreement {
	if v.Valid == s.Accepted {
		return Agreement{Agree: true}
	}
	if v.Valid && v.Signature == SignatureUnverified {
		return Agreement{Explained: true, Note: "lkdash judged the claims only (no secret for the signing key); " +
			"the server, holding the keys, refused it: " + s.Reason}
	}
	if !v.Valid && v.Signature == SignatureInvalid && len(v.Problems) == 1 {
		// The signature is the one thing lkdash objects to, and the server,
		// which holds the key's real secret, accepts it.
		return Agreement{Explained: true, Note: "the secret lkdash was given for the token's key is not the one " +
			"the server holds: the token is fine, and what is signed with that secret (API calls, verification) is not"}
	}
	if v.Valid && v.Signature == SignatureVerified {
		// lkdash checked the signature with the key pair it was given;
		// the server's refusal of the pair itself says the two differ.
		switch reason := strings.ToLower(s.Reason); {
		case strings.Contains(reason, "invalid api key"):
			return Agreement{Explained: true, Note: "the server holds no such API key " +
				"(lkdash checked the signature with a key pair the server does not have)"}
		case strings.Contains(reason, "signature is invalid"):
			return Agreement{Explained: true, Note: "the secret lkdash was given for the token's key is not the one " +
				"the server holds (the signature checks out with it, not with the server's)"}
		}
	}
	if v.Valid {
		return Agreement{Note: "DISAGREEMENT: lkdash says valid, the server refused it (" + s.Reason +
			"); lkdash's rules are wrong here, please report it"}
	}
	return Agreement{Note: "DISAGREEMENT: lkdash says invalid, the server accepts it; lkdash's rules are wrong here " +
		"(or the key pair given to lkdash is not one the server holds)"}
}
