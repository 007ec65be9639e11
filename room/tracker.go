package room

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/livekit/protocol/livekit"
)

// tracker turns the server's participant messages (the join response,
// participant updates, connection quality) into the room's participant
// state and the events that change it. The SDK applies the same messages
// silently or only partly (no renames, permissions, mutes, kinds or leave
// reasons), so the relay's copy of the signal stream is the one source of
// participant events. Not safe for concurrent use: Session holds its lock.
type tracker struct {
	local    string                 // our identity
	people   map[string]Participant // identity → latest
	versions map[string]uint32      // identity → ParticipantInfo.version
	sids     map[string]string      // participant SID → identity
	quality  map[string]string      // identity → last connection quality

	joined bool
	// The room as the first join response described it, for Connected.
	snapLocal  Participant
	snapOthers []Participant
}

func newTracker() *tracker {
	return &tracker{people: map[string]Participant{}, versions: map[string]uint32{},
		sids: map[string]string{}, quality: map[string]string{}}
}

// join applies a join response. The first is the starting snapshot (no
// events: Connected carries it); a later one (a full reconnect) is diffed
// against what was known, and whoever is missing from it has left.
func (t *tracker) join(jr *livekit.JoinResponse, now time.Time) []Event {
	t.local = jr.GetParticipant().GetIdentity()
	infos := append([]*livekit.ParticipantInfo{jr.GetParticipant()}, jr.GetOtherParticipants()...)
	if !t.joined {
		t.joined = true
		for _, pi := range infos {
			p := participantFromInfo(pi)
			t.store(p, pi.GetVersion())
			if p.Identity == t.local {
				t.snapLocal = p
			} else {
				t.snapOthers = append(t.snapOthers, p)
			}
		}
		slices.SortStableFunc(t.snapOthers, func(a, b Participant) int {
			return cmp.Or(a.JoinedAt.Compare(b.JoinedAt), strings.Compare(a.Identity, b.Identity))
		})
		return nil
	}
	evs := t.update(infos, now)
	present := map[string]bool{}
	for _, pi := range infos {
		present[pi.GetIdentity()] = true
	}
	for _, id := range slices.Sorted(maps.Keys(t.people)) {
		if !present[id] {
			evs = append(evs, ParticipantLeft{At: now, Participant: t.people[id], Reason: "not in the room after reconnecting"})
			t.forget(id)
		}
	}
	return evs
}

func (t *tracker) store(p Participant, version uint32) {
	t.people[p.Identity] = p
	t.versions[p.Identity] = version
	if p.SID != "" {
		t.sids[p.SID] = p.Identity
	}
}

func (t *tracker) forget(id string) {
	if p, ok := t.people[id]; ok {
		delete(t.sids, p.SID)
	}
	delete(t.people, id)
	delete(t.versions, id)
	delete(t.quality, id)
}

// update applies participant updates and returns what changed, in order.
func (t *tracker) update(infos []*livekit.ParticipantInfo, now time.Time) []Event {
	var evs []Event
	for _, pi := range infos {
		id := pi.GetIdentity()
		if id == "" {
			continue
		}
		old, known := t.people[id]
		if known && pi.GetVersion() < t.versions[id] {
			continue // an older state overtaken by one already applied
		}
		local := id == t.local
		if pi.GetState() == livekit.ParticipantInfo_DISCONNECTED {
			if known && !local { // our own end is the session's Disconnected
				ev := ParticipantLeft{At: now, Participant: old}
				if r := pi.GetDisconnectReason(); r != livekit.DisconnectReason_UNKNOWN_REASON {
					ev.Code = r.String()
					ev.Reason = describeDisconnect(ev.Code)
				}
				evs = append(evs, ev)
				t.forget(id)
			}
			continue
		}
		p := participantFromInfo(pi)
		if known && old.SID != p.SID {
			delete(t.sids, old.SID) // rejoined under the same identity
		}
		t.store(p, pi.GetVersion())
		if !known {
			if !local {
				evs = append(evs, ParticipantJoined{At: now, Participant: p})
			}
			continue
		}
		evs = append(evs, changes(old, p, local, now)...)
	}
	return evs
}

