package doctor

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/lkdash/lkdash/tokens"
)

// urlTimeout bounds the whole URL check.
const urlTimeout = 20 * time.Second

// checkURL looks at the server URL: the scheme, the certificate, and what
// GET /, /rtc/validate, the /rtc WebSocket and /twirp answer.
func (r *run) checkURL(ctx context.Context) Result {
	ctx, cancel := context.WithTimeout(ctx, urlTimeout)
	defer cancel()
	var res Result
	wsBase, httpBase, err := tokens.ServerURLs(r.resp.ServerURL)
	if err != nil {
		res.Summary = "the server URL is not usable"
		res.problem(Fail, "the token source's server URL is not usable: "+r.safe(err.Error()),
			"give the source a ws:// or wss:// URL with the server's host")
		return res
	}
	d := &URLDetails{ServerURL: shownURL(wsBase)}
	res.Details.URL = d
	host := httpBase.Hostname()
	if wsBase.Scheme == "ws" && !loopbackHost(host) {
		res.problem(Warn, fmt.Sprintf("ws:// to %s sends the token and signalling unencrypted, and browsers on https pages refuse it", host),
			"serve LiveKit over TLS and use wss://: put a reverse proxy or load balancer with a certificate in front of the server's port (7880)")
	}
	if wsBase.Scheme == "wss" {
		cert := inspectTLS(ctx, hostPort(httpBase), host, r.cfg.RootCAs, r.cfg.Now())
		res.Details.Certificate = cert
		if !cert.Trusted {
			cause, fix := certProblem(cert, "the server "+host)
			res.problem(Fail, cause, fix)
			res.Summary = "TLS fails: " + strings.ReplaceAll(cert.Problem, "_", " ")
			return res
		}
	}
	p := newProber(r.cfg.RootCAs, r.resp.ParticipantToken)
	defer p.close()
	d.Health = p.get(ctx, joinURLPath(httpBase, "/"))
	d.Validate = p.validate(ctx, joinURLPath(httpBase, "/rtc/validate"))
	d.Upgrade = p.upgrade(ctx, joinURLPath(wsBase, "/rtc"))
	d.Twirp = p.twirp(ctx, strings.TrimSuffix(joinURLPath(httpBase, ""), "/"))
	res.Details.Token = r.verdicts(d)
	for _, pr := range diagnoseURL(d, host) {
		res.problem(pr.State, pr.Cause, pr.Fix)
	}
	if v := res.Details.Token; v.Server != nil && !v.Server.Accepted {
		r.refused = v.Server.Reason
		res.problem(Fail, refusalCause(v), refusalFix(v))
	}
	if v := res.Details.Token; v.Server != nil && v.Server.Accepted && v.Agreement != nil && v.Agreement.Explained {
		res.problem(Warn, fmt.Sprintf("the API secret given for key %q is not the one the server holds: "+
			"the server accepts the token's signature, and lkdash's check of it with that secret fails", v.Issuer),
			"give the secret the server holds for that key (its keys setting): refreshes, room lookups and api check "+
				"sign their calls with the secret given, and the server refuses them")
	}
	res.Summary = urlSummary(d)
	res.settle()
	r.urlFailed = res.State == Fail
	return res
}

// validate asks /rtc/validate about the token, sent as a Bearer header so
// that it stays out of URLs and proxy logs.
func (p *prober) validate(ctx context.Context, u string) HTTPAnswer {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return p.failed(err)
	}
	req.Header.Set("Authorization", "Bearer "+p.token)
	resp, err := p.client.Do(req)
	if err != nil {
		return p.failed(err)
	}
	return p.answer(resp)
}

