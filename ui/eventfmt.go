package ui

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/lkdash/lkdash/internal/format"
	"github.com/lkdash/lkdash/internal/textsafe"
	"github.com/lkdash/lkdash/room"
)

// Bounds on what one log entry keeps, so the log's memory has a ceiling.
const (
	entryLineMax   = 300 // display cells per line
	entryDetailMax = 8   // detail lines per entry
)

type entryKind int

const (
	entryEvent entryKind = iota
	entryRefresh
	entryProgress
	entryError
	entryInfo
)

// logEntry is one immutable row of the event log: the text is sanitised
// and bounded once, at append, so rendering only styles and clips it.
type logEntry struct {
	at     time.Time
	kind   entryKind
	typ    string   // event type, e.g. "participant_joined", "progress"
	text   string   // one-line summary
	detail []string // extra lines (refresh diff)
	search string   // lower-cased type+text+detail for the filter
	ev     room.Event
}

func newEntry(at time.Time, kind entryKind, typ, text string, detail []string, ev room.Event) *logEntry {
	e := &logEntry{at: at, kind: kind, typ: textsafe.Line(typ, 40), text: textsafe.Line(text, entryLineMax), ev: ev}
	for i, d := range detail {
		if i == entryDetailMax {
			e.detail = append(e.detail, fmt.Sprintf("… %d more", len(detail)-i))
			break
		}
		e.detail = append(e.detail, textsafe.Line(d, entryLineMax))
	}
	e.search = strings.ToLower(e.typ + " " + e.text + " " + strings.Join(e.detail, " "))
	return e
}

// eventEntry turns a room event into a log entry.
func eventEntry(ev room.Event) *logEntry {
	if e, ok := lifecycleEntry(ev); ok {
		return e
	}
	if e, ok := (nodeStory{}).entry(ev); ok {
		return e
	}
	if r, ok := ev.(room.TokenRefreshed); ok {
		return refreshEntry(r)
	}
	if m, ok := ev.(room.AgentMissing); ok {
		text := fmt.Sprintf("no agent %q joined after %s", m.AgentName, m.Waited)
		if m.Waited == 0 {
			text = fmt.Sprintf("agent %q will not be dispatched", m.AgentName)
		}
		return newEntry(m.Time(), entryError, m.Type(), text, m.Causes, m)
	}
	return newEntry(ev.Time(), entryEvent, ev.Type(), headline(ev)+eventSummary(ev), nil, ev)
}

// headline says in words what a participant event means, ahead of its
// fields, so a narrow log still reads "bob left: removed from the room".
func headline(ev room.Event) string {
	switch e := ev.(type) {
	case room.ParticipantJoined:
		return e.Participant.Identity + " joined (" + orDash(string(e.Participant.Kind)) + ") · "
	case room.ParticipantLeft:
		why := ""
		if e.Reason != "" {
			why = ": " + e.Reason
		}
		return e.Participant.Identity + " left" + why + " · "
	case room.TrackChain:
		return e.Identity + " " + e.Track.Media() + ": " + chainVerdict(e) + " · "
	}
	return ""
}

// eventSummary lists an event's fields as k=v, from its JSON form, so every
// event type (including ones added later) gets a readable line.
func eventSummary(ev room.Event) string {
	fields, err := eventFields(ev)
	if err != nil {
		return fmt.Sprintf("%+v", ev)
	}
	return strings.Join(fields, " ")
}

// eventFields is an event's JSON fields (docs/json.md describes each) as
// k=v, in key order, without the type and time every event has.
func eventFields(ev room.Event) ([]string, error) {
	b, err := room.MarshalEvent(ev)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	delete(m, "type")
	delete(m, "time")
	delete(m, "schema")
	var parts []string
	flatten("", m, &parts)
	return parts, nil
}

// flatten appends k=v for every leaf of m in key order; nested objects get
// dotted keys (participant.identity=bob), arrays stay compact JSON.
func flatten(prefix string, m map[string]any, out *[]string) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		switch v := m[k].(type) {
		case map[string]any:
			flatten(prefix+k+".", v, out)
		case string:
			if v != "" {
				*out = append(*out, prefix+k+"="+v)
			}
		case nil:
		default:
			b, _ := json.Marshal(v)
			*out = append(*out, prefix+k+"="+string(b))
		}
	}
}

func refreshEntry(r room.TokenRefreshed) *logEntry {
	d := r.Diff
	text := "lifetime " + format.Signed(d.LifetimeChange)
	if !d.NewExpiry.IsZero() {
		text += ", now expires " + d.NewExpiry.Format("15:04:05")
	}
	if d.LifetimeChange < 0 {
		text += " (SHORTER)"
	}
	var detail []string
	for _, c := range d.Changed {
		detail = append(detail, fmt.Sprintf("%s: %s → %s", c.Claim, orAbsent(c.Old), orAbsent(c.New)))
	}
	if len(detail) == 0 {
		detail = []string{"no claim changes"}
	}
	return newEntry(r.Time(), entryRefresh, r.Type(), text, detail, r)
}

func orAbsent(s string) string {
	if s == "" {
		return "(absent)"
	}
	return s
}
