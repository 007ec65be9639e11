package ui

import (
	"context"
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/lkdash/lkdash/internal/source"
	"github.com/lkdash/lkdash/invite"
)

// InviteBackend is a Backend that can get a token for a second
// participant in a room (package invite): the dashboard's "i" offers it
// while joined.
type InviteBackend interface {
	Invite(ctx context.Context, req InviteRequest) (invite.Invite, error)
}

// InviteRequest asks for a token for a new identity in Room: from the
// source Spec describes, or minted with its key pair when the source
// cannot issue one for another identity (a literal token), living TTL.
type InviteRequest struct {
	Spec source.Spec
	Room string
	TTL  time.Duration
}

// inviteTTL is how long a minted invite lives: long enough to join from a
// phone, short for a credential handed out.
const inviteTTL = time.Hour

// inviteOpenMsg tells the Room panel an invite is on its way; seq ties
// the answer to it.
type inviteOpenMsg struct{ seq int }

// inviteDoneMsg carries the invite, or why there is none.
type inviteDoneMsg struct {
	seq int
	inv invite.Invite
	err error
}

// canInvite reports whether "i" can invite now: joined (the room is
// known) through a backend that invites.
func (m Model) canInvite() bool {
	_, ok := m.cfg.Backend.(InviteBackend)
	return ok && m.join == joined && m.roomName != ""
}

// startInvite asks the backend for an invite into the joined room and
// brings the Room panel, where it shows, forward.
func (m Model) startInvite() (Model, tea.Cmd) {
	ib, ok := m.cfg.Backend.(InviteBackend)
	if !ok || !m.canInvite() {
		return m, nil
	}
	m.inviteSeq++
	seq, ctx := m.inviteSeq, m.ctx
	req := InviteRequest{Spec: m.src.Spec(), Room: m.roomName, TTL: inviteTTL}
	m.setFocus(pRoom)
	m.setStatus("getting a token for someone else in room "+m.roomName+"…", false)
	return m, tea.Batch(m.send(pRoom, inviteOpenMsg{seq: seq}), func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		inv, err := ib.Invite(ctx, req)
		return inviteDoneMsg{seq: seq, inv: inv, err: err}
	})
}

// onInviteDone hands the invite to the Room panel. A token for our own
// identity is no invite: whoever joined with it would push us out.
func (m Model) onInviteDone(msg inviteDoneMsg) (Model, tea.Cmd) {
	if msg.err == nil && msg.inv.Identity == m.localIdentity {
		msg.err = fmt.Errorf("the token source gave a token for your own identity %q, not a new one: "+
			"whoever joined with it would push you out of the room", m.localIdentity)
	}
	switch {
	case msg.seq != m.inviteSeq:
	case msg.err != nil:
		m.setStatus("invite failed", true)
	default:
		m.setStatus("invite ready: enter in the Room panel shows it", false)
	}
	return m, m.send(pRoom, msg)
}
