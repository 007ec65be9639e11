package ui

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/lkdash/lkdash/hooks"
	"github.com/lkdash/lkdash/internal/format"
	"github.com/lkdash/lkdash/internal/textsafe"
	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/styles"
)

// webhooksPanel lists the managed server's webhook deliveries in arrival
// order: what each is about, whether it verified (or why not) and how long
// after the session's matching room event it arrived.
type webhooksPanel struct {
	st *styles.Styles

	feed feed[hookEntry]
	// cur pairs deliveries with the current session's room events; prev
	// with the last session's, for the webhooks that trail its end. Each
	// session has its own, so a rejoin never re-times older deliveries.
	cur, prev *hooks.Matcher
	source    hookSourceMsg
	forged    int // deliveries that did not verify

	w, h int
}

// hookEntry is a delivery and the matcher that times it: the lag is read
// when drawn, since the room event may come after the webhook.
type hookEntry struct {
	d hooks.Delivery
	m *hooks.Matcher
}

func newWebhooksPanel(st *styles.Styles, source hookSource) webhooksPanel {
	return webhooksPanel{st: st, feed: newFeed[hookEntry](), cur: hooks.NewMatcher(), source: hookSourceMsg{source: source}}
}

// SetSize sets the inner size (inside the border).
func (p *webhooksPanel) SetSize(w, h int) {
	p.w, p.h = w, h
	p.feed.setRows(h - 1) // the status line takes one
}

// Title implements Panel.
func (p webhooksPanel) Title() string {
	if n := p.feed.len(); n > 0 {
		return "Webhooks (" + itoa(n) + ")"
	}
	return "Webhooks"
}

// Capturing implements Panel: the panel has no text box.
func (p webhooksPanel) Capturing() bool { return false }

// ShortHelp implements help.KeyMap.
func (p webhooksPanel) ShortHelp() []key.Binding {
	k := p.feed.keys(false)
	return []key.Binding{k.Details, k.Back}
}

// FullHelp implements help.KeyMap.
func (p webhooksPanel) FullHelp() [][]key.Binding {
	k := p.feed.keys(false)
	return [][]key.Binding{k.list(), {k.Details, k.Back}}
}

// Update implements Panel.
func (p webhooksPanel) Update(msg tea.Msg) (webhooksPanel, tea.Cmd) {
	switch msg := msg.(type) {
	case hookSourceMsg:
		p.source = msg
	case webhooksMsg:
		for _, d := range msg.ds {
			p.add(d)
		}
	case roomEventsMsg:
		for _, ev := range msg.evs {
			p.cur.Room(ev)
		}
	case sessionOverMsg:
		if !msg.left.IsZero() { // our leave is the room event of our participant_left
			p.cur.Room(room.Disconnected{At: msg.left})
		}
		p.prev, p.cur = p.cur, hooks.NewMatcher()
	case tea.KeyMsg:
		p.feed = p.feed.onKey(msg)
	}
	return p, nil
}

// add appends a delivery, timed by the session it belongs to: the last
// one's for a departure it saw (a participant_left trailing our leave),
// else the current one's. (A rejoin into the same room sees the same
// arrivals again: those are the new session's.)
func (p *webhooksPanel) add(d hooks.Delivery) {
	m := p.cur
	if p.prev != nil && departure[d.Event] && p.prev.Claim(d) {
		m = p.prev
	} else {
		m.Add(d)
	}
	if !d.Verified {
		p.forged++
	}
	p.feed.push(hookEntry{d: d, m: m})
}

// departure are the webhooks that can trail the end of a session.
var departure = map[string]bool{"participant_left": true, "participant_connection_aborted": true, "track_unpublished": true}

// Want implements Panel.
func (p webhooksPanel) Want(w int) int {
	if p.feed.detail {
		p.w = w
		return len(p.detailLines())
	}
	return max(p.feed.len(), len(p.emptyLines())) + 1
}

// View implements Panel: the deliveries and a status line, or one
// delivery's details.
func (p webhooksPanel) View() string {
	if p.w <= 0 || p.h <= 0 {
		return ""
	}
	if p.feed.detail {
		return fitBlock(p.feed.detailLines(p.detailLines(), p.h), p.w, p.h)
	}
	lines := p.feed.listLines(p.st, p.w, p.row)
	if p.feed.len() == 0 {
		lines = p.emptyLines()
	}
	for len(lines) < p.h-1 {
		lines = append(lines, "")
	}
	return fitBlock(append(lines[:p.h-1], p.st.Muted.Render(p.statusLine())), p.w, p.h)
}

// emptyLines say why there is nothing yet, and where webhooks would come from.
func (p webhooksPanel) emptyLines() []string {
	prose := func(text string) []string {
		return strings.Split(p.st.Faint.Render(ansi.Wrap(text, max(p.w, 20), " ")), "\n")
	}
	switch p.source.source {
	case hooksStarting:
		return prose("The managed server is starting; its webhooks will show here.")
	case hooksListening:
		return prose("No webhook yet: the server sends one for each room, participant and track event (j joins the room).")
	case hooksFailed:
		return prose("No webhooks: the managed server did not start.")
	}
	code := p.st.Value.Render
	return slices.Concat(
		prose("No managed server: this panel shows the webhooks of the server lkdash starts. For another server, run"),
		[]string{code("  lkdash webhook listen --addr 127.0.0.1:8090")},
		prose("and add to that server's config:"),
		[]string{code("  webhook:"), code("    api_key: <its API key>"), code(`    urls: ["http://127.0.0.1:8090/"]`)},
	)
}

