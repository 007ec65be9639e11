package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/lkdash/lkdash/internal/textsafe"
	"github.com/lkdash/lkdash/tokens"
)

// Bounds on how much of one claim the token panel shows.
const (
	claimLinesMax = 8    // lines of pretty metadata / attributes
	claimBytesMax = 4096 // metadata longer than this is not pretty-printed
)

// prettyValue renders a claim string for reading: JSON objects and arrays
// indented, anything else as one line. Every line is sanitised and fitted
// to width; at most claimLinesMax lines come back.
func prettyValue(s string, width int) []string {
	trim := strings.TrimSpace(s)
	if len(trim) <= claimBytesMax && (strings.HasPrefix(trim, "{") || strings.HasPrefix(trim, "[")) && json.Valid([]byte(trim)) {
		var buf bytes.Buffer
		if json.Indent(&buf, []byte(trim), "", "  ") == nil {
			return fitLines(strings.Split(buf.String(), "\n"), width)
		}
	}
	return []string{textsafe.Line(s, width)}
}

// fitLines sanitises and truncates lines, capping their number.
func fitLines(lines []string, width int) []string {
	var out []string
	for i, l := range lines {
		if i == claimLinesMax {
			out = append(out, textsafe.Line(fmt.Sprintf("… %d more lines", len(lines)-i), width))
			break
		}
		out = append(out, textsafe.Line(l, width))
	}
	return out
}

// agentDispatches formats roomConfig.agents for the token panel.
func agentDispatches(t *tokens.Token) []string {
	var out []string
	for _, a := range t.AgentDispatches() {
		out = append(out, a.String())
	}
	return out
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
