// Command firstframe is the baseline for the dashboard's first frame: the
// least Bubble Tea v1 program that draws one bordered lipgloss box, in the
// alternate screen as the dashboard does. q quits.
package main

import (
	"fmt"
	"os"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

type box struct{}

func (box) Init() tea.Cmd { return nil }

func (b box) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && k.String() == "q" {
		return b, tea.Quit
	}
	return b, nil
}

func (box) View() string {
	return lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1).Render("first frame")
}

func main() {
	if _, err := tea.NewProgram(box{}, tea.WithAltScreen()).Run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
