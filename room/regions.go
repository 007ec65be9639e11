package room

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/livekit/protocol/livekit"
	"google.golang.org/protobuf/encoding/protojson"
)

// regionsLimit bounds the region list's body; a real one is a few hundred
// bytes.
const regionsLimit = 64 << 10

// fetchRegions asks for the LiveKit Cloud region list the way the SDK does
// (GET with the token as a Bearer, protojson RegionSettings) and keeps it,
// closest first. A failure leaves the list it had: discovery is best
// effort, as in the SDK.
func (r *relay) fetchRegions(ctx context.Context, token string) error {
	r.mu.Lock()
	where := r.ups.regionsURL
	r.mu.Unlock()
	if where == "" {
		return nil
	}
	us, ttl, err := getRegions(ctx, r.transport, where, token)
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.ups.regions, r.ups.regionsAt, r.ups.regionsTTL = us, time.Now(), ttl
	r.mu.Unlock()
	return nil
}

func getRegions(ctx context.Context, rt http.RoundTripper, where, token string) ([]upstream, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, regionFetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, where, nil)
	if err != nil {
		return nil, 0, fmt.Errorf("region list: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := (&http.Client{Transport: rt}).Do(req)
	if err != nil {
		return nil, 0, fmt.Errorf("region list: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, regionsLimit))
	if err != nil {
		return nil, 0, fmt.Errorf("region list: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, 0, fmt.Errorf("region list: %s", resp.Status)
	}
	var rs livekit.RegionSettings
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(body, &rs); err != nil {
		return nil, 0, fmt.Errorf("region list: %w", err)
	}
	var us []upstream
	for _, ri := range rs.GetRegions() {
		u, err := newUpstream(ri.GetUrl(), ri.GetRegion())
		if err != nil {
			continue // one bad entry does not spoil the others
		}
		us = append(us, u)
	}
	if len(us) == 0 {
		return nil, 0, fmt.Errorf("region list: no usable region")
	}
	return us, maxAge(resp.Header.Get("Cache-Control")), nil
}

// maxAge reads Cache-Control's max-age; regionTTL without one, as the SDK.
func maxAge(cc string) time.Duration {
	for _, d := range strings.Split(cc, ",") {
		d = strings.ToLower(strings.TrimSpace(d))
		if v, ok := strings.CutPrefix(d, "max-age="); ok {
			if n, err := strconv.Atoi(v); err == nil && n > 0 {
				return time.Duration(n) * time.Second
			}
		}
	}
	return regionTTL
}
