package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/lkdash/lkdash/internal/format"
	"github.com/lkdash/lkdash/internal/textsafe"
	"github.com/lkdash/lkdash/room"
)

// detailView shows one participant: who, what they may do, their tracks,
// metadata (pretty when JSON), attributes and their history from the log.
func (r rosterPanel) detailView() string {
	out := r.detailLines()
	scroll := min(r.scroll, max(len(out)-r.h, 0))
	out = out[scroll:]
	if len(out) > r.h {
		out = out[:r.h]
	}
	for i, l := range out {
		out[i] = ansi.Truncate(l, r.w, "…")
	}
	for len(out) < r.h {
		out = append(out, "")
	}
	return strings.Join(out, "\n")
}

// detailMember is the participant the details show (still here, or as
// they left) and the head line saying which.
func (r rosterPanel) detailMember() (room.Member, string) {
	st := r.st
	switch cur, ok := r.people.Get(r.detail); {
	case ok && r.gone == nil:
		return *cur, st.Muted.Render("esc: back to the list")
	case r.gone != nil:
		return r.gone.member, st.BadgeBad.Render("LEFT") + st.Muted.Render(" "+textsafe.Line(r.gone.reason, r.w)+" · esc: back")
	}
	return room.Member{}, st.Muted.Render("no longer in the room · esc: back")
}

// detailLines is every line of the details, before scrolling.
func (r rosterPanel) detailLines() []string {
	st := r.st
	m, head := r.detailMember()
	vw := max(r.w-labelWidth-1, 4)
	out := []string{head}
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
	name := orDash(m.Name)
	if m.Local {
		name += " (you)"
	}
	row("identity", line(orDash(m.Identity)))
	row("name", line(name))
	row("kind", line(orDash(string(m.Kind))))
	if state := m.AgentState(); state != "" {
		row("agent state", line(string(state)+r.stateSince(m.Identity)))
	}
	if t, ok := r.said[m.Identity]; ok {
		row("last said", r.saidLines(t, vw)...)
	}
	if m.SID != "" {
		row("sid", line(m.SID))
	}
	if !m.JoinedAt.IsZero() {
		now := r.now()
		row("joined", line(m.JoinedAt.In(now.Location()).Format("15:04:05")+" ("+format.Duration(now.Sub(m.JoinedAt))+" ago)"))
	}
	state := orDash(m.Quality)
	if m.Speaking {
		state += " · speaking"
	}
	row("quality", line(state))
	if m.Local && r.where != "" {
		row("server", line(r.where))
	}
	row("permissions", wrapWords(r.permissionWords(m.Permissions, vw), vw)...)
	row("tracks", r.trackLines(m, vw)...)
	if m.Metadata != "" {
		row("metadata", prettyValue(m.Metadata, vw)...)
	}
	if len(m.Attributes) > 0 {
		row("attributes", fitLines(sortedPairs(m.Attributes, " = "), vw)...)
	}
	return append(out, r.historyLines(m.Identity)...)
}

// stateSince says since when an agent is in its state, from its history.
func (r rosterPanel) stateSince(identity string) string {
	hist := r.history[identity]
	for i := len(hist) - 1; i >= 0; i-- {
		if e, ok := hist[i].(room.AgentStateChanged); ok {
			return " since " + e.At.In(r.now().Location()).Format("15:04:05") + " (was " + orDash(string(e.Old)) + ")"
		}
	}
	return ""
}

// saidLines is a transcription's text, wrapped in up to three lines, and
// when it came and who sent it when that was someone else (an agent
// transcribing them).
func (r rosterPanel) saidLines(t room.Transcription, vw int) []string {
	text := textsafe.Line(t.Text, 3*vw)
	lines := strings.Split(ansi.Wrap("“"+text+"”", vw, " "), "\n")
	note := t.At.In(r.now().Location()).Format("15:04:05")
	if t.Sender != t.Identity {
		note += " · transcribed by " + t.Sender
	}
	if !t.Final {
		note += " · interim"
	}
	return append(lines[:min(len(lines), 3)], r.st.Muted.Render(textsafe.Line(note, vw)))
}

// trackLines is a line per track, with what we receive of it and its
// chain, then our publications the server refused.
func (r rosterPanel) trackLines(m room.Member, vw int) []string {
	refused := r.chains.refused(m.Identity)
	if len(m.Tracks) == 0 && len(refused) == 0 {
		return []string{r.st.Muted.Render("none")}
	}
	var ts []string
	for _, t := range m.Tracks {
		ts = append(ts, textsafe.Line(trackLine(t), vw))
		s, receiving := r.recv[t.SID]
		if receiving {
			ts = append(ts, r.st.Muted.Render(textsafe.Line("  ↓ "+receiveLine(s), vw)))
		}
		if c, ok := r.chains[m.Identity][chainID{sid: t.SID}]; ok {
			live := ""
			if receiving {
				live = format.Count(int(s.Packets), "packet") + ", " + fmtBitrate(s.BitrateBPS)
			}
			ts = append(ts, chainLines(r.st, c, live, vw)...)
		}
	}
	for _, c := range refused {
		ts = append(ts, textsafe.Line(trackLine(c.Track)+" · not published", vw))
		ts = append(ts, chainLines(r.st, c, "", vw)...)
	}
	return ts
}

