package devserver

import (
	"os"
	"path/filepath"
	"slices"
	"time"
)

// keepLogs is how many server logs a log directory keeps: enough to look
// back at recent runs, bounded so daily use does not fill the cache.
const keepLogs = 20

// pruneLogs removes all but the newest keep server logs in dir. It is best
// effort: a log it cannot read or remove is left alone.
func pruneLogs(dir string, keep int) {
	paths, err := filepath.Glob(filepath.Join(dir, "livekit-server-*.log"))
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
