package room

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// existedSlack separates a room our join created (created a few
// milliseconds before our joined_at) from one that was there before.
const existedSlack = time.Second

// roomExisted says whether the room was there before our join, and why we
// think so. running means participants were in it, so the server's room
// (and its dispatches) certainly predate us; a room that was merely
// created earlier (through the API, say) may still be started by our
// join. Both times are the server's. w.mu must be held.
func (w *dispatchWatch) roomExisted() (existed, running bool, why string) {
	switch {
	case w.othersAt == 1:
		return true, true, "1 participant was already in it"
	case w.othersAt > 1:
		return true, true, fmt.Sprintf("%d participants were already in it", w.othersAt)
	case !w.roomCreated.IsZero() && w.ourJoinMs > 0 && w.roomCreated.Before(time.UnixMilli(w.ourJoinMs).Add(-existedSlack)):
		return true, false, fmt.Sprintf("it was created %s before our join", time.UnixMilli(w.ourJoinMs).Sub(w.roomCreated).Round(time.Second))
	}
	return false, false, ""
}

// causes lists why it's agent has not joined, most likely first, from what
// lkdash could check; w.mu must be held.
func (w *dispatchWatch) causes(it *dispatchItem) []string {
	var out []string
	name := it.d.AgentName
	if it.d.Origin == FromRequest {
		out = append(out, fmt.Sprintf("the token has no roomConfig: the request asked for agent %q but the token source left it out of the token, so the server was never asked (a token endpoint must copy room_config into the token)", name))
	}
	existed, _, why := w.roomExisted()
	ignored := existed && it.d.Origin == FromToken && !it.serverSeen
	if ignored {
		line := fmt.Sprintf("the room already existed when we joined (%s): livekit-server dispatches a token's roomConfig agents only when it creates the room and ignores them on later joins", why)
		if w.client != nil && w.polled {
			line += fmt.Sprintf("; it lists no dispatch for %q in this room", name)
		}
		out = append(out, line+". Create an explicit dispatch instead")
	}
	out = append(out, w.nearMisses(name)...)
	switch {
	case ignored:
	case w.client == nil:
		if it.d.Origin != FromRequest {
			out = append(out, fmt.Sprintf("no agent named %q joined: most likely no worker is registered under exactly that name (with the API key and secret lkdash would ask the server for the dispatch's jobs)", name))
		}
	case !it.serverSeen && it.d.Origin == FromToken:
		out = append(out, fmt.Sprintf("the server lists no dispatch for agent %q in room %q", name, w.roomName))
	case it.serverSeen && len(it.d.Jobs) == 0:
		out = append(out, fmt.Sprintf("the server has the dispatch but started no job: no worker is registered for agent name %q (or none had room for the job)", name))
	case len(it.d.Jobs) > 0:
		j := it.d.Jobs[len(it.d.Jobs)-1]
		line := fmt.Sprintf("job %s went to worker %s (%s) but its participant %q never joined: the worker accepted the job and did not connect", j.ID, j.WorkerID, j.Status, j.Participant)
		if j.Error != "" {
			line += " (" + j.Error + ")"
		}
		out = append(out, line)
	}
	if name != "" {
		out = append(out, "automatic dispatch covers only workers registered with an empty agent name (the server sends them every new room whose token has no roomConfig); a named worker joins only when a token's roomConfig or an explicit dispatch names it")
	} else {
		out = append(out, "an unnamed dispatch is taken by workers registered with an empty agent name; the server creates one only for new rooms whose token has no roomConfig")
	}
	return out
}

// nearMisses names registered workers and agents in the room whose name is
// the wanted one in another case or a typo away; w.mu must be held.
func (w *dispatchWatch) nearMisses(want string) []string {
	var out []string
	seen := map[string]bool{want: true}
	check := func(have, what string) {
		if seen[have] {
			return
		}
		seen[have] = true
		switch {
		case strings.EqualFold(have, want):
			out = append(out, fmt.Sprintf("%s %q: agent names are case-sensitive, and %q is not %q", what, have, want, have))
		case len(want) > 2 && editDistance(strings.ToLower(have), strings.ToLower(want)) <= 2:
			out = append(out, fmt.Sprintf("%s %q: is %q a typo?", what, have, want))
		}
	}
	if w.known != nil {
		for _, k := range w.known(w.s.resp.ServerURL) {
			check(k, "a worker is registered as")
		}
	}
	for _, id := range slices.Sorted(maps.Keys(w.agents)) {
		check(w.agents[id], fmt.Sprintf("agent %s in the room was dispatched as", id))
	}
	return out
}

// editDistance is the Levenshtein distance between a and b, by rune.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