// historyLines is what happened to identity, newest first.
func (r rosterPanel) historyLines(identity string) []string {
	hist := r.history[identity]
	if len(hist) == 0 {
		return nil
	}
	st := r.st
	out := []string{st.Label.Render("history")}
	for i := len(hist) - 1; i >= 0; i-- {
		e := historyEntry(hist[i], r.names)
		out = append(out, " "+st.EventTime.Render(e.at.In(r.now().Location()).Format("15:04:05"))+" "+
			st.EventType.Render(e.typ)+" "+st.EventText.Render(e.text))
	}
	return out
}

func (r rosterPanel) permissionWords(p *room.Permissions, vw int) []string {
	st := r.st
	if p == nil {
		return []string{st.Muted.Render("unknown")}
	}
	flag := func(on bool, label string) string {
		if on {
			return st.FlagOn.Render("+" + label)
		}
		return st.FlagOff.Render("-" + label)
	}
	words := []string{flag(p.CanSubscribe, "subscribe"), flag(p.CanPublish, "publish"),
		flag(p.CanPublishData, "data"), flag(p.CanUpdateMetadata, "metadata")}
	for _, x := range []struct {
		on    bool
		label string
	}{{p.Hidden, "hidden"}, {p.Recorder, "recorder"}, {p.Agent, "agent"}} {
		if x.on {
			words = append(words, st.FlagOn.Render(x.label))
		}
	}
	if len(p.CanPublishSources) > 0 {
		words = append(words, st.Value.Render(textsafe.Line("sources("+strings.ToLower(strings.Join(p.CanPublishSources, ","))+")", vw)))
	}
	return words
}

// receiveLine is what a subscribed track delivers: rate, frame rate and
// size for video, counts, loss and jitter.
func receiveLine(s room.TrackStats) string {
	parts := []string{fmtBitrate(s.BitrateBPS)}
	if s.FPS > 0 {
		parts = append(parts, fmt.Sprintf("%.0f fps", s.FPS))
	}
	if s.Width > 0 && s.Height > 0 {
		parts = append(parts, fmt.Sprintf("%d×%d", s.Width, s.Height))
	}
	if s.Codec != "" {
		parts = append(parts, s.Codec)
	}
	parts = append(parts,
		fmt.Sprintf("%d pkts", s.Packets),
		fmt.Sprintf("%d lost", s.PacketsLost),
		fmt.Sprintf("jitter %.1f ms", s.JitterMS))
	return strings.Join(parts, " · ")
}

// fmtBitrate renders bits per second in the largest unit that keeps a
// whole number in front.
func fmtBitrate(bps float64) string {
	switch {
	case bps >= 1e6:
		return fmt.Sprintf("%.1f Mb/s", bps/1e6)
	case bps >= 1e3:
		return fmt.Sprintf("%.0f kb/s", bps/1e3)
	}
	return fmt.Sprintf("%.0f b/s", bps)
}

// trackLine describes a track in full: media, name, codec, layers, mute.
func trackLine(t room.Track) string {
	parts := []string{t.Media()}
	if t.Name != "" {
		parts = append(parts, fmt.Sprintf("%q", t.Name))
	}
	if t.MimeType != "" {
		parts = append(parts, t.MimeType)
	}
	if t.Simulcast {
		parts = append(parts, "simulcast")
	}
	for _, l := range t.Layers {
		s := strings.ToLower(l.Quality)
		if l.Width > 0 {
			s += fmt.Sprintf(" %d×%d", l.Width, l.Height)
		}
		parts = append(parts, s)
	}
	if t.Muted {
		parts = append(parts, "muted")
	}
	if t.SID != "" {
		parts = append(parts, t.SID)
	}
	return strings.Join(parts, " · ")
}

// historyEntry formats one event of a participant's history like the log
// does, naming the managed cluster's nodes; Connected stands for "already
// there when we joined".
func historyEntry(ev room.Event, names nodeNames) *logEntry {
	if c, ok := ev.(room.Connected); ok {
		return newEntry(c.At, entryInfo, "in_room", "in the room when we joined", nil, nil)
	}
	if e, ok := (nodeStory{names: names}).entry(ev); ok {
		return e
	}
	return eventEntry(ev)
}
