package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/lkdash/lkdash/internal/format"
	"github.com/lkdash/lkdash/internal/textsafe"
	"github.com/lkdash/lkdash/styles"
)

// roomLabelWidth fits the longest label, the server's own setting names
// ("departure_timeout"), so they read as in livekit-server's config.
const roomLabelWidth = 17

// roomLines draws the room: first when it closes after we leave, or what
// became of it since we left (the part that changes), then its
// description and settings.
func (p roomPanel) roomLines() []string {
	st := p.st
	s := p.state
	if s == nil {
		if p.live {
			return []string{st.Faint.Render("waiting for the server to describe the room…")}
		}
		return p.wrap(st.Faint, "Not in a room: j joins, and the room's settings show here.")
	}
	vw := max(p.w-roomLabelWidth-1, 4)
	out := p.closingLines()
	row := func(label string, vals ...string) {
		for i, v := range vals {
			l := strings.Repeat(" ", roomLabelWidth+1)
			if i == 0 {
				l = st.Label.Render(pad(label, roomLabelWidth)) + " "
			}
			out = append(out, l+v)
		}
	}
	line := func(s string) string { return textsafe.Line(s, vw) }
	row("name", line(s.Name))
	row("sid", line(orDash(s.SID)))
	if !s.CreatedAt.IsZero() {
		now := p.now()
		row("created", line(s.CreatedAt.In(now.Location()).Format("15:04:05")+" ("+format.Duration(now.Sub(s.CreatedAt))+" ago)"))
	}
	row("participants", line(fmt.Sprintf("%d (you included) · %d publishing", s.Participants, s.Publishers)))
	row("recording", line(map[bool]string{true: "yes: a recorder is in the room", false: "no"}[s.Recording]))
	if s.Metadata != "" {
		row("metadata", prettyValue(s.Metadata, vw)...)
	} else {
		row("metadata", st.Muted.Render("none"))
	}
	row("empty_timeout", line(seconds(s.EmptyTimeoutSeconds)+" · while nobody has joined"))
	row("departure_timeout", line(seconds(s.DepartureTimeoutSeconds)+" · after the last one leaves"))
	limit := "no limit"
	if s.MaxParticipants > 0 {
		limit = itoa(s.MaxParticipants) + " · agents and recorders not counted"
	}
	row("max_participants", line(limit))
	codecs := make([]string, len(s.EnabledCodecs))
	for i, c := range s.EnabledCodecs {
		codecs[i] = textsafe.Line(c, vw)
	}
	if len(codecs) == 0 {
		codecs = []string{st.Muted.Render("not reported")}
	}
	row("codecs", wrapWords(codecs, vw)...)
	if p.live {
		out = append(out, p.wrap(st.Faint, "i invites someone: a token for a new identity in this room.")...)
	}
	return out
}

// closingLines says when the room closes after we leave or, once we
// left, what the server says of it since.
func (p roomPanel) closingLines() []string {
	st, s := p.st, p.state
	if p.after == nil {
		switch {
		case !p.live:
			return p.wrap(st.Muted, "The session ended.")
		case s.LastOne && s.ClosesAfterLeaveSeconds != nil:
			text := "You are the last one here: this room closes " + afterLeaving(*s.ClosesAfterLeaveSeconds)
			if s.Participants > 1 {
				text += " (agents and recorders do not keep it open)"
			}
			return p.wrap(st.Level[styles.LevelWarn], text+".")
		}
		return p.wrap(st.Value, "Someone else keeps the room open after you leave.")
	}
	a := p.after
	var out []string
	if s.LastOne && s.ClosesAfterLeaveSeconds != nil {
		out = p.countdownLines(a, *s.ClosesAfterLeaveSeconds)
	} else {
		switch {
		case a.answered && a.exists:
			out = p.wrap(st.Value, "You left; the room still exists: others are in it.")
		case a.answered:
			out = p.wrap(st.Value, "You left; the room is gone.")
		default:
			out = p.wrap(st.Value, "You left; others kept the room open.")
		}
	}
	if a.err != "" {
		out = append(out, p.wrap(st.Error, "Asking the server whether the room still exists: "+a.err)...)
	}
	if !a.ask {
		out = append(out, p.wrap(st.Faint, "With the API key and secret, lkdash asks the server whether the room still exists.")...)
	}
	return out
}

// countdownLines follow a room we were the last one in, closes seconds
// after we left at a.at.
func (p roomPanel) countdownLines(a *afterLeave, closes int) []string {
	st := p.st
	since := p.now().Sub(a.at)
	left := time.Duration(closes)*time.Second - since
	switch {
	case !a.gone.IsZero():
		return p.wrap(st.Level[styles.LevelGood], fmt.Sprintf("The room closed %s after you left (departure_timeout %s).",
			seconds(int(a.gone.Sub(a.at).Round(time.Second)/time.Second)), seconds(closes)))
	case a.gaveUp:
		return p.wrap(st.Error, fmt.Sprintf("The server still lists the room %s after you left, past its departure_timeout of %s; lkdash stopped asking.",
			format.Duration(since), seconds(closes)))
	case left > 0:
		text := fmt.Sprintf("You left %s ago: the room closes in %s (departure_timeout %s).",
			format.Duration(since), seconds(int((left+time.Second-1)/time.Second)), seconds(closes))
		if a.answered && a.exists {
			text += " The server still lists it."
		}
		return p.wrap(st.Level[styles.LevelWarn], text)
	case a.ask:
		return p.wrap(st.Level[styles.LevelWarn], fmt.Sprintf("Its departure_timeout (%s) has passed; the server still lists the room (it looks once a second)…", seconds(closes)))
	}
	return p.wrap(st.Level[styles.LevelWarn], fmt.Sprintf("By its departure_timeout the room closed about %s ago.", format.Duration(-left)))
}

// wrap renders text wrapped to the panel, each line in style.
func (p roomPanel) wrap(style lipgloss.Style, text string) []string {
	return styleAll(style, strings.Split(ansi.Wrap(text, max(p.w, 1), " "), "\n"))
}

// seconds is a whole number of seconds as the server's settings give them.
func seconds(n int) string { return itoa(n) + " s" }

// afterLeaving is when a room closes after its last one left.
func afterLeaving(n int) string {
	if n <= 0 {
		return "as soon as you leave"
	}
	return seconds(n) + " after you leave"
}
