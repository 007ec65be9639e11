//go:build !unix

package devserver

import (
	"context"
	"fmt"
	"os"
	"time"
)

// staleLock is how old a lock file may get before we assume its owner died:
// without flock the file outlives a crashed process.
const staleLock = 30 * time.Minute

// lockFile creates path exclusively, polling so ctx can cancel the wait.
func lockFile(ctx context.Context, path string, waiting func()) (unlock func(), err error) {
	announced := false
	for {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err == nil {
			f.Close()
			return func() { _ = os.Remove(path) }, nil
		}
		if !os.IsExist(err) {
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		if fi, serr := os.Stat(path); serr == nil && time.Since(fi.ModTime()) > staleLock {
			_ = os.Remove(path)
			continue
		}
		if !announced {
			announced = true
			waiting()
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}
