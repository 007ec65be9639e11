package termbg

import (
	"io"

	tea "github.com/charmbracelet/bubbletea"
)

// Wrap runs m with the background question asked: once Bubble Tea has the
// terminal (Init commands run after it switched the terminal to raw mode,
// so the reply is not echoed) it asks on out, and when the answer comes it
// calls apply on Bubble Tea's update loop, where m's next View, drawn at
// once, uses it. The program must read in.
func Wrap(m tea.Model, in *Input, out io.Writer, apply func(dark bool)) tea.Model {
	return asking{Model: m, in: in, out: out, apply: apply}
}

type asking struct {
	tea.Model
	in    *Input
	out   io.Writer
	apply func(dark bool)
}

// answerMsg carries the terminal's answer to the update loop.
type answerMsg struct{ dark bool }

func (a asking) Init() tea.Cmd { return tea.Batch(a.Model.Init(), a.ask) }

// ask asks and waits, off the update loop, for the answer or the bound.
func (a asking) ask() tea.Msg {
	if err := a.in.Ask(a.out); err != nil {
		return nil
	}
	if dark, ok := <-a.in.Answer(); ok {
		return answerMsg{dark}
	}
	return nil
}

func (a asking) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if ans, ok := msg.(answerMsg); ok {
		a.apply(ans.dark)
		return a, nil
	}
	var cmd tea.Cmd
	a.Model, cmd = a.Model.Update(msg)
	return a, cmd
}
