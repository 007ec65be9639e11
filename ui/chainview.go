package ui

import (
	"maps"
	"slices"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/lkdash/lkdash/internal/textsafe"
	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/styles"
)

// chainID is where the roster keeps a track's chain: by the track's SID,
// or, for one of ours the server refused before it got a SID, by its name.
type chainID struct{ sid, name string }

func chainIDOf(c room.TrackChain) chainID {
	if c.Track.SID != "" {
		return chainID{sid: c.Track.SID}
	}
	return chainID{name: c.Track.Name}
}

// chainBook is the latest chain of every track, by publisher.
type chainBook map[string]map[chainID]room.TrackChain

// keep stores c as its track's latest chain.
func (b chainBook) keep(c room.TrackChain) {
	if b[c.Identity] == nil {
		b[c.Identity] = map[chainID]room.TrackChain{}
	}
	b[c.Identity][chainIDOf(c)] = c
}

// alarming reports whether identity has a track whose media cannot flow
// for a reason worth a mark in the list. A muted track is not one: the
// publisher chose it, and the track column already marks it.
func (b chainBook) alarming(identity string) bool {
	for _, c := range b[identity] {
		if c.State == room.LinkBroken && !(c.FirstBroken == room.LinkPublished && c.Track.Muted) {
			return true
		}
	}
	return false
}

// anyAlarming reports whether anyone is alarming.
func (b chainBook) anyAlarming() bool {
	for id := range b {
		if b.alarming(id) {
			return true
		}
	}
	return false
}

// refused is identity's chains that belong to no published track: ours
// the server refused, in name order.
func (b chainBook) refused(identity string) []room.TrackChain {
	var out []room.TrackChain
	for _, id := range slices.SortedFunc(maps.Keys(b[identity]), func(x, y chainID) int { return strings.Compare(x.name, y.name) }) {
		if id.sid == "" {
			out = append(out, b[identity][id])
		}
	}
	return out
}

// linkWords names each link as the details show it.
var linkWords = map[room.LinkName]string{
	room.LinkPublished:     "published",
	room.LinkMaySubscribe:  "may subscribe",
	room.LinkAllowed:       "allowed by publisher",
	room.LinkSubscribed:    "subscribed",
	room.LinkStreamActive:  "stream active",
	room.LinkMediaArriving: "media arriving",
	room.LinkMayPublish:    "may publish",
}

// linkNameWidth fits the longest link name.
const linkNameWidth = 20

func linkWord(n room.LinkName) string {
	if w, ok := linkWords[n]; ok {
		return w
	}
	return strings.ReplaceAll(textsafe.Line(string(n), linkNameWidth), "_", " ")
}

// chainVerdict says in a few words whether media can flow, and where it
// stops: "broken at allowed by publisher".
func chainVerdict(c room.TrackChain) string {
	if c.FirstBroken == "" {
		return "every link holds"
	}
	return string(c.State) + " at " + linkWord(c.FirstBroken)
}

// linkMark is a link state as a glyph that reads without colour, and the
// style that colours it.
func linkMark(st *styles.Styles, s room.LinkState) (string, lipgloss.Style) {
	switch s {
	case room.LinkOK:
		return "✓", st.FlagOn
	case room.LinkBroken:
		return "✗", st.Level[styles.LevelBad]
	case room.LinkWaiting:
		return "…", st.Level[styles.LevelWarn]
	case room.LinkOff:
		return "○", st.Faint
	}
	return "?", st.Faint
}

// chainLines draws c in w cells: a verdict, then a line per link (mark,
// name, detail); the first broken link is marked ▸ and its detail, the
// cause, is wrapped rather than cut. Link names stand in a column when
// that leaves the details room, else each detail follows its name. live,
// when set, is what the receive statistics say now: a flowing
// media_arriving link shows it instead of the figures of its last change.
func chainLines(st *styles.Styles, c room.TrackChain, live string, w int) []string {
	mark, style := linkMark(st, c.State)
	out := []string{ansi.Truncate("  "+style.Render(mark+" "+chainVerdict(c)), w, "…")}
	columns := w-4-linkNameWidth-1 >= chainDetailMin
	for _, l := range c.Links {
		detail := l.Detail
		if l.Name == room.LinkMediaArriving && l.State == room.LinkOK && live != "" {
			detail = live
		}
		lead := "  "
		if l.Name == c.FirstBroken {
			lead = "▸ "
		}
		m, ms := linkMark(st, l.State)
		head, indent := lead+ms.Render(m)+" "+linkWord(l.Name)+": ", 4
		if columns {
			head, indent = lead+ms.Render(m)+" "+pad(linkWord(l.Name), linkNameWidth)+" ", 4+linkNameWidth+1
		}
		if l.Name != c.FirstBroken {
			out = append(out, ansi.Truncate(head+st.Muted.Render(textsafe.Clean(detail)), w, "…"))
			continue
		}
		out = append(out, causeLines(head, indent, style.Render, textsafe.Clean(detail), w)...)
	}
	return out
}

// causeLines lays a broken link's detail out in full: after head as far
// as it fits, the rest wrapped under it (indent cells in); under it
// altogether when head leaves too little room.
func causeLines(head string, indent int, render func(...string) string, text string, w int) []string {
	first := w - lipgloss.Width(head)
	if first < chainCauseMin {
		head, first = ansi.Truncate(head, w, "…"), 0
	}
	var out []string
	if first > 0 {
		line, _, _ := strings.Cut(ansi.Wrap(text, first, " "), "\n")
		line = ansi.Truncate(line, first, "")
		out = append(out, head+render(line))
		text = strings.TrimSpace(strings.TrimPrefix(text, line))
	} else {
		out = append(out, head)
	}
	if text == "" {
		return out
	}
	for _, part := range strings.Split(ansi.Wrap(text, max(w-indent, 8), " "), "\n") {
		out = append(out, strings.Repeat(" ", indent)+render(part))
	}
	return out
}

// chainCauseMin is the least room after a link's name worth starting its
// cause in.
const chainCauseMin = 12

// chainDetailMin is the narrowest detail column worth aligning details in.
const chainDetailMin = 36
