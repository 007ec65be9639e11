package ui

import (
	"github.com/lkdash/lkdash/internal/textsafe"
	"github.com/lkdash/lkdash/room"
)

// The header and the roster name the server node our participant is on,
// and the address the relay reached the server at when it is not the
// source's own URL (another URL of the deployment, a Cloud region), so a
// failover or a move to another node shows the moment it happens.

// ManagedNode is one node of the managed deployment.
type ManagedNode struct {
	ID  string // the id the server gave itself ("ND_…")
	URL string // its signal URL
}

// clusterMsg tells the panels the managed deployment's nodes, each time
// it is (re)started, so they can name a node by its place.
type clusterMsg struct{ names nodeNames }

// nodeNames numbers the nodes of the managed deployment from 1, as
// `lkdash devserver` does; a node it does not know is named by its id.
type nodeNames map[string]int

func newNodeNames(nodes []ManagedNode) nodeNames {
	n := nodeNames{}
	for i, node := range nodes {
		if node.ID != "" {
			n[node.ID] = i + 1
		}
	}
	return n
}

// label is "node 2 (ND_…)" for a node of the managed deployment, else
// "node ND_…"; the id comes from the server, so it is made inert.
func (n nodeNames) label(id string) string {
	id = textsafe.Line(id, 40)
	if i, ok := n[id]; ok {
		return "node " + itoa(i) + " (" + id + ")"
	}
	return "node " + id
}

// placement is where our participant is: the node hosting the room, its
// region, and the address the relay reached the server at.
type placement struct {
	node, region string
	serverURL    string         // the token source's URL
	upstream     *room.Upstream // the last address that took a dial; nil before one did
}

// observe follows the events that move us, and reports whether the
// placement changed.
func (p *placement) observe(ev room.Event) bool {
	before := p.summary()
	switch e := ev.(type) {
	case room.Connected:
		*p = placement{node: e.ServerNode, region: e.ServerRegion, serverURL: e.ServerURL, upstream: e.Upstream}
	case room.NodeChanged:
		p.node = e.To
		if e.Region != "" {
			p.region = e.Region
		}
	case room.Failover:
		to := e.To
		p.upstream = &to
	case room.ReconnectAttempt:
		if e.Accepted && e.Upstream.URL != "" {
			to := e.Upstream
			p.upstream = &to
		}
	case room.DrillResult:
		if e.Node != "" {
			p.node = e.Node
		}
	}
	return p.summary() != before
}

// summary is a comparable form of p.
func (p placement) summary() [4]string {
	var up string
	if p.upstream != nil {
		up = p.upstream.URL + " " + p.upstream.Region
	}
	return [4]string{p.node, p.region, p.serverURL, up}
}

// via is the address to name: a Cloud region, or a URL other than the
// source's; "" when the source's own URL took the dial.
func (p placement) via() string {
	u := p.upstream
	if u == nil || (u.Region == "" && u.URL == p.serverURL) {
		return ""
	}
	return textsafe.Line(u.Label(), 60)
}

// describe is "node 2 (ND_…) via 127.0.0.1:7882", or with a region and
// no other address "node ND_… in us-east"; "" before the server named
// the node.
func (p placement) describe(names nodeNames) string {
	if p.node == "" {
		return ""
	}
	s := names.label(p.node)
	switch via := p.via(); {
	case via != "":
		s += " via " + via
	case p.region != "":
		s += " in " + textsafe.Line(p.region, 40)
	}
	return s
}

// placeMsg tells the roster where our participant is now, described.
type placeMsg struct{ where string }

// nodeLine is the header's node and the address the relay reached it
// at; "" before the server named the node.
func (m Model) nodeLine() string {
	where := m.place.describe(m.managed.names)
	if m.join != joined || where == "" {
		return ""
	}
	return m.st.Muted.Render(" · ") + m.st.Value.Render(where)
}
