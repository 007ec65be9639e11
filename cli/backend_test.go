package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lkdash/lkdash/devserver"
	"github.com/lkdash/lkdash/doctor"
	"github.com/lkdash/lkdash/internal/lktest"
	"github.com/lkdash/lkdash/internal/source"
	"github.com/lkdash/lkdash/room"
	"github.com/lkdash/lkdash/tokens"
	"github.com/lkdash/lkdash/ui"
)

func TestLiveBackendCaching(t *testing.T) {
	var hits atomic.Int32
	tok := mintToken(t, 10*time.Minute, nil)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(map[string]string{"server_url": "ws://127.0.0.1:7880", "participant_token": tok})
	}))
	defer srv.Close()
	b := newBackend(nil)
	ctx := context.Background()
	req := ui.FetchRequest{Spec: source.Spec{Kind: source.KindEndpoint, Endpoint: srv.URL}, Options: tokens.Options{RoomName: "demo"}, Caching: true}
	steps := []struct {
		name  string
		mod   func(*ui.FetchRequest)
		want  tokens.CacheStatus
		inner int32
	}{
		{"first fetch misses", func(*ui.FetchRequest) {}, tokens.CacheMiss, 1},
		{"same request hits", func(*ui.FetchRequest) {}, tokens.CacheHit, 1},
		{"force drops the entry", func(r *ui.FetchRequest) { r.Force = true }, tokens.CacheMiss, 2},
		{"other options miss", func(r *ui.FetchRequest) { r.Force = false; r.Options.RoomName = "other" }, tokens.CacheMiss, 3},
		{"changed spec gets a new cache", func(r *ui.FetchRequest) { r.Spec.Method = "PUT" }, tokens.CacheMiss, 4},
	}
	for _, s := range steps {
		s.mod(&req)
		res, err := b.Fetch(ctx, req)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if res.Cache.Status != s.want || !res.Cache.Enabled || !res.Cache.HasEntry || hits.Load() != s.inner {
			t.Fatalf("%s: cache %+v, inner fetches %d", s.name, res.Cache, hits.Load())
		}
		if res.Response.ParticipantToken != tok {
			t.Fatalf("%s: wrong token", s.name)
		}
	}
	req.Caching = false
	res, err := b.Fetch(ctx, req)
	if err != nil || res.Cache.Enabled || hits.Load() != 5 {
		t.Fatalf("uncached: %+v %v %d", res.Cache, err, hits.Load())
	}
	if _, err := b.Fetch(ctx, ui.FetchRequest{Spec: source.Spec{Kind: source.KindEndpoint}}); err == nil {
		t.Fatal("empty endpoint accepted")
	}
}

// The dashboard's doctor runs doctor.Run on the request's source: each
// check's start and end, then the summary, then the end of the stream; a
// cancelled run still ends, its checks skipped.
func TestLiveBackendDoctorStreams(t *testing.T) {
	srv := lktest.Dedicated(t)
	b := newBackend(nil)
	spec := source.Spec{Kind: source.KindMint, ServerURL: srv.URL, APIKey: srv.APIKey, APISecret: srv.APISecret}
	req := ui.DoctorRequest{Spec: spec, Options: tokens.Options{RoomName: "dash-doctor", ParticipantIdentity: "ada"},
		Checks: []doctor.CheckName{doctor.CheckURL, doctor.CheckSignal}}
	req.Keys.Explicit = spec.CheckConfig()
	ch, err := b.Doctor(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for u := range ch {
		switch {
		case u.Started != "":
			got = append(got, "start "+string(u.Started))
		case u.Result != nil:
			got = append(got, string(u.Result.State)+" "+string(u.Result.Check))
			if u.Result.Check == doctor.CheckURL && (u.Result.Details.Token == nil || u.Result.Details.Token.Signature != "verified") {
				t.Errorf("the url check did not judge the token with the request's keys: %+v", u.Result.Details.Token)
			}
		case u.Summary != nil:
			got = append(got, fmt.Sprintf("summary %d passed", u.Summary.Passed))
		}
	}
	if want := "start url, PASS url, start signal, PASS signal, summary 2 passed"; strings.Join(got, ", ") != want {
		t.Errorf("stream = %s, want %s", strings.Join(got, ", "), want)
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	ch, err = b.Doctor(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	for u := range ch {
		if u.Result != nil && u.Result.State != doctor.Skip {
			t.Errorf("a cancelled run's %s: %s", u.Result.Check, u.Result.State)
		}
	}
	if _, err := b.Doctor(t.Context(), ui.DoctorRequest{Spec: source.Spec{Kind: source.KindEndpoint}}); err == nil {
		t.Error("a run on an incomplete source started")
	}
}

// TestLiveBackendNodeAction: the dashboard's node drills act only on the
// managed deployment: without one, or on a node it does not run, they
// say so instead of signalling anything.
func TestLiveBackendNodeAction(t *testing.T) {
	b := newBackend(nil)
	err := b.NodeAction(room.DrillKillNode)("ND_x")
	if err == nil || !strings.Contains(err.Error(), "managed server only") {
		t.Errorf("without a managed server: %v", err)
	}
	b.setManaged(&devserver.Cluster{Nodes: []*devserver.Server{{NodeID: "ND_one"}, {NodeID: "ND_two"}}})
	err = b.NodeAction(room.DrillStopNode)("ND_elsewhere")
	if err == nil || !strings.Contains(err.Error(), "ND_elsewhere is not one lkdash runs") {
		t.Errorf("a node lkdash does not run: %v", err)
	}
}
