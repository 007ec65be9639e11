package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/lkdash/lkdash/internal/format"
	"github.com/lkdash/lkdash/internal/textsafe"
	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/styles"
	"github.com/lkdash/lkdash/tokens"
)

// shownToken is one token the panel can display.
type shownToken struct {
	tok       *tokens.Token // nil when the response did not decode
	decodeErr error
	resp      tokens.Response
	cache     *CacheInfo // nil: not from a fetch
	origin    string     // "fetched", "decoded" (a literal token, no URL), "joined", "refreshed"
	at        time.Time  // when lkdash got it
	diff      *tokens.TokenDiff
}

// Messages the root sends the token panel.
type (
	// tokenBusyMsg says what is under way ("" when nothing).
	tokenBusyMsg struct{ busy string }
	// tokenShowMsg replaces what the panel shows with a fetched or joined
	// token, judged with check (its signer's keys).
	tokenShowMsg struct {
		shown *shownToken
		check tokens.CheckConfig
	}
	// tokenFailedMsg replaces it with why a fetch or join failed.
	tokenFailedMsg struct {
		what string
		err  error
	}
	// tokenFlipMsg shows the original token instead of the refreshed one,
	// or back.
	tokenFlipMsg struct{}
	// tokenAskMsg asks the server for its verdict on the shown token.
	tokenAskMsg struct{}
	// tokenCopyMsg copies the shown token, or its decode report.
	tokenCopyMsg struct{ report bool }
)

// serverCheckRequestMsg is the token panel asking the root to run
// Backend.CheckServer; seq comes back in serverCheckedMsg.
type serverCheckRequestMsg struct {
	req ServerCheckRequest
	seq int
}

// statusMsg is a panel's word for the header's status line.
type statusMsg struct {
	text string
	err  bool
}

func statusCmd(text string, isErr bool) tea.Cmd {
	return func() tea.Msg { return statusMsg{text: text, err: isErr} }
}

// tokenPanel shows the current token's claims, lifetime and badges. After a
// TokenRefreshed it shows the refreshed token; "o" flips back to the
// original. It owns everything it shows: the root sends it messages.
type tokenPanel struct {
	st   *styles.Styles
	now  func() time.Time
	clip clipboard

	original, refreshed *shownToken
	showOriginal        bool
	err                 error // last failed fetch/join; shown instead of a token
	errWhat             string
	busy                string // "fetching…" etc.
	check               tokens.CheckConfig
	scroll              int

	// clock is the server's clock offset, nil until measured: validity
	// and countdowns are then judged in the server's time.
	clock *tokens.ClockOffset
	// verdict is the server's answer about the token verdictFor (the raw
	// token: it must not be shown for another one); verdictErr when
	// asking failed. asking while a question is out; checkSeq is the
	// latest check, older answers are dropped. A fetched token is asked
	// about at once (quietly: the panel shows the answer, the status line
	// stays the fetch's); a is the user asking again.
	verdict    *tokens.ServerVerdict
	verdictFor string
	verdictErr string
	asking     bool
	quietAsk   bool
	checkSeq   int

	w, h int
}

func newTokenPanel(st *styles.Styles, now func() time.Time, clip clipboard) tokenPanel {
	return tokenPanel{st: st, now: now, clip: clip}
}

// SetSize sets the inner size (inside the border).
func (t *tokenPanel) SetSize(w, h int) { t.w, t.h = w, h }

// tokenKeys are the token panel's bindings.
type tokenKeys struct {
	Up, Down, Fetch key.Binding
}

func (t tokenPanel) keys() tokenKeys {
	return tokenKeys{
		Up:    on(bind("↑", "scroll up", "up"), t.scroll > 0),
		Down:  on(bind("↓", "scroll down", "down"), t.scroll < t.maxScroll()),
		Fetch: bind("enter", "fetch", "enter"),
	}
}

// ShortHelp implements help.KeyMap.
func (t tokenPanel) ShortHelp() []key.Binding {
	k := t.keys()
	return []key.Binding{k.Up, k.Down}
}

