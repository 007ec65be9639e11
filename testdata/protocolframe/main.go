// Command protocolframe is the floor for the dashboard's first frame: the
// baseline's one bordered box, but showing the identity of the token in
// its first argument, parsed with github.com/livekit/protocol/auth as the
// dashboard parses tokens. Linking livekit/protocol runs the package inits
// of its protobuf registries, protovalidate and cel before main, which any
// program that decodes tokens with it pays. q quits.
package main

import (
	"fmt"
	"os"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/livekit/protocol/auth"
)

type box struct{ identity string }

func (box) Init() tea.Cmd { return nil }

func (b box) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && k.String() == "q" {
		return b, tea.Quit
	}
	return b, nil
}

func (b box) View() string {
	return lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1).Render(b.identity)
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: protocolframe TOKEN")
		os.Exit(2)
	}
	v, err := auth.ParseAPIToken(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if _, err := tea.NewProgram(box{identity: v.Identity()}, tea.WithAltScreen()).Run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
