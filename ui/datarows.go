package ui

import (
	"maps"
	"slices"
	"strings"

	"github.com/lkdash/lkdash/internal/format"
	"github.com/lkdash/lkdash/internal/textsafe"
	"github.com/lkdash/lkdash/room"
)

// pendingShown bounds the lines of sends under way above the list.
const pendingShown = 3

// headLines are the lines above the list: the form when open and the
// sends under way.
func (p dataPanel) headLines() []string {
	var out []string
	if p.form.open {
		out = p.form.lines(p.st)
	}
	n := 0
	for _, seq := range slices.Sorted(maps.Keys(p.pending)) {
		if n == pendingShown {
			out = append(out, p.st.Muted.Render("  … "+itoa(len(p.pending)-n)+" more under way"))
			break
		}
		out = append(out, p.st.Muted.Render("  … "+textsafe.Line(p.pending[seq].describe(), max(p.w-4, 1))))
		n++
	}
	return out
}

// Want implements Panel.
func (p dataPanel) Want(w int) int {
	if p.feed.detail {
		p.w = w
		return len(p.detailLines())
	}
	return len(p.headLines()) + max(p.feed.len(), 1) + 1
}

// View implements Panel: the form, the messages and a status line, or
// one message's details.
func (p dataPanel) View() string {
	if p.w <= 0 || p.h <= 0 {
		return ""
	}
	if p.feed.detail {
		return fitBlock(p.feed.detailLines(p.detailLines(), p.h), p.w, p.h)
	}
	lines := p.headLines()
	list := p.feed.listLines(p.st, p.w, p.row)
	if p.feed.len() == 0 {
		hint := "nothing sent or received yet"
		if p.canSend {
			hint += " — s sends text, a file or an RPC call"
		}
		list = []string{p.st.Faint.Render(hint)}
	}
	lines = append(lines, list...)
	for len(lines) < p.h-1 {
		lines = append(lines, "")
	}
	return fitBlock(append(lines[:max(p.h-1, 0)], p.statusLine()), p.w, p.h)
}

func (p dataPanel) statusLine() string {
	s := p.st.Muted.Render(format.Count(p.feed.len(), "message"))
	if topics := p.unhandledTopics(); len(topics) > 0 {
		s += p.st.Muted.Render(" · ") + p.st.Error.Render("no handler here for "+textsafe.Line(strings.Join(topics, ", "), 80))
	}
	if p.feed.len() > 0 {
		s += p.st.Muted.Render(" · enter for details")
	}
	return s
}

// kindLabels are the kinds as the list shows them.
var kindLabels = map[room.DataKind]string{
	room.DataPacket: "packet", room.DataReliable: "reliable", room.DataLossy: "lossy",
	room.DataText: "text", room.DataBytes: "bytes", room.DataRPC: "rpc",
}

// kindColumnMin is the narrowest row that has a kind column; narrower
// ones leave the kind to the details.
const kindColumnMin = 90

// row is one message: when, which way, who, on which topic (or method),
// how, how big, and what it said or how it ended.
func (p dataPanel) row(e dataEntry, w int) string {
	st := p.st
	ts := st.EventTime.Render(e.at.Format("15:04:05"))
	if e.ev == nil {
		return ts + " → " + st.Error.Render(textsafe.Line(e.req.describe()+" failed: "+e.err, max(w-11, 1)))
	}
	info := e.ev.Data()
	arrow, peer := "←", info.Peer
	switch {
	case info.Outgoing:
		arrow = "→"
		if peer == "" {
			peer = "everyone"
		}
	case peer == "":
		peer = "?"
	}
	pw, tw := min(max(w/8, 6), 16), min(max(w/7, 6), 20)
	size := ""
	if _, unhandled := e.ev.(room.StreamUnhandled); !unhandled {
		size = format.Bytes(int64(info.Size))
	}
	text, bad := p.outcome(e.ev)
	style := st.EventText
	if bad {
		style = st.Error
	}
	kind := ""
	if w >= kindColumnMin {
		kind = pad(kindLabels[info.Kind], 8) + " "
	}
	return ts + " " + arrow + " " + pad(textsafe.Line(peer, pw), pw) + " " + st.EventType.Render(pad(textsafe.Line(info.Topic, tw), tw)) +
		" " + kind + pad(size, 8) + " " + style.Render(textsafe.Line(text, max(w, 1)))
}