// FullHelp implements help.KeyMap.
func (t tokenPanel) FullHelp() [][]key.Binding {
	k := t.keys()
	return [][]key.Binding{{k.Up, k.Down, k.Fetch}}
}

// Title implements Panel.
func (t tokenPanel) Title() string {
	if t.refreshed != nil && !t.showOriginal {
		return "Token (refreshed)"
	}
	return "Token"
}

// Capturing implements Panel: the token panel has no text box.
func (t tokenPanel) Capturing() bool { return false }

// Want implements Panel: every line of the token at width w.
func (t tokenPanel) Want(w int) int {
	t.w = w
	return len(t.lines(t.judgeTime(t.now())))
}

// tokenCaps is what the shown token allows now, for the root's keys.
type tokenCaps struct {
	shown     bool // a token (or an attempt at one) is on screen
	raw       bool // its raw form can be copied
	decoded   bool // it decoded: its report can be copied
	refreshed bool // there is a refreshed one to flip to
	askable   bool // the server can be asked about it now
}

func (t tokenPanel) caps() tokenCaps {
	cur := t.current()
	if cur == nil {
		return tokenCaps{}
	}
	return tokenCaps{
		shown:     true,
		raw:       cur.resp.ParticipantToken != "",
		decoded:   cur.tok != nil,
		refreshed: t.refreshed != nil,
		askable:   cur.resp.ParticipantToken != "" && cur.resp.ServerURL != "" && !t.asking,
	}
}

// current is the token on screen, nil when none.
func (t tokenPanel) current() *shownToken {
	if t.refreshed != nil && !t.showOriginal {
		return t.refreshed
	}
	return t.original
}

// judgeTime is when validity is judged: the server's time when known.
func (t tokenPanel) judgeTime(now time.Time) time.Time {
	if t.clock != nil {
		return t.clock.ServerNow(now)
	}
	return now
}

func (t tokenPanel) maxScroll() int { return max(len(t.lines(t.judgeTime(t.now())))-t.h+1, 0) }

// Update scrolls, asks for a fetch on enter, takes what the root sends,
// and follows the session's refreshed tokens.
func (t tokenPanel) Update(msg tea.Msg) (tokenPanel, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		k := t.keys()
		switch {
		case key.Matches(msg, k.Up):
			t.scroll = max(t.scroll-1, 0)
		case key.Matches(msg, k.Down):
			t.scroll = min(t.scroll+1, t.maxScroll())
		case key.Matches(msg, k.Fetch):
			return t, func() tea.Msg { return fetchRequestMsg{} }
		}
	case tokenBusyMsg:
		t.busy = msg.busy
	case tokenShowMsg:
		// A fresh fetch or join: the server may be another one, so its
		// clock is measured anew.
		t.original, t.refreshed, t.showOriginal, t.err, t.scroll = msg.shown, nil, false, nil, 0
		t.check, t.clock, t.busy = msg.check, nil, ""
		// What the server says of a fetched token is the verdict that
		// counts: a key pair it does not hold, a room it refuses. A joined
		// token it has already accepted.
		return t.checkServer(msg.shown.origin == "fetched", true)
	case tokenFailedMsg:
		t.original, t.refreshed, t.err, t.errWhat, t.scroll, t.busy = nil, nil, msg.err, msg.what, 0, ""
	case tokenFlipMsg:
		t.showOriginal = !t.showOriginal
	case tokenAskMsg:
		return t.checkServer(true, false)
	case tokenCopyMsg:
		return t, t.copy(msg.report)
	case serverCheckedMsg:
		return t.onServerChecked(msg)
	case roomEventsMsg:
		for _, ev := range msg.evs {
			if r, ok := ev.(room.TokenRefreshed); ok {
				t.onRefresh(r)
			}
		}
	}
	return t, nil
}

