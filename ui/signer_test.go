package ui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/internal/source"
	"github.com/lkdash/lkdash/styles"
	"github.com/lkdash/lkdash/tokens"
)

// TestDashboardVerifiesOnlyWithTheSigner: the dashboard preset from an lk
// default project for another key shows a good token from elsewhere as
// valid and unverified; a saved project holding the signer's key verifies.
func TestDashboardVerifiesOnlyWithTheSigner(t *testing.T) {
	lab := source.SavedKey{Name: "lab", URL: "wss://lab.example", APIKey: "labkey", APISecret: "labsecret"}
	dev := source.SavedKey{Name: "dev", URL: "wss://dev.example", APIKey: "devkey", APISecret: "secret"}
	tests := []struct {
		name  string
		saved []source.SavedKey
		want  tokens.Signature
		badge string
	}{
		{"unrelated default project", []source.SavedKey{lab}, tokens.SignatureUnverified, "VALID"},
		{"project with the signer's key", []source.SavedKey{lab, dev}, tokens.SignatureVerified, "SIG OK"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newClock()
			b := &fakeBackend{resp: tokens.Response{ServerURL: "wss://sandbox.example", ParticipantToken: mintJWT(t, baseClaims(clk.Now(), time.Hour))}}
			st := styles.New(styles.DefaultTheme(), false)
			m := New(Config{
				Spec:    source.Spec{Kind: source.KindSandbox, SandboxID: "demo", APIKey: lab.APIKey, APISecret: lab.APISecret},
				Keys:    &source.SignerKeys{Saved: tt.saved},
				Caching: true, Backend: b, Now: clk.Now, Styles: &st, Output: &strings.Builder{},
			})
			m = fetched(t, send(t, m, tea.WindowSizeMsg{Width: 120, Height: 40}))
			v := m.tok.current().tok.Check(clk.Now(), m.tok.check)
			if !v.Valid || v.Signature != tt.want {
				t.Fatalf("valid=%v signature=%s problems=%q", v.Valid, v.Signature, v.Problems)
			}
			if view := m.View(); !strings.Contains(view, tt.badge) || strings.Contains(view, "INVALID") || strings.Contains(view, "SIG BAD") {
				t.Errorf("view does not show %s:\n%s", tt.badge, view)
			}
		})
	}
}
