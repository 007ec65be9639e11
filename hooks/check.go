package hooks

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/livekit/protocol/livekit"
)

// CheckCase is one delivery Check sends.
type CheckCase string

// The cases, in the order Check sends them.
const (
	CaseGenuine         CheckCase = "genuine"          // signed as the server signs: must be accepted
	CaseWrongSecret     CheckCase = "wrong_secret"     // our key, another secret: must be refused
	CaseAlteredBody     CheckCase = "altered_body"     // genuine token, body changed after signing: must be refused
	CaseExpired         CheckCase = "expired"          // token expired 10 minutes ago: must be refused
	CaseNoAuthorization CheckCase = "no_authorization" // no Authorization header: must be refused
	CaseReplay          CheckCase = "replay"           // the genuine delivery again: either answer, reported
)

// CheckConfig says whose handler to test and with which key pair.
type CheckConfig struct {
	URL               string // the handler
	APIKey, APISecret string // the pair the handler verifies with
	// Client sends the deliveries; nil means a 10 s timeout, no redirects.
	Client *http.Client
	// Now is the time the deliveries are signed at; nil means time.Now.
	Now func() time.Time
}

// CheckResult is what the handler did with one delivery.
type CheckResult struct {
	Case     CheckCase     // which delivery
	Title    string        // the case for people: "a delivery signed with the wrong secret"
	Status   int           // the handler's HTTP status; 0 when it could not be reached
	Latency  time.Duration // request to response headers
	Accepted bool          // a 2xx status
	Err      error         // why the handler could not be reached
	// OK is false when the handler did the wrong thing: refused the
	// genuine delivery, accepted a forgery, or could not be reached.
	OK bool
	// Hole marks an accepted forgery: anyone could make the handler act.
	Hole bool
	Note string // what it means, one sentence
}

// CheckReport is the whole run.
type CheckReport struct {
	URL     string        // the handler
	Key     string        // the API key the deliveries were signed with
	Results []CheckResult // one per case, in the order sent
}

// Holes lists the forgeries the handler accepted.
func (r CheckReport) Holes() []CheckResult {
	var out []CheckResult
	for _, c := range r.Results {
		if c.Hole {
			out = append(out, c)
		}
	}
	return out
}

// Failed reports whether any case came out wrong.
func (r CheckReport) Failed() bool {
	for _, c := range r.Results {
		if !c.OK {
			return true
		}
	}
	return false
}

// checkRoom is the room the test deliveries name.
const checkRoom = "lkdash-webhook-check"

// Check sends the handler a genuine delivery, four forgeries and a replay,
// one at a time, and reports what it did with each. It fails only when the
// deliveries cannot be made; an unreachable handler is a result.
func Check(ctx context.Context, cfg CheckConfig) (CheckReport, error) {
	if _, err := url.ParseRequestURI(cfg.URL); err != nil {
		return CheckReport{}, fmt.Errorf("hooks: check %q: %w", cfg.URL, err)
	}
	if cfg.APIKey == "" || cfg.APISecret == "" {
		return CheckReport{}, errors.New("hooks: check needs the API key and secret the handler verifies with")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	client := cfg.Client
	if client == nil {
		client = &http.Client{Timeout: forwardTimeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	cases, err := checkCases(cfg)
	if err != nil {
		return CheckReport{}, err
	}
	rep := CheckReport{URL: cfg.URL, Key: cfg.APIKey}
	for _, c := range cases {
		res := CheckResult{Case: c.id, Title: c.title}
		res.Status, res.Latency, res.Err = post(ctx, client, cfg.URL, c.body, c.auth)
		res.Accepted = res.Status >= 200 && res.Status < 300
		judge(&res, rep.Results)
		rep.Results = append(rep.Results, res)
	}
	return rep, nil
}

// checkCase is one prepared delivery.
type checkCase struct {
	id    CheckCase
	title string
	body  []byte
	auth  string // "" sends no Authorization header
}

// checkCases prepares the deliveries: one genuine participant_joined event
// and its forgeries.
func checkCases(cfg CheckConfig) ([]checkCase, error) {
	now := cfg.Now()
	ev := &livekit.WebhookEvent{
		Event:       "participant_joined",
		Id:          "EV_lkdashcheck" + rand.Text()[:8],
		CreatedAt:   now.Unix(),
		Room:        &livekit.Room{Name: checkRoom, Sid: "RM_lkdashcheck"},
		Participant: &livekit.ParticipantInfo{Identity: "lkdash-check", Sid: "PA_lkdashcheck", State: livekit.ParticipantInfo_ACTIVE},
	}
	genuine, err := Sign(ev, cfg.APIKey, cfg.APISecret)
	if err != nil {
		return nil, err
	}
	wrong, err := Sign(ev, cfg.APIKey, "lkdash-wrong-secret-"+rand.Text())
	if err != nil {
		return nil, err
	}
	// An attacker's edit: the same length, another identity.
	altered := bytes.Replace(genuine.Body, []byte(`"lkdash-check"`), []byte(`"lkdash-evil!"`), 1)
	if bytes.Equal(altered, genuine.Body) { // protojson changed its spelling: any edit will do
		altered = append(altered, ' ')
	}
	expired, err := signAt(genuine.Body, cfg.APIKey, cfg.APISecret, now.Add(-15*time.Minute), now.Add(-10*time.Minute))
	if err != nil {
		return nil, fmt.Errorf("hooks: signing: %w", err)
	}
	return []checkCase{
		{CaseGenuine, "a genuine delivery", genuine.Body, genuine.Authorization},
		{CaseWrongSecret, "signed with the wrong secret", wrong.Body, wrong.Authorization},
		{CaseAlteredBody, "body altered after signing", altered, genuine.Authorization},
		{CaseExpired, "token expired 10 minutes ago", genuine.Body, expired},
		{CaseNoAuthorization, "no Authorization header", genuine.Body, ""},
		{CaseReplay, "the genuine delivery again", genuine.Body, genuine.Authorization},
	}, nil
}

// judge decides whether the handler's answer was right; earlier holds the
// results so far (the replay is read against the genuine delivery).
func judge(res *CheckResult, earlier []CheckResult) {
	switch {
	case res.Err != nil:
		res.Note = "could not reach the handler: " + res.Err.Error()
	case res.Case == CaseGenuine && res.Accepted:
		res.OK, res.Note = true, "accepted, as it should be"
	case res.Case == CaseGenuine:
		res.Note = fmt.Sprintf("refused a genuine delivery (status %d): check the handler verifies with this key's secret and hashes the raw body bytes, not re-serialized JSON", res.Status)
	case res.Case == CaseReplay:
		res.OK = true
		if res.Accepted {
			res.Note = "accepted again: deduplicate by the event id if acting twice does harm (livekit-server retries failed deliveries)"
		} else {
			res.Note = fmt.Sprintf("refused (status %d): the handler deduplicates by event id", res.Status)
		}
		if len(earlier) > 0 && !earlier[0].Accepted {
			res.Note = "refused, like the first time"
		}
	case res.Accepted:
		res.Hole, res.Note = true, "ACCEPTED A FORGED DELIVERY: anyone who can reach the handler can make it act"
	default:
		res.OK, res.Note = true, fmt.Sprintf("refused (status %d), as it should be", res.Status)
	}
}

// post sends one delivery as livekit-server does and returns the status.
func post(ctx context.Context, client *http.Client, target string, body []byte, auth string) (int, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Content-Type", "application/webhook+json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return 0, time.Since(start), err
	}
	resp.Body.Close()
	return resp.StatusCode, time.Since(start), nil
}
