package room

import (
	"encoding/json"
	"time"
)

// NodeChanged is our participant landing on another server node: after
// a full reconnect to a room that was recreated elsewhere (its node died),
// or a migration. The node ids are the servers' own ("ND_…"), from the
// join or reconnect response.
type NodeChanged struct {
	At   time.Time `json:"-"`    // when the session saw it
	From string    `json:"from"` // the node before
	To   string    `json:"to"`   // the node now
	// Region is the new node's region, when the server names one (LiveKit
	// Cloud).
	Region string `json:"region,omitempty"`
}

// Failover is the relay reaching the server at another address than
// before: the next URL of a self-hosted deployment (Config.FailoverURLs),
// or the next LiveKit Cloud region, because the one in use could not be
// reached or its connection was lost.
type Failover struct {
	At     time.Time     `json:"-"`      // when the new address took the dial
	From   Upstream      `json:"from"`   // the address given up
	To     Upstream      `json:"to"`     // the address that took the dial
	Reason string        `json:"reason"` // why each address before To failed
	Took   time.Duration `json:"-"`      // from the loss (or the first failed dial) to To taking it
}

// Time returns At.
func (e NodeChanged) Time() time.Time { return e.At }

// Time returns At.
func (e Failover) Time() time.Time { return e.At }

// Type returns "node_changed".
func (NodeChanged) Type() string { return "node_changed" }

// Type returns "failover".
func (Failover) Type() string { return "failover" }

// MarshalJSON adds took_seconds.
func (e Failover) MarshalJSON() ([]byte, error) {
	type plain Failover
	return json.Marshal(struct {
		plain
		TookSeconds float64 `json:"took_seconds"`
	}{plain(e), e.Took.Seconds()})
}
