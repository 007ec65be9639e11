package ui

import (
	"slices"
	"testing"

	"github.com/lkdash/lkdash/tokens"
)

// TestAgentDispatchesSpelling: the token panel spells agent dispatches as
// decode and fetch print them (tokens.AgentDispatch.String).
func TestAgentDispatchesSpelling(t *testing.T) {
	c := baseClaims(t0, 0)
	c["roomConfig"] = map[string]any{"agents": []any{
		map[string]any{"agentName": "support", "deployment": "staging"},
		map[string]any{"metadata": "m"},
	}}
	tok, err := tokens.Decode(mintJWT(t, c))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"name=support deployment=staging", "name=— metadata=m"}
	if got := agentDispatches(tok); !slices.Equal(got, want) {
		t.Errorf("agentDispatches = %q, want %q", got, want)
	}
}