// outcome is the end of a row: the text, how far a stream got, how a call
// ended; bad marks a failure.
func (p dataPanel) outcome(ev room.DataEvent) (string, bool) {
	switch e := ev.(type) {
	case room.Transcription:
		s := e.Identity + " said: " + quoted(e.Preview)
		if !e.Final {
			s += " (interim)"
		}
		return s, false
	case room.ByteStreamProgress:
		return "receiving" + progressText(e.Received, e.Total) + named(e.Name), false
	case room.ByteStreamReceived:
		if e.Total > 0 && e.Size != e.Total {
			return "INCOMPLETE: " + format.Bytes(int64(e.Size)) + " of " + format.Bytes(int64(e.Total)) + named(e.Name), true
		}
		return "received whole" + named(e.Name) + " · sha256 " + short(e.SHA256), false
	case room.ByteStreamSent:
		return "sent" + named(e.Name) + " · sha256 " + short(e.SHA256), false
	case room.StreamUnhandled:
		return "dropped: no handler for this topic here (" + itoa(e.Count) + " so far)", true
	case room.RPCResult:
		if !e.OK {
			return orDash(e.Error) + " (" + itoa(e.Code) + ") after " + format.Latency(e.RTT) + ": " + orDash(e.Cause), true
		}
		return "answered in " + format.Latency(e.RTT) + " · " + quoted(e.Preview), false
	case room.RPCRequest:
		if e.Code != 0 {
			return quoted(e.Preview) + " · we answered error " + itoa(e.Code) + ": " + e.Error, true
		}
		return quoted(e.Preview) + " · we answered in " + format.Latency(e.Handled), false
	}
	return quoted(ev.Data().Preview), false
}

// progressText is " 40% of 1.0 MiB", or "…" when the size is unknown.
func progressText(received, total int) string {
	if total <= 0 {
		return "…"
	}
	return " " + itoa(received*100/total) + "% of " + format.Bytes(int64(total))
}

func named(name string) string {
	if name == "" {
		return ""
	}
	return " · " + name
}

// quoted is a preview in quotes, or says there is none.
func quoted(preview string) string {
	if preview == "" {
		return "(no text)"
	}
	return "“" + preview + "”"
}

// short is the head of a hash.
func short(hash string) string { return hash[:min(len(hash), 12)] + "…" }

// dataTextLinesMax bounds a message's text in its details.
const dataTextLinesMax = 40

// detailLines is every line of the open message's details: its row's
// outcome, then each of its JSON fields (docs/json.md), the text wrapped.
func (p dataPanel) detailLines() []string {
	e, ok := p.feed.shown()
	if !ok {
		return []string{p.st.Muted.Render("no longer kept · esc: back")}
	}
	b := details{st: p.st, w: p.w, lw: 15, lines: []string{p.st.Muted.Render("esc: back to the list")}}
	if e.ev == nil {
		b.wrap("failed", e.req.describe()+": "+e.err, 6)
		return b.lines
	}
	text, _ := p.outcome(e.ev)
	b.add("type", e.ev.Type())
	b.wrap("outcome", text, 3)
	b.add("at", e.at.Format("15:04:05.000"))
	fields, _ := eventFields(e.ev)
	long := map[string]bool{"text": true, "response": true, "cause": true, "message": true}
	for _, f := range fields {
		k, v, _ := strings.Cut(f, "=")
		switch {
		case k == "preview":
			continue // the text itself follows, whole
		case long[k]:
			b.wrap(k, v, dataTextLinesMax)
		default:
			b.add(k, v)
		}
	}
	return b.lines
}
