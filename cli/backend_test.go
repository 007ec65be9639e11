package cli

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lkdash/lkdash/internal/source"
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
