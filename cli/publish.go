package cli

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/pflag"

	"github.com/lkdash/lkdash/room"
)

// publishFlags are join's media flags: what to publish once joined, and
// whether to report what we receive.
type publishFlags struct {
	demo       bool
	files      []string
	data       string
	dataTopic  string
	stats      bool
	statsEvery time.Duration
}

func (p *publishFlags) register(fs *pflag.FlagSet) {
	fs.BoolVar(&p.demo, "publish-demo", false, "publish a looping test pattern (VP8) and test tone (Opus)")
	fs.StringArrayVar(&p.files, "publish", nil, "publish a media file once: "+room.FileTypes+" (repeatable)")
	fs.StringVar(&p.data, "publish-data", "", "send this text as one reliable data message after joining")
	fs.StringVar(&p.dataTopic, "data-topic", "", "topic of the --publish-data message")
	fs.BoolVar(&p.stats, "stats", false, "print track_stats for each subscribed track (needs --auto-subscribe)")
	fs.DurationVar(&p.statsEvery, "stats-interval", 2*time.Second, "how often --stats reports")
}

// check rejects flag combinations that cannot work, before joining.
func (p *publishFlags) check(autoSubscribe bool) error {
	if p.stats && !autoSubscribe {
		return usageErrorf("--stats reports subscribed tracks: add --auto-subscribe")
	}
	if p.stats && p.statsEvery < 100*time.Millisecond {
		return usageErrorf("--stats-interval must be at least 100ms")
	}
	for _, f := range p.files {
		if err := room.CheckMediaFile(f); err != nil {
			return usageErrorf("--publish: %v", err)
		}
		if _, err := os.Stat(f); err != nil {
			return usageErrorf("--publish: %v", err)
		}
	}
	return nil
}

func (p *publishFlags) statsInterval() time.Duration {
	if !p.stats {
		return 0
	}
	return p.statsEvery
}

// refusal is a publication the server refused, with the tracks it had
// accepted by then: join prints their events before it fails.
type refusal struct {
	accepted []room.Track
	err      error // wraps a *room.PublishRefusedError
}

func (r *refusal) Error() string { return r.err.Error() }
func (r *refusal) Unwrap() error { return r.err }

// publish starts what the flags ask for; the track_published events report
// each track. A refused track ends it with a *refusal.
func (p *publishFlags) publish(sess *room.Session) error {
	var accepted []room.Track
	stop := func(tracks []room.Track, err error) error {
		accepted = append(accepted, tracks...)
		if refused := new(room.PublishRefusedError); errors.As(err, &refused) {
			return &refusal{accepted: accepted, err: err}
		}
		return err
	}
	if p.demo {
		if err := stop(sess.PublishDemo()); err != nil {
			return err
		}
	}
	for _, f := range p.files {
		t, err := sess.PublishFile(f)
		if err := stop([]room.Track{t}, err); err != nil {
			return err
		}
	}
	if p.data != "" {
		if err := sess.PublishData([]byte(p.data), p.dataTopic, true); err != nil {
			return fmt.Errorf("--publish-data: %w", err)
		}
	}
	return nil
}
