package room

import (
	"testing"
	"time"
)

// drillSettle is how long the drill tests let a fresh session finish its ICE
// gathering before dropping it: pion/ice v4.4.0 reads the agent's server
// list from the gathering goroutine without synchronisation, and a resume
// that rewrites that list while the join's gathering still runs is a data
// race inside pion (reported by -race, not lkdash's code).
const drillSettle = 2 * time.Second

// TestDrills runs every drill against the real server and checks each
// one's outcome, recovery and the token its reconnect presented. After the
// join refresh, a reconnect presents refreshed #1 (the SDK swaps tokens as
// they arrive).
func TestDrills(t *testing.T) {
	t.Parallel() // after the sequential tests, whose goroutine checks the SDK's lingering teardown would upset
	srv := shared.Server(t)
	for _, d := range Drills() {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			s := join(t, srv, "drill-"+string(d), Config{})
			waitFor[TokenRefreshed](t, s, nil)
			time.Sleep(drillSettle)
			if err := s.Drill(d); err != nil {
				t.Fatal(err)
			}
			res, seen := waitWithin[DrillResult](t, s, 90*time.Second, nil)
			t.Logf("%s: outcome %s after %s, %d attempts, presented %+v, detail %q; events %s",
				d, res.Outcome, res.Recovery, res.Attempts, res.Presented, res.Detail, types(seen))
			for _, ev := range seen {
				if a, ok := ev.(ReconnectAttempt); ok {
					t.Logf("  attempt %d %s presented %s status %d %s", a.Attempt, a.Mode, a.Presented.Label(), a.Status, a.Error)
				}
			}
			if d == DrillServerLeave && res.Outcome == DrillEnded {
				// v1.13.5 closes the participant with a DISCONNECT leave
				// (SERVER_SHUTDOWN); when the connection drops before the SDK
				// reads it, the SDK resumes instead. Both are real outcomes.
				if dis, _ := waitFor[Disconnected](t, s, nil); dis.Code != "SERVER_SHUTDOWN" {
					t.Errorf("server-leave ended the session with %+v", dis)
				}
				return
			}
			if res.Outcome != DrillRecovered || res.Presented == nil || res.Presented.Refresh != 1 || res.Attempts == 0 {
				t.Errorf("result %+v: want recovered, presenting refreshed #1", res)
			}
		})
	}
}
