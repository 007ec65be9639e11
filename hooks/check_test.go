package hooks

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/webhook"
)

// verifyingHandler is a handler done right: it verifies with the protocol
// library and deduplicates by event id.
func verifyingHandler() http.Handler {
	provider := auth.NewSimpleKeyProvider(testKey, testSecret)
	var mu sync.Mutex
	seen := map[string]bool{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, err := webhook.ReceiveWebhookEvent(r, provider)
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if seen[ev.GetId()] {
			http.Error(w, "already handled", http.StatusConflict)
			return
		}
		seen[ev.GetId()] = true
	})
}

// naiveHandler trusts whatever JSON it is sent.
func naiveHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev map[string]any
		if err := json.NewDecoder(r.Body).Decode(&ev); err != nil || ev["event"] == nil {
			http.Error(w, "bad json", http.StatusBadRequest)
		}
	})
}

// reserializingHandler verifies, but hashes re-serialized JSON: the usual
// bug, which refuses genuine deliveries.
func reserializingHandler() http.Handler {
	provider := auth.NewSimpleKeyProvider(testKey, testSecret)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev map[string]any
		b, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(b, &ev)
		again, _ := json.Marshal(ev)
		r.Body = io.NopCloser(strings.NewReader(string(again)))
		if _, err := webhook.Receive(r, provider); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
		}
	})
}

func runCheck(t *testing.T, h http.Handler) CheckReport {
	t.Helper()
	srv := httptest.NewServer(h)
	defer srv.Close()
	rep, err := Check(context.Background(), CheckConfig{URL: srv.URL + "/webhook", APIKey: testKey, APISecret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 6 {
		t.Fatalf("%d results, want 6", len(rep.Results))
	}
	return rep
}

func TestCheckVerifyingHandler(t *testing.T) {
	rep := runCheck(t, verifyingHandler())
	if rep.Failed() || len(rep.Holes()) != 0 {
		t.Fatalf("a verifying handler should pass: %+v", rep.Results)
	}
	want := map[CheckCase]int{CaseGenuine: 200, CaseWrongSecret: 401, CaseAlteredBody: 401, CaseExpired: 401, CaseNoAuthorization: 401, CaseReplay: 409}
	for _, r := range rep.Results {
		if r.Status != want[r.Case] {
			t.Errorf("%s: status %d, want %d", r.Case, r.Status, want[r.Case])
		}
	}
	if r := rep.Results[5]; !strings.Contains(r.Note, "deduplicates") {
		t.Errorf("replay note = %q", r.Note)
	}
}

func TestCheckNaiveHandlerIsAHole(t *testing.T) {
	rep := runCheck(t, naiveHandler())
	if !rep.Failed() {
		t.Fatal("a handler that accepts forgeries must fail the check")
	}
	var holes []string
	for _, h := range rep.Holes() {
		holes = append(holes, string(h.Case))
		if !strings.Contains(h.Note, "ACCEPTED A FORGED DELIVERY") {
			t.Errorf("%s note = %q", h.Case, h.Note)
		}
	}
	if got := strings.Join(holes, ","); got != "wrong_secret,altered_body,expired,no_authorization" {
		t.Errorf("holes = %s", got)
	}
	if r := rep.Results[5]; !r.OK || !strings.Contains(r.Note, "accepted again") {
		t.Errorf("replay = %+v", r)
	}
}

func TestCheckReserializingHandlerRefusesGenuine(t *testing.T) {
	rep := runCheck(t, reserializingHandler())
	g := rep.Results[0]
	if g.OK || g.Accepted || !strings.Contains(g.Note, "re-serialized JSON") || len(rep.Holes()) != 0 || !rep.Failed() {
		t.Errorf("genuine = %+v, holes %v", g, rep.Holes())
	}
}

func TestCheckUnreachableAndBadInput(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	rep, err := Check(context.Background(), CheckConfig{URL: url, APIKey: testKey, APISecret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Failed() || rep.Results[0].Err == nil || !strings.Contains(rep.Results[0].Note, "could not reach") {
		t.Errorf("unreachable: %+v", rep.Results[0])
	}
	if _, err := Check(context.Background(), CheckConfig{URL: "not a url", APIKey: testKey, APISecret: testSecret}); err == nil {
		t.Error("a bad URL should be an error")
	}
	if _, err := Check(context.Background(), CheckConfig{URL: url, APIKey: testKey}); err == nil {
		t.Error("a missing secret should be an error")
	}
}

// TestCheckAgainstReceiver: lkdash's own receiver refuses every forgery.
func TestCheckAgainstReceiver(t *testing.T) {
	r, err := NewReceiver(ReceiverConfig{APIKey: testKey, APISecret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	rep := runCheck(t, r)
	if rep.Failed() {
		t.Errorf("the receiver should pass its own check: %+v", rep.Results)
	}
	causes := map[CheckCase]Cause{}
	for range 6 {
		d := <-r.Deliveries()
		switch {
		case d.Verified && causes[CaseGenuine] == "":
			causes[CaseGenuine] = "ok"
		case d.Cause == CauseBadSignature:
			causes[CaseWrongSecret] = d.Cause
		case d.Cause == CauseHashMismatch:
			causes[CaseAlteredBody] = d.Cause
		case d.Cause == CauseExpired:
			causes[CaseExpired] = d.Cause
		case d.Cause == CauseNoAuthorization:
			causes[CaseNoAuthorization] = d.Cause
		}
	}
	if len(causes) != 5 {
		t.Errorf("the receiver should name a cause per forgery: %v", causes)
	}
}
