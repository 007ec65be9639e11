package devserver

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestPruneLogsKeepsNewest(t *testing.T) {
	dir := t.TempDir()
	base := time.Now().Add(-time.Hour)
	for i := range 5 {
		p := filepath.Join(dir, fmt.Sprintf("livekit-server-%d.log", i))
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, base, base.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	other := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(other, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	pruneLogs(dir, serverLogs, 2)
	left, _ := filepath.Glob(filepath.Join(dir, "livekit-server-*.log"))
	if len(left) != 2 || filepath.Base(left[0]) != "livekit-server-3.log" || filepath.Base(left[1]) != "livekit-server-4.log" {
		t.Errorf("kept %v, want the two newest", left)
	}
	if _, err := os.Stat(other); err != nil {
		t.Error("pruning touched a file that is not a server log")
	}
}
