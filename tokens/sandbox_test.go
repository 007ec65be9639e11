package tokens

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestSandbox(t *testing.T) {
	var path, id, body string
	srv := srcServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		path, id, body = r.URL.Path, r.Header.Get("X-Sandbox-ID"), string(b)
		json.NewEncoder(w).Encode(map[string]string{"serverUrl": "wss://s", "participantToken": "t", "roomName": "room-x"})
	})
	s := &Sandbox{ID: "  my-sandbox-1\n", BaseURL: srv.URL + "/"}
	r, err := s.Fetch(context.Background(), Options{ParticipantName: "n"})
	if err != nil {
		t.Fatal(err)
	}
	if path != "/api/v2/sandbox/connection-details" || id != "my-sandbox-1" || body != `{"participant_name":"n"}` {
		t.Errorf("path %q id %q body %q", path, id, body)
	}
	if r.RoomName != "room-x" {
		t.Errorf("response %+v", r)
	}

	if _, err := (&Sandbox{ID: " \t"}).Fetch(context.Background(), Options{}); err == nil || !strings.Contains(err.Error(), "sandbox ID is empty") {
		t.Errorf("empty id: err = %v", err)
	}
	if e, _ := (&Sandbox{ID: "x"}).endpoint(); e.URL != DefaultSandboxBaseURL+"/api/v2/sandbox/connection-details" {
		t.Errorf("default URL %q", e.URL)
	}
}

func TestSandboxHTTPError(t *testing.T) {
	srv := srcServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "sandbox not found", http.StatusNotFound)
	})
	_, err := (&Sandbox{ID: "x", BaseURL: srv.URL}).Fetch(context.Background(), Options{})
	var he *HTTPError
	if !errors.As(err, &he) || he.Status != 404 || !strings.Contains(he.Body, "sandbox not found") {
		t.Fatalf("err = %v", err)
	}
}
