package hooks

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/livekit/protocol/livekit"
)

const (
	testKey    = "devkey"
	testSecret = "secret-for-tests-0123456789abcdef"
)

func testEvent() *livekit.WebhookEvent {
	return &livekit.WebhookEvent{
		Event: "participant_joined", Id: "EV_test1", CreatedAt: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC).Unix(),
		Room:        &livekit.Room{Name: "r1", Sid: "RM_1"},
		Participant: &livekit.ParticipantInfo{Identity: "bob", Sid: "PA_1"},
	}
}

func sign(t *testing.T, ev *livekit.WebhookEvent, key, secret string) Signed {
	t.Helper()
	s, err := Sign(ev, key, secret)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// receive posts one delivery to a fresh receiver and returns what it
// recorded and answered.
func receive(t *testing.T, cfg ReceiverConfig, body []byte, header http.Header) (Delivery, *http.Response) {
	t.Helper()
	if cfg.APIKey == "" {
		cfg.APIKey, cfg.APISecret = testKey, testSecret
	}
	r, err := NewReceiver(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r)
	defer srv.Close()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	select {
	case d := <-r.Deliveries():
		return d, resp
	default:
		return Delivery{}, resp
	}
}

func authHeader(tok string) http.Header {
	h := http.Header{"Content-Type": {"application/webhook+json"}}
	if tok != "" {
		h.Set("Authorization", tok)
	}
	return h
}

func TestReceiverVerifiesGenuineDelivery(t *testing.T) {
	s := sign(t, testEvent(), testKey, testSecret)
	d, resp := receive(t, ReceiverConfig{}, s.Body, authHeader(s.Authorization))
	if !d.Verified || d.Cause != "" || resp.StatusCode != http.StatusOK {
		t.Fatalf("genuine delivery: verified %v cause %q status %d (%s)", d.Verified, d.Cause, resp.StatusCode, d.Reason)
	}
	want := Delivery{Event: "participant_joined", ID: "EV_test1", Room: "r1", RoomSID: "RM_1", Participant: "bob",
		CreatedAt: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC), SignedWith: testKey, Size: len(s.Body)}
	if d.Event != want.Event || d.ID != want.ID || d.Room != want.Room || d.RoomSID != want.RoomSID ||
		d.Participant != want.Participant || !d.CreatedAt.Equal(want.CreatedAt) || d.SignedWith != want.SignedWith || d.Size != want.Size {
		t.Errorf("delivery = %+v", d)
	}
	if !bytes.Equal(d.Body, s.Body) || d.ArrivedAt.IsZero() {
		t.Errorf("body or arrival not kept: %q, %v", d.Body, d.ArrivedAt)
	}
	line, err := json.Marshal(d)
	if err != nil || strings.Contains(string(line), s.Authorization) || strings.Contains(string(line), testSecret) {
		t.Errorf("JSON line must carry neither the token nor the secret: %s (%v)", line, err)
	}
}

func TestReceiverNamesEachCause(t *testing.T) {
	ev := testEvent()
	good := sign(t, ev, testKey, testSecret)
	other := sign(t, ev, "otherkey", testSecret)
	wrongSecret := sign(t, ev, testKey, "not-the-secret")
	past := time.Now().Add(-10*time.Minute - 500*time.Millisecond) // "10m…s ago" whatever the second
	expired, err := signAt(good.Body, testKey, testSecret, past.Add(-5*time.Minute), past)
	if err != nil {
		t.Fatal(err)
	}
	future := time.Now().Add(10 * time.Minute)
	early, err := signAt(good.Body, testKey, testSecret, future, future.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	// Re-serialized JSON: the same event, other bytes (the usual bug).
	var m map[string]any
	if err := json.Unmarshal(good.Body, &m); err != nil {
		t.Fatal(err)
	}
	reserialized, _ := json.Marshal(m)
	notEvent := []byte("hello")
	notEventTok, err := signAt(notEvent, testKey, testSecret, time.Now(), time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		body   []byte
		auth   string
		cause  Cause
		reason string
	}{
		{"wrong key", other.Body, other.Authorization, CauseWrongKey, `signed with key "otherkey", not "devkey"`},
		{"wrong secret", wrongSecret.Body, wrongSecret.Authorization, CauseBadSignature, `signed with another secret than key "devkey"'s`},
		{"expired", good.Body, expired, CauseExpired, "expired 10m"},
		{"not yet valid", good.Body, early, CauseNotYetValid, "not valid yet: valid in "},
		{"re-serialized body", reserialized, good.Authorization, CauseHashMismatch, "body changed after signing (hash mismatch)"},
		{"no Authorization", good.Body, "", CauseNoAuthorization, "no Authorization header"},
		{"bearer prefix", good.Body, "Bearer " + good.Authorization, CauseMalformed, "not a LiveKit webhook token"},
		{"not an event", notEvent, notEventTok, CauseNotAnEvent, "authentic, but the body is not a webhook event"},
	} {
		d, resp := receive(t, ReceiverConfig{}, tc.body, authHeader(tc.auth))
		if d.Verified || d.Cause != tc.cause || !strings.Contains(d.Reason, tc.reason) {
			t.Errorf("%s: verified %v, cause %q, reason %q; want %q containing %q", tc.name, d.Verified, d.Cause, d.Reason, tc.cause, tc.reason)
		}
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", tc.name, resp.StatusCode)
		}
		if tc.cause != CauseNotAnEvent && d.Event != "participant_joined" {
			t.Errorf("%s: the claimed event should still be shown: %+v", tc.name, d)
		}
	}
}