// verdicts sets the server's verdict (from /rtc/validate, or the upgrade
// when validate is not reachable) beside lkdash's.
func (r *run) verdicts(d *URLDetails) *TokenVerdicts {
	var keys tokens.CheckConfig
	if r.cfg.Keys != nil {
		keys = r.cfg.Keys(r.tok, r.resp.ServerURL)
	}
	v := r.tok.Check(r.cfg.Now(), keys)
	tv := &TokenVerdicts{
		Identity: r.tok.Identity(), Issuer: r.tok.Issuer, Valid: v.Valid, Problems: v.Problems,
		Signature: string(v.Signature),
	}
	if tv.Problems == nil {
		tv.Problems = []string{}
	}
	if g := r.tok.Grants; g != nil && g.Video != nil {
		tv.Room = g.Video.Room
	}
	if !r.tok.ExpiresAt.IsZero() {
		tv.ExpiresAt = r.tok.ExpiresAt.UTC().Format(time.RFC3339)
	}
	var ans HTTPAnswer
	switch {
	case isAuthStatus(d.Validate.Status):
		ans = d.Validate
	case isAuthStatus(d.Upgrade.Status) || d.Upgrade.Status == http.StatusSwitchingProtocols:
		ans = d.Upgrade
	default:
		return tv // the server gave no verdict
	}
	sv := tokens.ServerVerdict{Status: ans.Status, Accepted: ans.Status/100 == 2 || ans.Status == http.StatusSwitchingProtocols, Reason: ans.Body}
	if sv.Reason == "" {
		sv.Reason = http.StatusText(ans.Status)
	}
	ag := tokens.Compare(v, sv)
	tv.Server, tv.Agreement = &sv, &ag
	return tv
}

// isAuthStatus is an answer that judges the token: accepted, or refused.
func isAuthStatus(status int) bool {
	return status == http.StatusOK || status == http.StatusUnauthorized || status == http.StatusForbidden || status == http.StatusBadRequest
}

// refusalCause puts both verdicts in one sentence.
func refusalCause(v *TokenVerdicts) string {
	s := fmt.Sprintf("the server refuses the token (%d: %s)", v.Server.Status, v.Server.Reason)
	switch {
	case !v.Valid:
		return s + "; lkdash agrees: " + strings.Join(v.Problems, "; ")
	case v.Signature == string(tokens.SignatureUnverified):
		return s + fmt.Sprintf("; lkdash finds the claims valid but holds no secret for key %q to check the signature", v.Issuer)
	}
	if v.Agreement.Explained {
		return s + "; " + v.Agreement.Note
	}
	return s + "; lkdash finds it valid, signature verified: " + v.Agreement.Note
}

// refusalFix maps the server's reason to what to change.
func refusalFix(v *TokenVerdicts) string {
	reason := strings.ToLower(v.Server.Reason)
	switch {
	case strings.Contains(reason, "signature is invalid") && v.Signature == string(tokens.SignatureVerified):
		return fmt.Sprintf("use the secret the server holds for key %q (its keys: config), here and in whatever mints your tokens", v.Issuer)
	case strings.Contains(reason, "signature is invalid"):
		return fmt.Sprintf("sign the token with the secret the server holds for key %q (give lkdash the secret with --api-secret to check it here)", v.Issuer)
	case strings.Contains(reason, "invalid api key"):
		return fmt.Sprintf("the server holds no key %q: sign with one of the keys in its config (keys:)", v.Issuer)
	case strings.Contains(reason, "expired"):
		return "fetch a fresh token; if it was fresh, compare this machine's clock and the token server's with the server's"
	case strings.Contains(reason, "not valid yet"), strings.Contains(reason, "before issued"):
		return "nbf is in the server's future: check the clocks of the token server and of the LiveKit server"
	case strings.Contains(reason, "permissions denied"):
		return "grant joining the room: video.roomJoin true and video.room set"
	}
	return "mint a token the server accepts: its API key and secret, a join grant for the room, a valid exp and nbf"
}

// shownURL is the server URL without credentials, query or fragment.
func shownURL(u *url.URL) string {
	c := *u
	c.User = nil
	return c.String()
}

func hostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	if u.Scheme == "https" {
		return net.JoinHostPort(u.Hostname(), "443")
	}
	return net.JoinHostPort(u.Hostname(), "80")
}

// loopbackHost is localhost or a loopback address.
func loopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") || strings.HasSuffix(strings.ToLower(h), ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