// onRefresh shows a token the server pushed, keeping the joined one as
// the original.
func (t *tokenPanel) onRefresh(r room.TokenRefreshed) {
	if t.original == nil {
		return // not joined through this panel's session
	}
	resp := t.original.resp
	resp.ParticipantToken = r.Token
	diff := r.Diff
	t.refreshed = &shownToken{tok: r.Decoded, decodeErr: r.DecodeErr, resp: resp, origin: "refreshed", at: r.Time(), diff: &diff}
	t.showOriginal = false
}

// View renders the panel at now; the countdown is exp-now, never stored.
func (t tokenPanel) View() string {
	if t.w <= 0 || t.h <= 0 {
		return ""
	}
	now := t.judgeTime(t.now())
	lines := t.lines(now)
	scroll := min(t.scroll, max(len(lines)-t.h, 0))
	lines = lines[scroll:]
	if len(lines) > t.h {
		lines = lines[:t.h]
		lines[t.h-1] = t.st.Faint.Render("↓ more (↑/↓ scroll when focused)")
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, t.w, "…")
	}
	for len(lines) < t.h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

func (t tokenPanel) lines(now time.Time) []string {
	var out []string
	if t.busy != "" {
		out = append(out, t.st.Muted.Render(textsafe.Line(t.busy, t.w)))
	}
	if t.err != nil {
		out = append(out, t.st.BadgeBad.Render(strings.ToUpper(t.errWhat)+" FAILED"))
		out = append(out, t.wrapped(t.st.Error, t.err.Error())...)
		return out
	}
	s := t.current()
	if s == nil {
		if t.busy == "" {
			out = append(out, t.st.Faint.Render("no token yet — f fetches, j joins"))
		}
		return out
	}
	out = append(out, t.badges(s, now)...)
	out = append(out, t.serverLines(s, now)...)
	if s.tok == nil {
		out = append(out, t.st.Error.Render(textsafe.Line("token does not decode: "+errString(s.decodeErr), t.w)))
		return out
	}
	out = append(out, t.lifetime(s.tok, s.at, now)...)
	out = append(out, t.claims(s)...)
	return out
}

// wrapped renders untrusted text wrapped to the panel width (at most
// claimLinesMax lines), each line in style.
func (t tokenPanel) wrapped(style lipgloss.Style, text string) []string {
	text = textsafe.Clean(text)
	lead := leadOf(text)
	hang := ansi.StringWidth(lead)
	if hang >= t.w/2 {
		lead, hang = "", 0 // too narrow to hang: wrap the whole text
	}
	lines := strings.Split(ansi.Wrap(text[len(lead):], max(t.w-hang, 1), " /&?="), "\n")
	for i := range lines {
		if i == 0 {
			lines[i] = lead + lines[i]
		} else {
			lines[i] = strings.Repeat(" ", hang) + lines[i]
		}
	}
	return styleAll(style, fitLines(lines, t.w))
}

// leadOf is what a wrapped item's later lines hang under: its indent, or
// a mark and a space ("! ", "✗ ", "⏱ "), so that a warning wrapped over
// two lines still reads as one.
func leadOf(text string) string {
	if rest := strings.TrimLeft(text, " "); len(rest) < len(text) {
		return text[:len(text)-len(rest)]
	}
	r, n := utf8.DecodeRuneInString(text)
	if n > 0 && !unicode.IsLetter(r) && !unicode.IsDigit(r) && strings.HasPrefix(text[n:], " ") {
		return text[:n+1]
	}
	return ""
}