func (p webhooksPanel) statusLine() string {
	s := itoa(p.feed.len()) + " deliveries"
	if p.feed.len() == 1 {
		s = "1 delivery"
	}
	if p.forged > 0 {
		s += " · " + itoa(p.forged) + " not verified"
	}
	if p.source.url != "" {
		s += " · receiving at " + p.source.url
	}
	if p.feed.len() > 0 {
		s += " · enter for details"
	}
	return s
}

// row is one delivery: when, verified or not, what about, the lag or why
// it failed, and the room; where that does not fit, without the room,
// then with the lag or cause in short.
func (p webhooksPanel) row(e hookEntry, w int) string {
	for _, long := range []bool{true, false} {
		for _, room := range []bool{true, false} {
			if line := p.rowAt(e, w, long, room); ansi.StringWidth(line) <= w {
				return line
			}
		}
	}
	return p.rowAt(e, w, false, true)
}

func (p webhooksPanel) rowAt(e hookEntry, w int, long, withRoom bool) string {
	d := e.d
	st := p.st
	mark, verdict := st.FlagOn.Render("✓"), p.lagText(e, long)
	if !d.Verified {
		mark, verdict = st.Error.Render("✗"), st.Error.Render("NOT VERIFIED: "+textsafe.Line(shortReason(d.Reason), w))
		if !long { // the mark says it did not verify; the cause says why
			verdict = st.Error.Render(strings.ReplaceAll(string(d.Cause), "_", " "))
		}
	}
	line := st.EventTime.Render(d.ArrivedAt.Format("15:04:05")) + " " + mark + " " +
		st.EventType.Render(textsafe.Line(orDash(d.Event), 40))
	if sub := subject(d); sub != "" {
		line += " " + textsafe.Line(sub, 40)
	}
	if verdict != "" {
		line += " " + verdict
	}
	if withRoom && d.Room != "" {
		line += st.Faint.Render(" · " + textsafe.Line(d.Room, 40))
	}
	return line
}

// lagText is how long after the session's room event a verified delivery
// came ("" when no room event will match it); long says so in words.
func (p webhooksPanel) lagText(e hookEntry, long bool) string {
	if lag, ok := e.m.Lag(e.d); ok {
		switch {
		case !long:
			return p.st.Value.Render(format.SignedLatency(lag))
		case lag < 0:
			return p.st.Value.Render(format.Latency(lag) + " before the room event")
		}
		return p.st.Value.Render(format.SignedLatency(lag) + " after the room event")
	}
	if e.m == p.cur && e.m.Awaits(e.d) {
		return p.st.Muted.Render(map[bool]string{true: "no room event yet", false: "…"}[long])
	}
	return ""
}

// subject is who or what a delivery is about: the participant, the track.
func subject(d hooks.Delivery) string {
	if d.Participant != "" && d.Track != "" {
		return d.Participant + " " + d.Track
	}
	return d.Participant + d.Track
}

// shortReason is a failure's first clause: "body changed after signing
// (hash mismatch)" of the sentence that goes on with both hashes.
func shortReason(reason string) string {
	if head, _, ok := strings.Cut(reason, ": "); ok {
		return head
	}
	return reason
}

// bodyLinesMax bounds the lines of a delivery's body in its details.
const bodyLinesMax = 60

// detailLines is every line of the open delivery's details.
func (p webhooksPanel) detailLines() []string {
	e, ok := p.feed.shown()
	if !ok {
		return []string{p.st.Muted.Render("no longer kept · esc: back")}
	}
	d := e.d
	b := details{st: p.st, w: p.w, lines: []string{p.st.Muted.Render("esc: back to the list")}}
	b.add("event", orDash(d.Event))
	b.add("id", orDash(d.ID))
	b.add("room", orDash(strings.TrimSpace(d.Room+" "+d.RoomSID)))
	if d.Participant != "" {
		b.add("participant", d.Participant)
	}
	if d.Track != "" {
		b.add("track", d.Track)
	}
	if !d.CreatedAt.IsZero() {
		b.add("created", d.CreatedAt.Format("15:04:05")+" by the server's clock (1 s resolution)")
	}
	b.add("arrived", d.ArrivedAt.Format("15:04:05.000"))
	if d.Verified {
		b.add("verified", "yes: signed with key "+d.SignedWith+", body unchanged, not expired")
	} else {
		b.wrap("verified", "NO: "+d.Reason, 6)
	}
	if lag, ok := e.m.Lag(d); ok {
		b.add("room event", format.SignedLatency(lag)+": the webhook came "+map[bool]string{true: "before", false: "after"}[lag < 0]+" the session saw it")
	}
	if f := d.Forward; f != nil {
		b.add("forwarded", forwardText(f))
	}
	b.add("size", format.Bytes(int64(d.Size)))
	b.lines = append(b.lines, p.st.Label.Render("body"))
	for _, l := range bodyLines(d.Body) {
		b.lines = append(b.lines, " "+textsafe.Line(l, p.w-1))
	}
	return b.lines
}

func forwardText(f *hooks.Forwarded) string {
	if f.Error != "" {
		return "failed: " + f.Error
	}
	return "HTTP " + itoa(f.Status) + " in " + format.Latency(f.Latency)
}

// bodyLines is the body indented when it is JSON, at most bodyLinesMax lines.
func bodyLines(body []byte) []string {
	var buf bytes.Buffer
	text := string(body)
	if json.Indent(&buf, body, "", "  ") == nil {
		text = buf.String()
	}
	lines := strings.Split(text, "\n")
	if len(lines) > bodyLinesMax {
		lines = append(lines[:bodyLinesMax], "… "+itoa(len(lines)-bodyLinesMax)+" more lines")
	}
	return lines
}
