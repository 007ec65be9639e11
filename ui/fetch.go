package ui

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/internal/source"
	"github.com/lkdash/lkdash/tokens"
)

func (m Model) startFetch(force bool) (Model, tea.Cmd) {
	if raw, ok := m.src.DecodeOnly(); ok && !m.fetching {
		return m.showDecoded(raw)
	}
	if !m.src.Ready() || m.fetching {
		return m, nil
	}
	m.fetching = true
	m.fetchSeq++
	m.bringForward(pToken)
	busy := m.send(pToken, tokenBusyMsg{"fetching…"})
	req := FetchRequest{Spec: m.src.Spec(), Options: m.src.Options(), Caching: m.src.Caching(), Force: force}
	return m, tea.Batch(busy, fetchCmd(m.ctx, m.cfg.Backend, req, m.fetchSeq, m.now))
}

// showDecoded shows a literal token that has no server URL to go with
// it: decoded and judged here, with nothing fetched.
func (m Model) showDecoded(raw string) (Model, tea.Cmd) {
	m.fetchSeq++ // a fetch still under way is superseded
	m.bringForward(pToken)
	tok, err := tokens.Decode(raw)
	check, _ := m.signerKeys().For(tok, "")
	shown := &shownToken{tok: tok, decodeErr: err, resp: tokens.Response{ParticipantToken: raw}, origin: "decoded", at: m.now()}
	m.setStatus("decoded", false) // the form says what a join still needs
	return m, tea.Batch(m.startTick(), m.send(pToken, tokenShowMsg{shown, check}))
}

// signerKeys are the key pairs that may judge a token from the current
// source: the form's pair when it was given for it (typed, preset
// explicitly, from the managed server) or when it mints; the saved ones
// only for the tokens they can have signed.
func (m Model) signerKeys() source.SignerKeys {
	var k source.SignerKeys
	if m.cfg.Keys != nil {
		k = *m.cfg.Keys
	}
	s := m.src.Spec()
	if m.cfg.Keys == nil || m.src.KeysGiven() || s.Mints() {
		k.Explicit = s.CheckConfig()
	}
	return k
}

func (m Model) onFetched(msg fetchDoneMsg) (Model, tea.Cmd) {
	if msg.seq != m.fetchSeq {
		return m, nil // superseded
	}
	m.fetching = false
	if msg.err != nil {
		m.log.Info("fetch failed", "err", msg.err)
		m.setStatus("fetch failed", true)
		return m, m.send(pToken, tokenFailedMsg{"fetch", msg.err})
	}
	res := msg.result
	cache := res.Cache
	m.log.Debug("fetched", "cache", cache.Status, "decoded", res.Token != nil) // never the token itself
	check, _ := m.signerKeys().For(res.Token, res.Response.ServerURL)
	shown := &shownToken{tok: res.Token, decodeErr: res.DecodeErr, resp: res.Response, cache: &cache, origin: "fetched", at: msg.at}
	m.setStatus("fetched", false)
	return m, tea.Batch(m.startTick(), m.send(pToken, tokenShowMsg{shown, check}))
}