func TestReceiverGuards(t *testing.T) {
	r, err := NewReceiver(ReceiverConfig{APIKey: testKey, APISecret: testSecret, PathPrefix: "/cap"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(r)
	defer srv.Close()
	s := sign(t, testEvent(), testKey, testSecret)
	for _, tc := range []struct {
		name, method, path, host, origin string
		body                             []byte
		status                           int
	}{
		{"browser page", "POST", "/cap/", "", "http://evil.example", s.Body, http.StatusForbidden},
		{"null origin", "POST", "/cap/", "", "null", s.Body, http.StatusForbidden},
		{"rebinding host", "POST", "/cap/", "evil.example:80", "", s.Body, http.StatusMisdirectedRequest},
		{"no capability", "POST", "/", "", "", s.Body, http.StatusNotFound},
		{"wrong capability", "POST", "/cop/", "", "", s.Body, http.StatusNotFound},
		{"GET", "GET", "/cap/", "", "", nil, http.StatusMethodNotAllowed},
		{"huge body", "POST", "/cap/", "", "", bytes.Repeat([]byte("x"), MaxBody+1), http.StatusRequestEntityTooLarge},
		{"good", "POST", "/cap", "localhost:1", "", s.Body, http.StatusOK},
	} {
		req, _ := http.NewRequest(tc.method, srv.URL+tc.path, bytes.NewReader(tc.body))
		req.Header.Set("Authorization", s.Authorization)
		if tc.host != "" {
			req.Host = tc.host
		}
		if tc.origin != "" {
			req.Header.Set("Origin", tc.origin)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode, tc.status)
		}
	}
	// Only the good one became a delivery.
	if n := len(r.Deliveries()); n != 1 {
		t.Errorf("%d deliveries recorded, want 1", n)
	}
}

// TestForwardKeepsBytesAndHeaders forwards to a handler that records what
// it got: the body byte for byte, the headers (Authorization included), and
// its status and body go back to the sender.
func TestForwardKeepsBytesAndHeaders(t *testing.T) {
	var mu sync.Mutex
	var gotBody []byte
	var gotHeader http.Header
	handler := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		gotBody, gotHeader = b, r.Header.Clone()
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
		_, _ = io.WriteString(w, "thanks")
	}))
	defer handler.Close()
	s := sign(t, testEvent(), testKey, testSecret)
	// Odd whitespace, as protojson writes it: it must survive exactly.
	body := append([]byte(" "), s.Body...)
	tok, err := signAt(body, testKey, testSecret, time.Now(), time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	h := authHeader(tok)
	h.Set("User-Agent", "Go-http-client/1.1")
	h.Set("X-Custom", "kept")
	d, resp := receive(t, ReceiverConfig{ForwardTo: handler.URL + "/hook"}, body, h)
	mu.Lock()
	defer mu.Unlock()
	if !bytes.Equal(gotBody, body) {
		t.Errorf("forwarded body differs:\n got %q\nwant %q", gotBody, body)
	}
	for _, k := range []string{"Authorization", "Content-Type", "User-Agent", "X-Custom"} {
		if gotHeader.Get(k) != h.Get(k) {
			t.Errorf("header %s forwarded as %q, want %q", k, gotHeader.Get(k), h.Get(k))
		}
	}
	if !d.Verified || d.Forward == nil || d.Forward.Status != http.StatusAccepted || d.Forward.Latency <= 0 || d.Forward.Error != "" {
		t.Errorf("delivery: verified %v, forward %+v", d.Verified, d.Forward)
	}
	if resp.StatusCode != http.StatusAccepted {
		t.Errorf("the sender got %d, want the handler's 202", resp.StatusCode)
	}
}

func TestForwardToNothing(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	url := dead.URL
	dead.Close()
	s := sign(t, testEvent(), testKey, testSecret)
	d, resp := receive(t, ReceiverConfig{ForwardTo: url}, s.Body, authHeader(s.Authorization))
	if d.Forward == nil || d.Forward.Status != 0 || !strings.Contains(d.Forward.Error, "refused") {
		t.Errorf("forward = %+v, want a connection refused error", d.Forward)
	}
	if resp.StatusCode != http.StatusBadGateway {
		t.Errorf("the sender got %d, want 502", resp.StatusCode)
	}
	if _, err := NewReceiver(ReceiverConfig{APIKey: "k", APISecret: "s", ForwardTo: "ftp://x"}); err == nil {
		t.Error("a forward URL that is not http(s) should be refused")
	}
	if _, err := NewReceiver(ReceiverConfig{APIKey: "k"}); err == nil {
		t.Error("a receiver without the secret should be refused")
	}
}

func TestReceiverDropsOldestAndCloses(t *testing.T) {
	r, err := NewReceiver(ReceiverConfig{APIKey: testKey, APISecret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	for i := range Buffer + 3 {
		r.push(Delivery{Size: i})
	}
	if r.Dropped() != 3 {
		t.Errorf("dropped %d, want 3", r.Dropped())
	}
	if d := <-r.Deliveries(); d.Size != 3 {
		t.Errorf("oldest kept = %d, want 3", d.Size)
	}
	r.Close()
	r.Close()
	if r.push(Delivery{}) {
		t.Error("push after Close should fail")
	}
}
