package cli

import (
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

// publish starts what the flags ask for; the track_published events report
// each track.
func (p *publishFlags) publish(sess *room.Session) error {
	if p.demo {
		if _, err := sess.PublishDemo(); err != nil {
			return err
		}
	}
	for _, f := range p.files {
		if _, err := sess.PublishFile(f); err != nil {
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