func (t tokenPanel) badges(s *shownToken, now time.Time) []string {
	st := t.st
	origin := st.BadgeInfo.Render(strings.ToUpper(s.origin))
	if t.refreshed != nil {
		origin += st.Muted.Render(" o: show " + map[bool]string{true: "refreshed", false: "original"}[t.showOriginal])
	}
	out := []string{origin}
	if s.tok != nil {
		v := s.tok.Check(now, t.check)
		row := origin + " " + st.BadgeGood.Render("VALID")
		if !v.Valid {
			row = origin + " " + st.BadgeBad.Render("INVALID")
		}
		switch {
		case v.Signature == tokens.SignatureUnverified && t.serverVouches(s):
			// The server took the token (or signed it), so its signature
			// is good; only lkdash lacked the secret to say so.
			how := " (the server's check)"
			if s.origin == "refreshed" {
				how = " (the server signed it)"
			}
			row += " " + st.BadgeGood.Render("SIG OK") + st.Muted.Render(how)
			v.Warnings = slices.DeleteFunc(v.Warnings, tokens.IsUnverifiedWarning)
		case v.Signature == tokens.SignatureVerified:
			row += " " + st.BadgeGood.Render("SIG OK")
		case v.Signature == tokens.SignatureInvalid:
			row += " " + st.BadgeBad.Render("SIG BAD")
		default:
			row += " " + st.BadgeWarn.Render("SIG UNVERIFIED")
		}
		out[0] = row
		// Reasons are the point of the panel: wrap them, never cut them.
		for _, p := range v.Problems {
			out = append(out, t.wrapped(st.Error, "✗ "+p)...)
		}
		for _, w := range v.Warnings {
			out = append(out, t.wrapped(st.Level[styles.LevelWarn], "! "+w)...)
		}
	}
	if c := s.cache; c != nil {
		out = append(out, t.cacheLine(*c, now.Location()))
	}
	return out
}

// serverVouches reports whether the server has vouched for s's signature:
// it let s join, it signed s itself (a refresh), or, asked, it accepted s.
func (t tokenPanel) serverVouches(s *shownToken) bool {
	switch s.origin {
	case "joined", "refreshed":
		return true
	}
	return t.verdict != nil && t.verdictFor != "" && t.verdictFor == s.resp.ParticipantToken && t.verdict.Accepted
}

func (t tokenPanel) cacheLine(c CacheInfo, zone *time.Location) string {
	st := t.st
	if !c.Enabled {
		return st.Muted.Render("cache off")
	}
	var b string
	switch c.Status {
	case tokens.CacheHit:
		b = st.BadgeGood.Render("CACHE HIT")
	case tokens.CacheShared:
		b = st.BadgeInfo.Render("CACHE SHARED")
	default:
		b = st.BadgeWarn.Render("CACHE MISS")
	}
	switch {
	case !c.HasEntry:
		b += st.Muted.Render(" not cached")
	case c.ReuseUntil.IsZero():
		b += st.Muted.Render(" cached (no expiry)")
	default:
		b += st.Muted.Render(" cached until " + c.ReuseUntil.In(zone).Format("15:04:05"))
	}
	return b
}

// level grades the remaining lifetime: good above half, bad under 10 % or
// under a minute, warn between.
func level(left, total time.Duration) styles.Level {
	switch {
	case left <= time.Minute || (total > 0 && left*10 < total):
		return styles.LevelBad
	case total > 0 && left*2 > total:
		return styles.LevelGood
	}
	return styles.LevelWarn
}

func (t tokenPanel) lifetime(tok *tokens.Token, got, now time.Time) []string {
	st := t.st
	if tok.ExpiresAt.IsZero() {
		return []string{st.Muted.Render("no exp claim: never expires · issued " + fmtTime(tok.IssuedAt, now.Location()))}
	}
	start := tok.IssuedAt
	if start.IsZero() {
		start = tok.NotBefore
	}
	if start.IsZero() {
		start = got
	}
	total, left := tok.ExpiresAt.Sub(start), tok.ExpiresAt.Sub(now)
	lv := st.Level[level(left, total)]
	var head string
	if left <= 0 {
		head = lv.Render("EXPIRED") + st.Muted.Render(" "+format.Duration(-left)+" ago")
	} else {
		head = lv.Render("expires in "+format.Duration(left)) + st.Muted.Render(" of "+format.Duration(total))
	}
	zone := now.Location()
	head += st.Muted.Render(" · at " + tok.ExpiresAt.In(zone).Format("15:04:05"))
	times := "issued " + fmtTime(tok.IssuedAt, zone)
	if !tok.NotBefore.IsZero() && !tok.NotBefore.Equal(tok.IssuedAt) {
		times += " · not before " + fmtTime(tok.NotBefore, zone)
	}
	barW := max(t.w-6, 4)
	frac := 0.0
	if total > 0 && left > 0 {
		frac = min(float64(left)/float64(total), 1)
	}
	filled := int(frac*float64(barW) + 0.5)
	bar := lv.Render(strings.Repeat("█", filled)) + st.BarEmpty.Render(strings.Repeat("░", barW-filled)) +
		lv.Render(fmt.Sprintf(" %3d%%", int(frac*100)))
	return []string{head, bar, st.Muted.Render(times)}
}