// changes lists the events that turn old into p.
func changes(old, p Participant, local bool, now time.Time) []Event {
	id := p.Identity
	var evs []Event
	if old.Name != p.Name {
		evs = append(evs, NameChanged{At: now, Identity: id, Local: local, Old: old.Name, New: p.Name})
	}
	if old.Metadata != p.Metadata {
		evs = append(evs, MetadataChanged{At: now, Identity: id, Local: local, Old: old.Metadata, New: p.Metadata})
	}
	if changed := attributeChanges(old.Attributes, p.Attributes); len(changed) > 0 {
		evs = append(evs, AttributesChanged{At: now, Identity: id, Local: local, Changed: changed})
		if was, is := old.AgentState(), p.AgentState(); was != is {
			evs = append(evs, AgentStateChanged{At: now, Identity: id, Local: local, Old: was, New: is})
		}
	}
	if old.Kind != p.Kind {
		evs = append(evs, KindChanged{At: now, Identity: id, Local: local, Old: old.Kind, New: p.Kind})
	}
	if !samePermissions(old.Permissions, p.Permissions) {
		evs = append(evs, PermissionsChanged{At: now, Identity: id, Local: local, Old: old.Permissions, New: p.Permissions})
	}
	before := map[string]Track{}
	for _, tr := range old.Tracks {
		before[tr.SID] = tr
	}
	for _, tr := range p.Tracks {
		was, ok := before[tr.SID]
		delete(before, tr.SID)
		switch {
		case !ok:
			evs = append(evs, TrackPublished{At: now, Identity: id, Local: local, Track: tr})
			continue
		case !sameTrack(was, tr):
			evs = append(evs, TrackUpdated{At: now, Identity: id, Local: local, Track: tr})
		}
		switch {
		case tr.Muted && !was.Muted:
			evs = append(evs, TrackMuted{At: now, Identity: id, Local: local, Track: tr})
		case !tr.Muted && was.Muted:
			evs = append(evs, TrackUnmuted{At: now, Identity: id, Local: local, Track: tr})
		}
	}
	for _, tr := range old.Tracks { // in their order, not the map's
		if _, gone := before[tr.SID]; gone {
			evs = append(evs, TrackUnpublished{At: now, Identity: id, Local: local, Track: tr})
		}
	}
	return evs
}

// attributeChanges maps changed keys to their new value ("" when deleted).
func attributeChanges(old, cur map[string]string) map[string]string {
	changed := map[string]string{}
	for k, v := range cur {
		if ov, ok := old[k]; !ok || ov != v {
			changed[k] = v
		}
	}
	for k := range old {
		if _, ok := cur[k]; !ok {
			changed[k] = ""
		}
	}
	if len(changed) == 0 {
		return nil
	}
	return changed
}

// trackOwner is the identity publishing the track sid; false when unknown.
func (t *tracker) trackOwner(sid string) (string, bool) {
	for id, p := range t.people {
		for _, tr := range p.Tracks {
			if tr.SID == sid {
				return id, true
			}
		}
	}
	return "", false
}

// connectionQuality applies quality updates; nil when nothing changed.
func (t *tracker) connectionQuality(infos []*livekit.ConnectionQualityInfo, now time.Time) Event {
	changed := map[string]string{}
	for _, q := range infos {
		id, ok := t.sids[q.GetParticipantSid()]
		if !ok {
			continue
		}
		name := strings.ToLower(q.GetQuality().String())
		if t.quality[id] != name {
			t.quality[id] = name
			changed[id] = name
		}
	}
	if len(changed) == 0 {
		return nil
	}
	return ConnectionQuality{At: now, Qualities: changed}
}
