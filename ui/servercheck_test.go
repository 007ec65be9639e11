package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/golang-jwt/jwt/v5"

	"github.com/lkdash/lkdash/devserver"
	"github.com/lkdash/lkdash/internal/source"
	"github.com/lkdash/lkdash/styles"
	"github.com/lkdash/lkdash/tokens"
)

// isChecked is the server check's answer reaching the model.
func isChecked(msg tea.Msg) bool { _, ok := msg.(serverCheckedMsg); return ok }

// fetchAndCheck fetches, then applies the server check the fetch starts
// (the clock probe) and returns the model.
func fetchAndCheck(t *testing.T, m Model) Model {
	t.Helper()
	m, cmd := sendCmd(t, m, keyMsg("f"))
	return pump(t, m, cmd, isChecked)
}

// ask presses v and applies the answer.
func ask(t *testing.T, m Model) Model {
	t.Helper()
	m, cmd := sendCmd(t, m, keyMsg("v"))
	if cmd == nil {
		t.Fatal("v produced no command")
	}
	if !strings.Contains(m.View(), "asking the server…") {
		t.Error("no sign of the question under way")
	}
	return pump(t, m, cmd, isChecked)
}

// TestDashboardJudgesInServerTime: once the server's clock is known to be
// 2m13s behind this one, a token minted here is shown as not yet valid,
// with the offset said in words.
func TestDashboardJudgesInServerTime(t *testing.T) {
	clk := newClock()
	b := &fakeBackend{resp: tokenResp(t, baseClaims(clk.Now(), time.Hour))}
	b.check.Clock = tokens.ClockOffset{Offset: -(2*time.Minute + 13*time.Second), Samples: 5}
	m := testModel(t, clk, b, 120, 40)
	m = fetchAndCheck(t, m)
	view := m.View()
	for _, want := range []string{"this clock is 2m13s ahead of the server; judged in the server's time", "INVALID", "not valid before", "start 2m13s in the server's future"} {
		if !strings.Contains(strings.Join(strings.Fields(view), " "), want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	if len(b.checks) != 1 || b.checks[0].Token != b.resp.ParticipantToken || b.checks[0].ServerURL != b.resp.ServerURL {
		t.Errorf("checks = %+v, want one check of the server, asking about the fetched token", b.checks)
	}
}

// TestDashboardAsksAboutAFetchedToken: a fetch alone brings the server's
// verdict, without v and without taking the status line; a joined token,
// which the server has accepted, is not asked about.
func TestDashboardAsksAboutAFetchedToken(t *testing.T) {
	clk := newClock()
	b := &fakeBackend{resp: tokenResp(t, baseClaims(clk.Now(), time.Hour))}
	b.check.Verdict = &tokens.ServerVerdict{Status: 200, Accepted: true, Reason: "success"}
	m := fetchAndCheck(t, testModel(t, clk, b, 120, 40))
	flat := strings.Join(strings.Fields(m.View()), " ")
	if !strings.Contains(flat, "SERVER ACCEPTS agrees with lkdash") || strings.Contains(flat, "HTTP 200") {
		t.Errorf("want the agreeing verdict on one line after the fetch:\n%s", m.View())
	}
	if m.status != "fetched" {
		t.Errorf("status %q: the quiet question took the status line", m.status)
	}
	m, cmd := sendCmd(t, m, keyMsg("j"))
	joined := false
	_ = pumpWatch(t, m, cmd, func(_ Model, msg tea.Msg) bool {
		joined = joined || isJoinOutcome(msg)
		return joined && isChecked(msg)
	})
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.checks) != 2 || b.checks[1].Token != "" {
		t.Errorf("checks = %d, want the fetched token asked about and then the joined one's server clock only", len(b.checks))
	}
}

// TestServerAcceptanceVouchesForTheSignature: lkdash holds no secret for
// the token's key, so it cannot check the signature; once the server has
// accepted the token the signature is shown as good, by the server's
// check, and the warning goes. A refusal leaves it unverified.
func TestServerAcceptanceVouchesForTheSignature(t *testing.T) {
	for _, tt := range []struct {
		name    string
		verdict tokens.ServerVerdict
		want    []string
		not     []string
	}{
		{"accepted", tokens.ServerVerdict{Status: 200, Accepted: true, Reason: "success"},
			[]string{"SIG OK (the server's check)"}, []string{"SIG UNVERIFIED", "signature not checked"}},
		{"refused", tokens.ServerVerdict{Status: 401, Reason: "invalid token: ‹token›, error: token signature is invalid"},
			[]string{"SIG UNVERIFIED", "signature not checked", "SERVER REFUSES"}, []string{"SIG OK"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			clk := newClock()
			b := &fakeBackend{resp: tokenResp(t, baseClaims(clk.Now(), time.Hour))}
			b.check.Verdict = &tt.verdict
			st := styles.New(styles.DefaultTheme(), false)
			m := send(t, New(Config{
				Spec:    source.Spec{Kind: source.KindLiteral, ServerURL: b.resp.ServerURL, Token: b.resp.ParticipantToken},
				Backend: b, Now: clk.Now, Styles: &st, Output: &strings.Builder{},
			}), tea.WindowSizeMsg{Width: 120, Height: 40})
			wantText(t, strings.Join(strings.Fields(fetchAndCheck(t, m).View()), " "), tt.want, tt.not)
		})
	}
}

// TestServerVouchesForJoinedAndRefreshedTokens: a token the server let
// join, or one it signed itself, has a good signature though lkdash holds
// no secret for it.
func TestServerVouchesForJoinedAndRefreshedTokens(t *testing.T) {
	clk := newClock()
	st := styles.New(styles.DefaultTheme(), false)
	tok, err := tokens.Decode(mintJWT(t, baseClaims(clk.Now(), time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	for origin, want := range map[string]string{"joined": "SIG OK (the server's check)", "refreshed": "SIG OK (the server signed it)", "fetched": "SIG UNVERIFIED"} {
		tp := newTokenPanel(&st, clk.Now, clipboard{})
		tp.SetSize(100, 30)
		tp, _ = tp.Update(tokenShowMsg{&shownToken{tok: tok, resp: tokens.Response{ParticipantToken: tok.Raw}, origin: origin, at: clk.Now()}, tokens.CheckConfig{}})
		if flat := strings.Join(strings.Fields(tp.View()), " "); !strings.Contains(flat, want) {
			t.Errorf("%s: want %q:\n%s", origin, want, tp.View())
		}
	}
}

// TestDashboardAsksTheServer: v shows the server's verdict beside
// lkdash's, quietly when they agree, loudly when they do not, never with
// the token.
func TestDashboardAsksTheServer(t *testing.T) {
	for _, tt := range []struct {
		name    string
		verdict tokens.ServerVerdict
		want    []string
	}{
		{"agree", tokens.ServerVerdict{Status: 200, Accepted: true, Reason: "success"}, []string{"SERVER ACCEPTS", "agrees with lkdash"}},
		{"disagree", tokens.ServerVerdict{Status: 401, Reason: "invalid token: ‹token›, error: token is expired"},
			[]string{"SERVER REFUSES", "DISAGREES WITH LKDASH", "HTTP 401: invalid token: ‹token›", "please report it"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			clk := newClock()
			b := &fakeBackend{resp: tokenResp(t, baseClaims(clk.Now(), time.Hour))}
			b.check.Verdict = &tt.verdict
			m := fetchAndCheck(t, testModel(t, clk, b, 120, 40))
			m = ask(t, m)
			view := m.View()
			flat := strings.Join(strings.Fields(view), " ")
			for _, want := range tt.want {
				if !strings.Contains(flat, want) {
					t.Errorf("view lacks %q:\n%s", want, view)
				}
			}
			if last := b.checks[len(b.checks)-1]; last.Token != b.resp.ParticipantToken {
				t.Errorf("asked about %q", last.Token)
			}
			assertNoToken(t, view, b.resp.ParticipantToken)
		})
	}
}

func assertNoToken(t *testing.T, view, raw string) {
	t.Helper()
	for _, part := range append(strings.Split(raw, "."), raw) {
		if len(part) > 20 && strings.Contains(strings.Join(strings.Fields(view), ""), part) {
			t.Errorf("the view shows the token (%.12s…)", part)
		}
	}
}

func tokenResp(t *testing.T, claims map[string]any) tokens.Response {
	return tokens.Response{ServerURL: "ws://127.0.0.1:7880", ParticipantToken: mintJWT(t, claims)}
}

// serverBackend answers Fetch with a fixed response and CheckServer from
// the real server, as the dashboard's live backend does.
type serverBackend struct{ fakeBackend }

func (b *serverBackend) CheckServer(ctx context.Context, req ServerCheckRequest) (ServerCheck, error) {
	var out ServerCheck
	out.Clock, out.ClockErr = tokens.ClockProbe{Spacing: -1}.Measure(ctx, req.ServerURL)
	if req.Token == "" {
		return out, nil
	}
	v, err := tokens.AskServer(ctx, nil, req.ServerURL, req.Token)
	out.Verdict = &v
	return out, err
}

// TestDashboardServerVerdictOnRealServer: against the real server, on
// valid, expired, forged and grant-less tokens, the dashboard's verdict
// and the server's agree, and the token never shows.
func TestDashboardServerVerdictOnRealServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	srv, err := devserver.Start(ctx, devserver.Config{LogDir: t.TempDir()})
	if err != nil {
		t.Fatalf("the managed livekit-server must start for this test: %v", err)
	}
	t.Cleanup(func() { srv.Stop() })
	now := time.Now()
	sign := func(secret string, edit func(jwt.MapClaims)) string {
		c := jwt.MapClaims{"iss": srv.APIKey, "sub": "alice", "nbf": now.Add(-time.Minute).Unix(), "exp": now.Add(time.Hour).Unix(),
			"video": map[string]any{"roomJoin": true, "room": "dash"}}
		if edit != nil {
			edit(c)
		}
		s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte(secret))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	// mine is a secret only this side holds: lkdash, given it, verifies
	// what it signed, and the server refuses it.
	const mine = "a-secret-only-this-machine-knows-0123456789"
	for _, tt := range []struct {
		name, token, secret, want string
	}{
		{"valid", sign(srv.APISecret, nil), srv.APISecret, "SERVER ACCEPTS agrees with lkdash"},
		{"expired", sign(srv.APISecret, func(c jwt.MapClaims) { c["exp"] = now.Add(-5 * time.Minute).Unix() }), srv.APISecret, "SERVER REFUSES agrees with lkdash"},
		{"forged", sign("forged", nil), srv.APISecret, "SERVER REFUSES agrees with lkdash"},
		{"no roomJoin grant", sign(srv.APISecret, func(c jwt.MapClaims) { c["video"] = map[string]any{"room": "dash"} }), srv.APISecret, "SERVER REFUSES agrees with lkdash"},
		{"signed with a secret the server does not hold", sign(mine, nil), mine, "SERVER REFUSES DIFFERS"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := &serverBackend{fakeBackend{resp: tokens.Response{ServerURL: srv.URL, ParticipantToken: tt.token}}}
			st := styles.New(styles.DefaultTheme(), false)
			m := New(Config{
				Spec:    source.Spec{Kind: source.KindLiteral, ServerURL: srv.URL, Token: tt.token, APIKey: srv.APIKey, APISecret: tt.secret},
				Backend: b, Styles: &st, Output: &strings.Builder{},
			})
			m = send(t, m, tea.WindowSizeMsg{Width: 120, Height: 40})
			// The fetch asks by itself; v asks again, with the same answer.
			m = fetchAndCheck(t, m)
			for _, view := range []string{m.View(), ask(t, m).View()} {
				if flat := strings.Join(strings.Fields(view), " "); !strings.Contains(flat, tt.want) {
					t.Errorf("want %q:\n%s", tt.want, view)
				}
				assertNoToken(t, view, tt.token)
			}
		})
	}
}
