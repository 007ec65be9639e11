package ui

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/styles"
	"github.com/lkdash/lkdash/tokens"
)

func joinedEvent(i int) room.Event {
	return room.ParticipantJoined{At: t0.Add(time.Duration(i) * time.Second),
		Participant: room.Participant{Identity: fmt.Sprintf("user-%d", i), Name: "User"}}
}

func newTestLog(w, h int) eventLog {
	st := styles.New(styles.DefaultTheme(), false)
	l := newEventLog(&st)
	l.SetSize(w, h)
	return l
}

func TestEventLogRingCapAndOrder(t *testing.T) {
	l := newTestLog(80, 10)
	for i := range LogCap + 250 {
		l.add(eventEntry(joinedEvent(i)))
	}
	if l.Len() != LogCap {
		t.Fatalf("len %d, want cap %d", l.Len(), LogCap)
	}
	if got := l.nth(0).text; !strings.Contains(got, "user-250") {
		t.Fatalf("oldest kept = %q, want user-250", got)
	}
	v := l.View()
	lines := strings.Split(v, "\n")
	if len(lines) != 10 || !strings.Contains(lines[8], fmt.Sprintf("user-%d", LogCap+249)) {
		t.Fatalf("newest not at the bottom:\n%s", v)
	}
}

func TestEventLogFilterAndScroll(t *testing.T) {
	l := newTestLog(80, 6)
	for i := range 100 {
		l.add(eventEntry(joinedEvent(i)))
	}
	l.add(newEntry(t0, entryError, "join_failed", "unauthorized: invalid API key", nil, nil))
	l, _ = l.Update(keyMsg("/"))
	if !l.Capturing() {
		t.Fatal("/ did not open the filter")
	}
	for _, r := range "user-4" {
		l, _ = l.Update(keyMsg(string(r)))
	}
	if l.count() != 11 { // user-4, user-40..49
		t.Fatalf("filter matched %d", l.count())
	}
	l, _ = l.Update(keyMsg("enter"))
	if l.Capturing() || l.filter != "user-4" {
		t.Fatal("enter did not keep the filter")
	}
	// new matching entries arrive while filtered; non-matching do not show
	l.add(eventEntry(joinedEvent(400)))
	l.add(eventEntry(joinedEvent(500)))
	if l.count() != 12 {
		t.Fatalf("after add: %d matches", l.count())
	}
	// filter by type
	l.setFilter("JOIN_FAILED")
	if l.count() != 1 || !strings.Contains(l.View(), "invalid API key") {
		t.Fatalf("type filter: %d\n%s", l.count(), l.View())
	}
	l, _ = l.Update(keyMsg("esc"))
	if l.filter != "" || l.count() != 103 {
		t.Fatal("esc did not clear the filter")
	}
	// scrolling up keeps the view still as entries arrive
	l, _ = l.Update(keyMsg("up"))
	l, _ = l.Update(keyMsg("up"))
	before := l.View()
	l.add(eventEntry(joinedEvent(900)))
	if strings.Split(l.View(), "\n")[0] != strings.Split(before, "\n")[0] {
		t.Fatal("scrolled view moved on append")
	}
	l, _ = l.Update(keyMsg("end"))
	if l.offset != 0 || !strings.Contains(l.View(), "user-900") {
		t.Fatal("end did not follow")
	}
}

func TestRefreshEntryStandsOut(t *testing.T) {
	e := eventEntry(room.TokenRefreshed{At: t0, Diff: tokens.TokenDiff{
		NewExpiry: t0.Add(10 * time.Minute), LifetimeChange: -5 * time.Minute,
		Changed: []tokens.ClaimChange{{Claim: "metadata", Old: `"a"`, New: `"b"`}, {Claim: "video.canPublish", Old: "true"}},
	}})
	if e.kind != entryRefresh || !strings.Contains(e.text, "-5m,") || !strings.Contains(e.text, "SHORTER") {
		t.Fatalf("entry %+v", e)
	}
	if len(e.detail) != 2 || !strings.Contains(e.detail[1], "(absent)") {
		t.Fatalf("detail %q", e.detail)
	}
	l := newTestLog(80, 6)
	l.add(e)
	if !strings.Contains(l.View(), "★token_refreshed") {
		t.Fatalf("no marker:\n%s", l.View())
	}
}