// fmtTime shows claim times in the clock's zone, so they read against now.
func fmtTime(x time.Time, zone *time.Location) string {
	if x.IsZero() {
		return "—"
	}
	return x.In(zone).Format("2006-01-02 15:04:05 MST")
}

func (t tokenPanel) claims(s *shownToken) []string {
	tok, st := s.tok, t.st
	vw := max(t.w-labelWidth-1, 4)
	var out []string
	row := func(label string, vals ...string) {
		for i, v := range vals {
			l := strings.Repeat(" ", labelWidth+1)
			if i == 0 {
				l = st.Label.Render(pad(label, labelWidth)) + " "
			}
			out = append(out, l+st.Value.Render(v))
		}
	}
	line := func(s string) string { return textsafe.Line(s, vw) }
	g := tok.Grants
	name, meta, kind := "", "", ""
	var attrs map[string]string
	if g != nil {
		name, meta, kind, attrs = g.Name, g.Metadata, g.Kind, g.Attributes
	}
	row("identity", line(orDash(tok.Subject)))
	row("name", line(orDash(name)))
	roomName := ""
	if g != nil && g.Video != nil {
		roomName = g.Video.Room
	}
	row("room", line(orDash(roomName)))
	if kind != "" {
		row("kind", line(kind))
	}
	row("issuer", line(orDash(tok.Issuer)+" (API key)"))
	if s.resp.ServerURL != "" {
		row("server", line(s.resp.ServerURL))
	}
	if perms := tok.Permissions(); perms != nil {
		var parts []string
		for _, p := range perms {
			p.Detail = textsafe.Line(p.Detail, vw/2) // from the token: untrusted
			if p.On {
				parts = append(parts, st.FlagOn.Render(p.String()))
			} else {
				parts = append(parts, st.FlagOff.Render(p.String()))
			}
		}
		row("grants", wrapWords(parts, vw)...)
	} else {
		row("grants", st.Muted.Render("no video grant"))
	}
	if meta != "" {
		row("metadata", prettyValue(meta, vw)...)
	}
	if len(attrs) > 0 {
		row("attributes", fitLines(sortedPairs(attrs, " = "), vw)...)
	}
	if a := agentDispatches(tok); len(a) > 0 {
		row("agents", fitLines(a, vw)...)
	}
	if s.diff != nil {
		n := len(s.diff.Changed)
		row("refresh", st.Refresh.Render(line("lifetime "+format.Signed(s.diff.LifetimeChange)+", "+format.Count(n, "claim")+" changed")))
	}
	return out
}

// wrapWords packs styled words into lines of at most width cells.
func wrapWords(words []string, width int) []string {
	var out []string
	cur := ""
	for _, w := range words {
		switch {
		case cur == "":
			cur = w
		case lipgloss.Width(cur)+1+lipgloss.Width(w) <= width:
			cur += " " + w
		default:
			out = append(out, cur)
			cur = w
		}
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}

func styleAll(s lipgloss.Style, lines []string) []string {
	for i, l := range lines {
		lines[i] = s.Render(l)
	}
	return lines
}

func errString(err error) string {
	if err == nil {
		return "unknown error"
	}
	return err.Error()
}
