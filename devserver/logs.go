package devserver

import (
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"time"
)

// keepLogs is how many logs of each kind a log directory keeps: enough to
// look back at recent runs, bounded so daily use does not fill the cache.
const keepLogs = 20

// The log file name patterns, for os.CreateTemp and pruneLogs.
const (
	serverLogs = "livekit-server-*.log"
	redisLogs  = "redis-server-*.log"
)

// pruneLogs removes all but the newest keep logs matching pattern in dir.
// It is best effort: a log it cannot read or remove is left alone.
func pruneLogs(dir, pattern string, keep int) {
	paths, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil || len(paths) <= keep {
		return
	}
	type logFile struct {
		path string
		mod  time.Time
	}
	logs := make([]logFile, 0, len(paths))
	for _, p := range paths {
		if fi, err := os.Stat(p); err == nil {
			logs = append(logs, logFile{p, fi.ModTime()})
		}
	}
	slices.SortFunc(logs, func(a, b logFile) int { return b.mod.Compare(a.mod) })
	for _, l := range logs[min(keep, len(logs)):] {
		_ = os.Remove(l.path)
	}
}

// nodeIDPattern finds the node id in livekit-server's start line
// (`starting LiveKit server {"portHttp": …, "nodeID": "ND_…", …}`).
var nodeIDPattern = regexp.MustCompile(`"nodeID":\s*"(ND_[A-Za-z0-9]+)"`)

// nodeIDFromLog reads the node id the server logged after offset from;
// "" when it is not there.
func nodeIDFromLog(path string, from int64) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	if _, err := f.Seek(from, io.SeekStart); err != nil {
		return ""
	}
	// The start line comes within the first few kilobytes.
	b, _ := io.ReadAll(io.LimitReader(f, 64<<10))
	if m := nodeIDPattern.FindSubmatch(b); m != nil {
		return string(m[1])
	}
	return ""
}