func TestExportJSONLines(t *testing.T) {
	dir := t.TempDir()
	l := newTestLog(80, 6)
	l.add(newEntry(t0, entryProgress, "progress", "connecting", nil, nil))
	l.add(eventEntry(joinedEvent(1)))
	l.add(eventEntry(room.Disconnected{At: t0, Reason: "leave requested by user"}))
	msg := exportLog(dir, t0, l.entries.snapshot())().(exportedMsg)
	if msg.err != nil || msg.n != 3 {
		t.Fatalf("export: %+v", msg)
	}
	if filepath.Base(msg.path) != "lkdash-events-20261129T013700Z.jsonl" {
		t.Fatalf("path %s", msg.path)
	}
	f, err := os.Open(msg.path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var types []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		types = append(types, m["type"].(string))
	}
	if strings.Join(types, ",") != "lkdash.progress,participant_joined,disconnected" {
		t.Fatalf("types %v", types)
	}
	// a second export in the same second must not clobber the first
	if msg := exportLog(dir, t0, nil)().(exportedMsg); msg.err == nil {
		t.Fatal("export overwrote an existing file")
	}
}

// fill10k builds a dashboard whose log received 10,000 events.
func fill10k(b testing.TB) Model {
	m := testModel(b, newClock(), newFetchBackend(b), 160, 40)
	for i := range 10_000 {
		m.evs.add(eventEntry(joinedEvent(i)))
	}
	return m
}

func BenchmarkView(b *testing.B) {
	m := testModel(b, newClock(), newFetchBackend(b), 160, 40)
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

func BenchmarkViewEventLog10k(b *testing.B) {
	m := fill10k(b)
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkEventLogOnly isolates the log widget (the part that scales).
func BenchmarkEventLogOnly10k(b *testing.B) {
	l := newTestLog(58, 8)
	for i := range 10_000 {
		l.add(eventEntry(joinedEvent(i)))
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = l.View()
	}
}

func BenchmarkAppendEvent(b *testing.B) {
	l := newTestLog(58, 8)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		l.add(eventEntry(joinedEvent(i)))
		i++
	}
}

// BenchmarkViewRatio10k renders an empty-log dashboard and a 10k-event one
// in the same loop and reports their ratio: the log renders only its
// window, so the ratio should stay near 1 whatever the machine's speed.
func BenchmarkViewRatio10k(b *testing.B) {
	empty := testModel(b, newClock(), newFetchBackend(b), 160, 40)
	full := fill10k(b)
	var tEmpty, tFull time.Duration
	for b.Loop() {
		start := time.Now()
		_ = empty.View()
		mid := time.Now()
		_ = full.View()
		tEmpty += mid.Sub(start)
		tFull += time.Since(mid)
	}
	b.ReportMetric(float64(tFull.Nanoseconds())/float64(b.N), "ns-10k/op")
	b.ReportMetric(float64(tFull)/float64(tEmpty), "ratio-10k/empty")
}

// TestLogMemoryBound fills the log past its cap with typical events and
// checks the retained heap stays bounded (the ring drops the oldest).
func TestLogMemoryBound(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	l := newTestLog(80, 10)
	for i := range 3 * LogCap {
		l.add(eventEntry(joinedEvent(i)))
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	grew := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("%d entries kept of %d appended; heap grew %.1f MiB (%.0f B/entry)", l.Len(), 3*LogCap, float64(grew)/(1<<20), float64(grew)/float64(LogCap))
	if grew > 16<<20 {
		t.Errorf("log holds %d MiB", grew>>20)
	}
	runtime.KeepAlive(l)
}

// BenchmarkViewFetchedToken is the common steady state: a token on screen
// (claims, badges, countdown), redrawn by the once-a-second tick.
func BenchmarkViewFetchedToken(b *testing.B) {
	m := fetched(b, testModel(b, newClock(), newFetchBackend(b), 160, 40))
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}
