package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/aymanbagabas/go-osc52/v2"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/tokens"
)

// clipboard is where OSC 52 copies go: the terminal Bubble Tea draws on,
// wrapped for tmux when inside it.
type clipboard struct {
	out  io.Writer
	tmux bool
}

// copy puts text on the clipboard with an OSC 52 sequence, written
// straight to the terminal from a command. Not in Update (that would be I/O
// on the event loop), and not via tea.Printf/Println: those print lines
// above the program, do nothing in the alt screen, and the renderer counts
// what they print, so an invisible escape sequence would skew the frame.
// The sequence moves no cursor, so writing it between frames is harmless.
func (c clipboard) copy(what, text string) tea.Cmd {
	if text == "" {
		return nil
	}
	seq := osc52.New(text)
	if c.tmux {
		seq = seq.Tmux() // tmux passes OSC 52 on only inside its DCS wrapper
	}
	out := c.out
	return func() tea.Msg {
		_, err := seq.WriteTo(out)
		return copiedMsg{what: what, n: len(text), err: err}
	}
}

// copy copies the shown token, or its decode report (what `lkdash decode
// --json` prints).
func (t tokenPanel) copy(report bool) tea.Cmd {
	cur := t.current()
	switch {
	case cur == nil:
		return nil
	case !report:
		return t.clip.copy("token", cur.resp.ParticipantToken)
	case cur.tok == nil:
		return nil
	}
	rep := tokens.NewReport(cur.tok, t.judgeTime(t.now()), t.check)
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return func() tea.Msg { return copiedMsg{err: err} }
	}
	return t.clip.copy("decode JSON", string(b))
}

// exportLog writes entries as JSON lines to lkdash-events-<time>.jsonl in
// dir. entries is a snapshot, so the model may go on appending meanwhile.
func exportLog(dir string, now time.Time, entries []*logEntry) tea.Cmd {
	return func() tea.Msg {
		if dir == "" {
			dir = "."
		}
		path := filepath.Join(dir, "lkdash-events-"+now.UTC().Format("20060102T150405Z")+".jsonl")
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return exportedMsg{err: err}
		}
		n, werr := writeEntries(f, entries)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		return exportedMsg{path: path, n: n, err: werr}
	}
}

func writeEntries(w io.Writer, entries []*logEntry) (int, error) {
	var errs []error
	n := 0
	for _, e := range entries {
		var b []byte
		var err error
		if e.ev != nil {
			b, err = room.MarshalEvent(e.ev)
		} else {
			// lkdash's own lines (progress, errors) are not room events;
			// their type is prefixed so a reader can tell them apart.
			b, err = json.Marshal(struct {
				Type    string    `json:"type"`
				Time    time.Time `json:"time"`
				Message string    `json:"message"`
			}{"lkdash." + e.typ, e.at, e.text})
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s event: %w", e.typ, err))
			continue
		}
		if _, err := w.Write(append(b, '\n')); err != nil {
			return n, err
		}
		n++
	}
	return n, errors.Join(errs...)
}
